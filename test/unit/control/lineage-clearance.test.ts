// The lineage gate's answer, decided from the facts: what taints is what the
// control plane acted on (door verdicts, people's marks, anomalies on edges
// it opened or killed), never a suspicion alone; pending until every record
// asked about is stored, settled and judged; clear otherwise.
import { describe, expect, it } from "vitest";
import { containedBecause, judgeClearance, type ClearanceStart, type FlaggedUpstream } from "@/lib/control/lineage-clearance.ts";
import type { SuspicionKind } from "@/lib/lineage/types.ts";

const start = (id: string, over: Partial<ClearanceStart> = {}): ClearanceStart => ({ id, stored: true, judged: true, pendingOn: [], ...over });
const flagged = (kind: SuspicionKind, over: Partial<FlaggedUpstream> = {}): FlaggedUpstream => ({
  id: "q1",
  kind: "message",
  agent: "ns.price-monitor",
  receivers: ["ns.recommender"],
  reasons: [{ kind, detail: `${kind}: unit_price is 10.1x the median` }],
  ...over,
});
const policy = (over: Partial<Parameters<typeof containedBecause>[1]> = {}) => ({ breakers: {}, killedEdges: [], killedAgents: [], ...over });

describe("containedBecause", () => {
  it("an anomaly alone is a suspicion, not containment", () => {
    expect(containedBecause(flagged("anomaly"), policy())).toBeNull();
    expect(containedBecause(flagged("anomaly"), policy({ breakers: { "ns.price-monitor->ns.recommender": "HALF_OPEN" } }))).toBeNull();
    expect(containedBecause(flagged("anomaly"), policy({ breakers: { "ns.price-monitor->ns.recommender": "METRICS_ONLY" } }))).toBeNull();
  });

  it("an anomalous message on an edge whose breaker refuses, or that is killed, is contained", () => {
    expect(containedBecause(flagged("anomaly"), policy({ breakers: { "ns.price-monitor->ns.recommender": "OPEN" } }))).toMatch(/on ns.price-monitor->ns.recommender, whose breaker is OPEN: anomaly: unit_price/);
    expect(containedBecause(flagged("anomaly"), policy({ breakers: { "ns.price-monitor->ns.recommender": "FORCED_OPEN" } }))).toMatch(/FORCED_OPEN/);
    expect(containedBecause(flagged("anomaly"), policy({ killedEdges: ["ns.price-monitor->ns.recommender"] }))).toMatch(/which is killed/);
    // Another edge of the same sender says nothing about this message.
    expect(containedBecause(flagged("anomaly"), policy({ breakers: { "ns.price-monitor->ns.other": "OPEN" } }))).toBeNull();
  });

  it("any anomalous record of a killed agent is contained (an action has no edge)", () => {
    expect(containedBecause(flagged("anomaly", { kind: "action", receivers: [] }), policy({ killedAgents: ["ns.price-monitor"] }))).toMatch(/agent killed/);
  });

  it("door verdicts and people's marks taint on their own", () => {
    for (const kind of ["verification", "analyst_mark", "compromised_agent", "compromised_key"] as const) {
      expect(containedBecause(flagged(kind), policy()), kind).toContain(`message q1 from ns.price-monitor: ${kind}`);
    }
  });
});

describe("judgeClearance", () => {
  const open = policy({ breakers: { "ns.price-monitor->ns.recommender": "OPEN" } });

  it("clear when everything asked about is judged and nothing upstream was contained", () => {
    expect(judgeClearance({ starts: [start("o1"), start("o2")], flagged: [flagged("anomaly")], policy: policy(), truncated: false })).toEqual({
      verdict: "clear",
      records: ["o1", "o2"],
      reasons: [],
      pending: [],
      truncated: false,
    });
  });

  it("pending while a record is not stored, waits on a parent, or is not judged yet; each says which", () => {
    const got = judgeClearance({
      starts: [start("o1", { stored: false, judged: false }), start("o2", { pendingOn: ["p9"] }), start("o3", { judged: false }), start("o4")],
      flagged: [],
      policy: policy(),
      truncated: false,
    });
    expect(got.verdict).toBe("pending");
    expect(got.pending).toEqual(["o1", "o2", "o3"]);
    expect(got.reasons).toEqual(["o1 is not stored yet", "o2 waits on p9 for its verdict", "the engine has not judged o3 yet"]);
  });

  it("tainted by a contained ancestor even while other records are pending: the answer cannot get better", () => {
    const got = judgeClearance({ starts: [start("o1"), start("o2", { judged: false })], flagged: [flagged("anomaly")], policy: open, truncated: true });
    expect(got).toMatchObject({ verdict: "tainted", pending: [], truncated: true });
    expect(got.reasons[0]).toMatch(/breaker is OPEN/);
  });

  it("keeps at most five reasons", () => {
    const many = Array.from({ length: 9 }, (_, i) => flagged("verification", { id: `r${i}` }));
    expect(judgeClearance({ starts: [start("o1")], flagged: many, policy: policy(), truncated: false }).reasons).toHaveLength(5);
  });
});
