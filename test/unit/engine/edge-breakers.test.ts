import { describe, expect, it } from "vitest";
import { BreakerPolicy, resolveBreakerConfig } from "@/lib/engine/breaker/config.ts";
import { breakerKey, failureOf, observe, operate, tick, type ObservedRecord } from "@/lib/engine/breaker/edge-breakers.ts";

const T = Date.UTC(2026, 10, 21, 12);
const policy = BreakerPolicy.parse({});
const settings = (edge: { sender: string; receiver: string }) => resolveBreakerConfig(policy, edge, edge.receiver === "buyer");
let n = 0;
const rec = (agent: string, receivers: string[], sec: number, o: Partial<ObservedRecord> = {}): ObservedRecord => ({
  recordId: `r${++n}`,
  agent,
  receivers,
  at: T + sec * 1000,
  verified: true,
  verdicts: ["verified"],
  anomalous: false,
  ...o,
});
const bad = { verified: false, verdicts: ["bad_signature"] };

describe("failureOf", () => {
  it("counts failed verification and anomalies, not waiting or the unattested note", () => {
    expect(failureOf({ verified: true, verdicts: ["verified"], anomalous: false })).toEqual([]);
    expect(failureOf({ verified: true, verdicts: ["verified", "unattested_agent"], anomalous: false })).toEqual([]);
    expect(failureOf({ verified: false, verdicts: ["pending"], anomalous: false })).toEqual([]);
    expect(failureOf({ verified: false, verdicts: ["pending", "stale"], anomalous: false })).toEqual(["verification"]);
    expect(failureOf({ verified: false, verdicts: [], anomalous: true })).toEqual(["verification", "anomaly"]);
  });
});

describe("edge breakers", () => {
  it("keeps one breaker per directed edge and trips only the edge that failed", () => {
    n = 0;
    const res = observe(
      new Map(),
      [rec("planner", ["pricer", "buyer"], 0, bad), rec("planner", ["buyer"], 1, bad), rec("pricer", ["planner"], 1), rec("planner", ["buyer", "buyer"], 2, bad)],
      settings,
    );
    expect([...res.changed.keys()].sort()).toEqual([breakerKey({ sender: "planner", receiver: "buyer" }), breakerKey({ sender: "planner", receiver: "pricer" }), breakerKey({ sender: "pricer", receiver: "planner" })].sort());
    expect(res.transitions).toEqual([
      { sender: "planner", receiver: "buyer", from: "CLOSED", to: "OPEN", cause: "failures", at: T + 2000, recordIds: ["r1", "r2", "r4"], detail: "3 failures in a row (limit 3); waiting for review", actor: null },
    ]);
    expect(res.changed.get(breakerKey({ sender: "planner", receiver: "pricer" }))!.machine.state).toBe("CLOSED");
    expect(res.decisions.filter((d) => d.receiver === "buyer").map((d) => d.decision)).toEqual(["allow", "allow", "allow"]);
  });

  it("feeds records in time order whatever order they arrive in, and blocks after a trip", () => {
    n = 0;
    const records = [rec("a", ["b"], 3), rec("a", ["b"], 0, bad), rec("a", ["b"], 2, bad), rec("a", ["b"], 1, bad)];
    const res = observe(new Map(), records, settings);
    expect(res.transitions[0]!.recordIds).toEqual(["r2", "r4", "r3"]);
    expect(res.decisions.map((d) => [d.recordId, d.decision])).toEqual([
      ["r2", "allow"],
      ["r4", "allow"],
      ["r3", "allow"],
      ["r1", "block"],
    ]);
  });

  it("continues from stored breakers, and ticks open ones to half-open", () => {
    const first = observe(new Map(), [rec("a", ["b"], 0, bad), rec("a", ["b"], 1, bad), rec("a", ["b"], 2, bad)], settings);
    const later = tick(first.changed, T + 400_000, settings);
    expect(later.transitions.map((t) => [t.sender, t.receiver, t.from, t.to, t.cause])).toEqual([["a", "b", "OPEN", "HALF_OPEN", "timer"]]);
    expect(tick(later.changed, T + 500_000, settings).transitions).toEqual([]);
    const probe = observe(later.changed, [rec("a", ["b"], 401)], settings);
    expect(probe.transitions.map((t) => t.cause)).toEqual(["probe_clean"]);
    expect(probe.decisions[0]!.decision).toBe("probe");
  });

  it("marks dry-run decisions, and ignores records without receivers or time", () => {
    const dry = operate(undefined, { sender: "a", receiver: "b" }, { type: "dry_run", at: T, actor: "ana" }, settings({ sender: "a", receiver: "b" }));
    const res = observe(new Map([[breakerKey(dry.breaker), dry.breaker]]), [rec("a", ["b"], 1, bad), rec("a", [], 2, bad), rec("a", ["b"], Number.NaN)], settings);
    expect(res.decisions).toEqual([expect.objectContaining({ decision: "allow", dryRun: true })]);
  });

  it("operates a breaker that has never seen a record", () => {
    const res = operate(undefined, { sender: "a", receiver: "b" }, { type: "force_open", at: T, actor: "ana", reason: "drill" }, settings({ sender: "a", receiver: "b" }));
    expect(res.breaker.machine.state).toBe("FORCED_OPEN");
    expect(res.transitions).toEqual([expect.objectContaining({ sender: "a", receiver: "b", from: "CLOSED", to: "FORCED_OPEN", cause: "forced", actor: "ana" })]);
  });
});
