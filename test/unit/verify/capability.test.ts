import { describe, expect, it } from "vitest";
import { checkCapability } from "@/lib/verify/capability.ts";
import { makeRecord } from "@/test/fixtures/records.ts";
import { makeAgent } from "@/test/fixtures/registry.ts";

const agent = makeAgent({
  id: "planner",
  capabilities: [
    { intent: "quote.request", to: ["pricer", "buyer"] },
    { intent: "quote.request", to: ["auditor"] },
    { intent: "broadcast", to: ["*"] },
    { intent: "refund", to: [] },
    { intent: "notify", to: ["ops"] },
  ],
});

describe("checkCapability", () => {
  it("allows a granted intent to granted receivers, across several grants", () => {
    expect(checkCapability(makeRecord({ intent: "quote.request", to: ["pricer", "auditor"] }), agent)).toEqual([]);
  });

  it("allows any receiver under *", () => {
    expect(checkCapability(makeRecord({ intent: "broadcast", to: ["anyone", "else"] }), agent)).toEqual([]);
  });

  it("names the receivers that were not allowed", () => {
    expect(checkCapability(makeRecord({ intent: "quote.request", to: ["pricer", "mallory", "eve", "mallory"] }), agent)).toEqual([
      { verdict: "capability_violation", detail: "agent planner may not send intent quote.request to mallory, eve" },
    ]);
  });

  it("names an intent the agent may not send", () => {
    expect(checkCapability(makeRecord({ intent: "wire.transfer" }), agent)).toEqual([
      { verdict: "capability_violation", detail: "agent planner may not send intent wire.transfer" },
    ]);
    expect(checkCapability(makeRecord({ intent: undefined }), agent)[0]?.detail).toBe("agent planner may not send intent (none)");
  });

  it("does not let an action capability (to: []) grant a message", () => {
    expect(checkCapability(makeRecord({ intent: "refund", to: ["x"] }), agent)[0]?.verdict).toBe("capability_violation");
  });

  it("allows an action with a capability of to: [] only", () => {
    expect(checkCapability(makeRecord({ kind: "action", intent: "refund", to: undefined }), agent)).toEqual([]);
    expect(checkCapability(makeRecord({ kind: "action", intent: "notify" }), agent)).toEqual([
      { verdict: "capability_violation", detail: "agent planner may not perform action notify" },
    ]);
    expect(checkCapability(makeRecord({ kind: "action", intent: "rm -rf" }), agent)[0]?.verdict).toBe("capability_violation");
  });

  it("leaves other kinds alone", () => {
    for (const kind of ["request", "approval", "state.read", "state.write"] as const) {
      expect(checkCapability(makeRecord({ kind, intent: "anything" }), agent)).toEqual([]);
    }
  });
});
