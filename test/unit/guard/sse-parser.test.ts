import { describe, expect, it } from "vitest";
import { SseParser } from "@/lib/guard/sse-parser.ts";

describe("SseParser", () => {
  it("parses events split anywhere across chunks, with ids, names, multi-line data and comments", () => {
    const text = 'retry: 500\n\n: a comment\nid: 4\nevent: policy\ndata: {"a":\ndata: 1}\n\nevent: heartbeat\ndata: {"version":4}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(events).toEqual([
        { event: "policy", data: '{"a":\n1}', id: "4" },
        { event: "heartbeat", data: '{"version":4}', id: "4" },
      ]);
    }
  });

  it("accepts CRLF and CR line ends, even a CRLF split between chunks", () => {
    const p = new SseParser();
    expect([...p.push("event: x\r"), ...p.push("\ndata: 1\r\n\r\n"), ...p.push("data: 2\r\r")]).toEqual([
      { event: "x", data: "1", id: null },
      { event: "message", data: "2", id: null },
    ]);
  });

  it("keeps an incomplete event until its blank line arrives", () => {
    const p = new SseParser();
    expect(p.push("event: policy\ndata: {}\n")).toEqual([]);
    expect(p.push("\n")).toEqual([{ event: "policy", data: "{}", id: null }]);
  });
});
