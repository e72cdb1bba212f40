import { describe, expect, it } from "vitest";
import { containmentShares, downstreamDecisions } from "@/lib/sim/containment.ts";
import type { FaultTruth, GroundTruth, TruthRecord } from "@/lib/sim/ground-truth.ts";

const MIN = 60_000;
const rec = (id: string, kind: TruthRecord["kind"], role: string, simTime: number, status: TruthRecord["status"] = "clean", parents: string[] = []): TruthRecord => ({
  id,
  copy: 0,
  kind,
  agent: `ns.${role}`,
  intent: null,
  simTime,
  parents,
  status,
  faults: status === "clean" ? [] : ["f1"],
});

function truth(records: TruthRecord[]): { truth: GroundTruth; fault: FaultTruth } {
  const fault = {
    id: "f1",
    fault: "poisoned-feed",
    variant: "scale",
    detection: "engine",
    expectedVerdicts: [],
    target: "supplier",
    at: 60 * MIN,
    until: null,
    fired: true,
    injected: [],
    corrupted: [{ id: "read", copy: 0 }],
    origin: { agent: "ns.price-monitor", actor: "feed", records: [{ id: "read", copy: 0 }] },
    downstream: { messages: [], stateVersions: [], actions: [], approvals: [], reads: [] },
    notes: [],
  } as unknown as FaultTruth;
  return { truth: { namespace: "ns", records, faults: [fault] } as unknown as GroundTruth, fault };
}

describe("containment", () => {
  // Before the fault: a clean order. After it: a poisoned quote leads to two
  // poisoned orders and a poisoned inventory write; one clean order is made
  // from an earlier quote; the approver's decision is not the cascade's.
  const records = [
    rec("old-po", "action", "executor", 30 * MIN),
    rec("read", "state.read", "price-monitor", 60 * MIN, "corrupted"),
    rec("quote", "message", "price-monitor", 60 * MIN, "downstream", ["read"]),
    rec("po-1", "action", "executor", 61 * MIN, "downstream", ["quote"]),
    rec("po-2", "action", "executor", 76 * MIN, "downstream", ["quote"]),
    rec("inv", "state.write", "reconciler", 62 * MIN, "downstream", ["po-1"]),
    rec("po-clean", "action", "executor", 77 * MIN),
    rec("approval", "action", "approver", 78 * MIN),
  ];

  it("counts the cascade's decisions against every decision its agents made from the fault on", () => {
    const { truth: t, fault } = truth(records);
    expect(downstreamDecisions(t, fault)).toEqual({ tainted: 3, all: 4 });
  });

  it("scores the enforced twin on the uncontained run's decisions: what would have been decided", () => {
    const { truth: t, fault } = truth(records);
    const uncontained = downstreamDecisions(t, fault);
    // The enforced twin: the breaker opened after po-1, so po-2 and the write it led to never happened.
    const { truth: t2, fault: f2 } = truth(records.filter((r) => r.id !== "po-2" && r.id !== "inv"));
    const shares = containmentShares(uncontained, downstreamDecisions(t2, f2));
    expect(shares).toEqual({ uncontained: 3 / 4, enforced: 1 / 4, poisonedUncontained: 3, poisonedEnforced: 1, decisions: 4 });
    expect(containmentShares({ tainted: 0, all: 0 }, null)).toEqual({ uncontained: null, enforced: null, poisonedUncontained: 0, poisonedEnforced: 0, decisions: 0 });
  });
});
