// The policy stream and long poll over a feed the test drives: what a guard
// receives on connect, on a change, when resuming, and while waiting.
import { describe, expect, it } from "vitest";
import type { ControlPolicyView } from "@/lib/api/control-views.ts";
import { mergePolicy } from "@/lib/control/policy-document.ts";
import { policyAfter, policyStream, type PolicyFeed, type PolicyFeedListener } from "@/lib/control/policy-stream.ts";
import { SseParser, type ServerSentEvent } from "@/lib/guard/sse-parser.ts";

class Feed implements PolicyFeed {
  listeners = new Set<PolicyFeedListener>();
  constructor(public latest: ControlPolicyView) {}
  current = async () => this.latest;
  read = async () => this.latest;
  subscribe(l: PolicyFeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  publish(version: number): void {
    this.latest = doc(version);
    for (const l of this.listeners) l(this.latest);
  }
}

const doc = (version: number): ControlPolicyView => ({ ...mergePolicy(version, [], []), generatedAt: "2026-12-05T03:00:00.000Z" });

async function collect(res: Response, count: number): Promise<ServerSentEvent[]> {
  const reader = res.body!.getReader();
  const parser = new SseParser();
  const out: ServerSentEvent[] = [];
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    out.push(...parser.push(new TextDecoder().decode(value)));
  }
  await reader.cancel();
  return out;
}

describe("policyStream", () => {
  it("sends the policy on connect with its version as id, then each newer version, never an older one", async () => {
    const feed = new Feed(doc(4));
    const abort = new AbortController();
    const res = await policyStream(feed, new Request("http://x/s", { signal: abort.signal }), 60_000);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = collect(res, 2);
    await new Promise((r) => setTimeout(r, 10));
    feed.publish(3);
    feed.publish(6);
    const got = await events;
    expect(got.map((e) => [e.event, e.id, (JSON.parse(e.data) as { version: number }).version])).toEqual([
      ["policy", "4", 4],
      ["policy", "6", 6],
    ]);
    abort.abort();
    expect(feed.listeners.size).toBe(0);
  });

  it("a client resuming at the current version gets a heartbeat, not the document again; heartbeats carry the version", async () => {
    const feed = new Feed(doc(9));
    const res = await policyStream(feed, new Request("http://x/s", { headers: { "last-event-id": "9" } }), 20);
    const got = await collect(res, 2);
    expect(got.map((e) => e.event)).toEqual(["heartbeat", "heartbeat"]);
    expect(JSON.parse(got[0]!.data)).toMatchObject({ version: 9 });
    const behind = await collect(await policyStream(feed, new Request("http://x/s", { headers: { "last-event-id": "7" } }), 60_000), 1);
    expect(behind[0]!.event).toBe("policy");
  });
});

describe("policyAfter (long poll)", () => {
  it("answers at once without `after` or when already newer; otherwise on the next version, or with the same one after `wait`", async () => {
    const feed = new Feed(doc(5));
    expect((await policyAfter(feed, { wait: 25 })).version).toBe(5);
    expect((await policyAfter(feed, { after: 4, wait: 25 })).version).toBe(5);
    const waiting = policyAfter(feed, { after: 5, wait: 25 });
    feed.publish(6);
    expect((await waiting).version).toBe(6);
    const t0 = Date.now();
    expect((await policyAfter(feed, { after: 6, wait: 1 })).version).toBe(6);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(feed.listeners.size).toBe(0);
  });
});
