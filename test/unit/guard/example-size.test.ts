// The promise about docs/examples/agent.ts: the whole guard API in
// under 40 lines. Counting here keeps an edit from quietly breaking it, and
// checks the example still calls every part of the API it claims to show.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const text = readFileSync("docs/examples/agent.ts", "utf8");
const lines = text.replace(/\n$/, "").split("\n");

describe("docs/examples/agent.ts", () => {
  it("is under 40 lines, and docs/guard.md says how many", () => {
    expect(lines.length).toBeLessThan(40);
    expect(readFileSync("docs/guard.md", "utf8")).toContain(`shows the whole API in ${lines.length} lines`);
  });

  it("calls every part of the API: keys, registration, guard, send, receive, state, act, approval, policy", () => {
    for (const call of ["generateGuardKeys(", "registerAgent(", "fetchRegistry(", "createGuard(", ".request(", ".send(", ".receive(", ".writeState(", ".readState(", ".act(", ".approve(", "policy.kill(", ".shutdown()"]) {
      expect(text, call).toContain(call);
    }
    expect(text).toContain('"red"');
  });
});
