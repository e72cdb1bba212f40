import { describe, expect, it } from "vitest";
import type { FindingForGrouping } from "@/lib/db/incident-store.ts";
import { factsOf } from "@/lib/engine/incidents/incident-runner.ts";
import type { OriginReport, SuspectReport } from "@/lib/lineage/origin.ts";

const stored = (spec: Partial<FindingForGrouping> = {}): FindingForGrouping => ({
  id: "1",
  detector: "semantic_deviation",
  recordId: "W",
  agent: "ledger",
  subject: "amount",
  explanation: "amount 12x the 24h median",
  score: 12,
  impact: 12,
  reach: 0,
  at: 0,
  recordIsDecision: true,
  redAction: false,
  recordIdentityFailure: false,
  ...spec,
});

const suspect = (id: string, agent: string, reasons: SuspectReport["reasons"] = []): SuspectReport => ({
  id,
  stored: true,
  kind: "message",
  agent,
  ts: null,
  actionClass: null,
  flagged: reasons.length > 0,
  reasons,
  why: [],
});

function report(origins: SuspectReport[], steps: SuspectReport[]): OriginReport {
  return {
    start: "W",
    startStored: true,
    tainted: true,
    origins: origins.map((o) => ({ ...o, because: "nothing_flagged_upstream" })),
    paths: origins.map((o) => ({ origin: o.id, hops: steps.length, steps: steps.map((s) => ({ ...s, next: null })) })),
    flaggedUpstream: origins.length,
    visited: steps.length,
    missing: [],
    truncated: [],
  };
}

describe("factsOf", () => {
  it("takes origins, upstream records and agents from lineage; an identity failure at the origin reaching a decision is critical", () => {
    const o = suspect("O", "mallory", [{ kind: "verification", detail: "replay: nonce seen before" }]);
    const f = factsOf(stored(), report([o], [suspect("W", "ledger"), suspect("M", "planner"), o]));
    expect(f.origins).toEqual(["O"]);
    expect(f.upstream).toEqual(["M", "O"]);
    expect([...f.agents].sort()).toEqual(["ledger", "mallory", "planner"]);
    expect(f.identityReachesDecision).toBe(true);
  });

  it("an anomaly origin, or a record that is not a decision, is not an identity failure reaching a decision", () => {
    const o = suspect("O", "mallory", [{ kind: "anomaly", detail: "bad_signature lookalike" }]);
    expect(factsOf(stored(), report([o], [o])).identityReachesDecision).toBe(false);
    expect(factsOf(stored({ recordIsDecision: false, recordIdentityFailure: true }), null).identityReachesDecision).toBe(false);
    expect(factsOf(stored({ recordIdentityFailure: true }), null).identityReachesDecision).toBe(true);
  });

  it("a record without origins stands for itself; a finding without a record has no lineage", () => {
    expect(factsOf(stored(), null)).toMatchObject({ origins: ["W"], upstream: [], agents: ["ledger"] });
    expect(factsOf(stored({ recordId: null, agent: null }), null)).toMatchObject({ origins: [], upstream: [], agents: [] });
  });
});
