// The chaos report's list of the engine's false flags: each clean record a
// finding names, joined to the ground truth (agent, intent, upstream of a
// fault or not) and to what the finding said (rule, subject, parameters).
import { describe, expect, it } from "vitest";
import { cleanFlagSummary, cleanFlags, upstreamOfFaults, type EngineFinding } from "@/lib/sim/clean-flags.ts";
import type { GroundTruth } from "@/lib/sim/ground-truth.ts";
import { faultTruth, groundTruth, truthRecord } from "./truth-fixtures.ts";

const record = truthRecord;

const fault = faultTruth({
  fault: "feedback-loop",
  variant: "gain",
  detection: "engine",
  target: "n.t1",
  injected: [],
  corrupted: [{ id: "w2", copy: 0 }],
  origin: { agent: "n.t1", actor: "n.t1", records: [{ id: "w2", copy: 0 }] },
});

// feed -> read1 -> w2 (corrupted) -> idea3 ; trade4 and its read5 clean beside it; a replayed id r6 with a tainted copy.
const truth: GroundTruth = groundTruth(
  [
    record({ id: "feed", kind: "state.write", agent: "n.gw", intent: "feeds/market" }),
    record({ id: "read1", kind: "state.read", agent: "n.t1", intent: "feeds/market", parents: ["feed"] }),
    record({ id: "w2", kind: "state.write", agent: "n.t1", intent: "n.t1/rec", parents: ["read1"], status: "corrupted", faults: ["f1"] }),
    record({ id: "idea3", agent: "n.t1", intent: "trading.TradeIdea", parents: ["w2"], status: "downstream", faults: ["f1"] }),
    record({ id: "trade4", kind: "action", agent: "n.portfolio", intent: "place_trade" }),
    record({ id: "read5", kind: "state.read", agent: "n.portfolio", intent: "feeds/market", parents: ["feed"] }),
    record({ id: "r6", agent: "n.t2" }),
    record({ id: "r6", copy: 1, agent: "n.t2", status: "injected", faults: ["f1"] }),
  ],
  [fault],
  { scenario: "trading", counts: { records: 8, clean: 6, injected: 1, corrupted: 1, downstream: 1, refused: {} } },
);

const finding = (f: Partial<EngineFinding> & Pick<EngineFinding, "detector" | "recordId">): EngineFinding => ({ evidence: [], at: 0, ...f });

describe("clean flags", () => {
  it("a record is upstream of a fault when a fault's own records descend from it", () => {
    // read1 and feed feed the corrupted write; read5 and trade4 do not; r6's tainted copy is the fault's own.
    expect([...upstreamOfFaults(truth)].sort()).toEqual(["feed", "read1"]);
  });

  it("lists each clean record a finding names, with its rule, whether it was the finding's record or its evidence, and where it sits", () => {
    const findings = [
      // A true finding on the corrupted write names the clean read it was made from.
      finding({ detector: "semantic_deviation", recordId: "w2", evidence: ["w2", "read1"], subject: "rec value", explanation: "value 176 ...; made from its read of feeds/market", params: { rule: "magnitude_bound", n: 26 } }),
      // A small trade on the log scale, on a clean record.
      finding({ detector: "semantic_deviation", recordId: "trade4", evidence: ["trade4", "read5"], subject: "place_trade qty", explanation: "qty 0.421x the 24h median", params: { rule: "z_score", z: -3.7, linearZ: -2.5 } }),
      // A detector that stores no rule: its name stands in; a replayed id is not clean.
      finding({ detector: "rate_vs_baseline", recordId: "trade4", evidence: ["trade4", "r6", "idea3"], subject: "n.portfolio" }),
    ];
    const c = cleanFlags(truth, findings);
    expect(c).toMatchObject({
      flagged: 3,
      total: 4,
      byDetector: { rate_vs_baseline: 1, semantic_deviation: 3 },
      byRule: { "rate_vs_baseline/rate_vs_baseline": 1, "semantic_deviation/magnitude_bound": 1, "semantic_deviation/z_score": 2 },
    });
    expect(c.flags.map((f) => [f.recordId, f.detector, f.rule, f.named, f.relation, f.intent])).toEqual([
      ["read1", "semantic_deviation", "magnitude_bound", "evidence", "upstream", "feeds/market"],
      ["trade4", "semantic_deviation", "z_score", "record", "unrelated", "place_trade"],
      ["read5", "semantic_deviation", "z_score", "evidence", "unrelated", "feeds/market"],
      ["trade4", "rate_vs_baseline", "rate_vs_baseline", "record", "unrelated", "place_trade"],
    ]);
    expect(c.flags[1]!.params).toEqual({ rule: "z_score", z: -3.7, linearZ: -2.5 });
    // Counted by detector, rule and field, each record once.
    expect(cleanFlagSummary(c.flags)).toEqual([
      ["semantic_deviation/z_score qty", 2],
      ["rate_vs_baseline/rate_vs_baseline", 1],
      ["semantic_deviation/magnitude_bound value", 1],
    ]);
  });

  it("nothing flagged: empty counts and list", () => {
    expect(cleanFlags(truth, [])).toEqual({ flagged: 0, total: 4, byDetector: {}, byRule: {}, flags: [] });
  });
});
