// The chaos table's engine scoring: precision and recall, origin matching,
// the share decided before containment, and the observer over a source that
// answers from memory.
import { describe, expect, it } from "vitest";
import type { FaultTruth, GroundTruth, TruthRecord } from "@/lib/sim/ground-truth.ts";
import { faultTruth, groundTruth, truthRecord, type TruthRec } from "./truth-fixtures.ts";
import { checkOrigin, faultSets, firstFlagOn, originStarts, parentIndex, precisionRecall, taintedShareBeforeContainment } from "@/lib/sim/engine-score.ts";
import { observeFault, type ChaosEngineSource, type EngineFinding, type BreakerTrip } from "@/lib/sim/engine-observer.ts";
import type { FaultScore } from "@/lib/sim/score.ts";
import type { StoredVerdict } from "@/lib/sim/verdicts.ts";

type Rec = TruthRec;

const record = truthRecord;
const tainted = (r: Rec, status: TruthRecord["status"] = "downstream"): TruthRecord => record({ status, faults: ["f1"], ...r });
const fault = faultTruth;
const truthOf = (records: TruthRecord[], f: FaultTruth = fault()): GroundTruth => groundTruth(records, [f]);

// req -> c1 (clean) -> o (injected) -> m1 -> act1 ; m1 -> sw1 ; c2 clean beside it.
const chain = (): TruthRecord[] => [
  record({ id: "req", kind: "request", agent: "n.gw" }),
  record({ id: "c1", parents: ["req"], agent: "n.a" }),
  tainted({ id: "o", parents: ["c1"], agent: "n.a" }, "injected"),
  tainted({ id: "m1", parents: ["o"], agent: "n.b" }),
  tainted({ id: "act1", kind: "action", parents: ["m1"], agent: "n.c" }),
  tainted({ id: "sw1", kind: "state.write", parents: ["m1"], agent: "n.c" }),
  record({ id: "c2", parents: ["req"], agent: "n.a" }),
];

describe("precision and recall", () => {
  it("counts hits against both sides", () => {
    expect(precisionRecall(new Set(["a", "b", "x"]), new Set(["a", "b", "c", "d"]))).toEqual({ precision: 2 / 3, recall: 0.5, hits: 2, found: 3, truth: 4 });
  });

  it("is null on an empty side, never NaN", () => {
    expect(precisionRecall(new Set(), new Set())).toEqual({ precision: null, recall: null, hits: 0, found: 0, truth: 0 });
    expect(precisionRecall(new Set(["x"]), new Set())).toMatchObject({ precision: 0, recall: null });
    expect(precisionRecall(new Set(), new Set(["a"]))).toMatchObject({ precision: null, recall: 0 });
  });
});

describe("what the truth says a fault reached", () => {
  it("downstream is every tainted id but the origins; decisions are its actions and state writes", () => {
    const sets = faultSets(truthOf(chain()), fault());
    expect([...sets.origins]).toEqual(["o"]);
    expect([...sets.downstream].sort()).toEqual(["act1", "m1", "sw1"]);
    expect([...sets.decisions].sort()).toEqual(["act1", "sw1"]);
  });

  it("folds copies by id, as the graph does: a replayed copy's id is the origin, its clean original is not downstream", () => {
    const records = [record({ id: "r" }), tainted({ id: "r", copy: 1 }, "injected"), record({ id: "after", parents: ["r"] })];
    const sets = faultSets(truthOf(records), fault({ injected: [{ id: "r", copy: 1 }], origin: { agent: "n.a", actor: "attacker", records: [{ id: "r", copy: 1 }] } }));
    expect([...sets.origins]).toEqual(["r"]);
    expect(sets.downstream.size).toBe(0);
  });

  it("an injected record that inherited the taint counts downstream, not as an origin", () => {
    const records = [tainted({ id: "o" }, "injected"), tainted({ id: "o2", parents: ["o"] }, "corrupted")];
    const sets = faultSets(truthOf(records), fault({ corrupted: [{ id: "o2", copy: 0 }] }));
    expect([...sets.downstream]).toEqual(["o2"]);
    expect([...sets.own].sort()).toEqual(["o", "o2"]);
  });

  it("traces start from every downstream record, or from the fault's last record when nothing lies downstream", () => {
    expect(originStarts(fault(), faultSets(truthOf(chain()), fault())).sort()).toEqual(["act1", "m1", "sw1"]);
    const lone = fault({ injected: [{ id: "o", copy: 0 }, { id: "o3", copy: 0 }] });
    expect(originStarts(lone, faultSets(truthOf([tainted({ id: "o" }, "injected"), tainted({ id: "o3" }, "injected")]), lone))).toEqual(["o3"]);
    expect(originStarts(fault({ injected: [] }), faultSets(truthOf([]), fault({ injected: [] })))).toEqual([]);
  });
});

describe("origin match", () => {
  const t = truthOf(chain());
  const sets = faultSets(t, fault());
  const parents = parentIndex(t);

  it("found when the answer names the true origin upstream of the start", () => {
    expect(checkOrigin("act1", ["o"], sets, parents)).toMatchObject({ found: true, miss: null, expected: ["o"], offPath: [] });
  });

  it("a flag upstream that the fault never touched masks the origin", () => {
    expect(checkOrigin("act1", ["c1"], sets, parents)).toMatchObject({ found: false, miss: "masked", offPath: [] });
  });

  it("a flag further down the fault's own path is late", () => {
    expect(checkOrigin("act1", ["m1"], sets, parents)).toMatchObject({ found: false, miss: "late" });
  });

  it("nothing flagged upstream: not seen", () => {
    expect(checkOrigin("act1", [], sets, parents)).toMatchObject({ found: false, miss: "unflagged" });
  });

  it("an origin off the start's path is a lineage error, named as such", () => {
    expect(checkOrigin("act1", ["o", "c2"], sets, parents)).toMatchObject({ found: true, offPath: ["c2"] });
  });

  it("walks a deep chain without recursion", () => {
    const n = 20_000;
    const deep = [tainted({ id: "o" }, "injected"), ...Array.from({ length: n }, (_, i) => tainted({ id: `d${i}`, parents: [i === 0 ? "o" : `d${i - 1}`] }))];
    const dt = truthOf(deep);
    expect(checkOrigin(`d${n - 1}`, ["o"], faultSets(dt, fault()), parentIndex(dt)).found).toBe(true);
  });
});

describe("tainted share before containment", () => {
  const t = truthOf(chain());
  const sets = faultSets(t, fault());
  const stored = new Map([
    ["o", { ts: 1_000, receivers: ["n.b"], agent: "n.a" }],
    ["m1", { ts: 1_100, receivers: ["n.c"], agent: "n.b" }],
    ["act1", { ts: 1_200, receivers: [], agent: "n.c" }],
    ["sw1", { ts: 1_300, receivers: [], agent: "n.c" }],
  ]);
  const input = { decisions: sets.decisions, tainted: new Set([...sets.own, ...sets.downstream]), parents: parentIndex(t), stored };

  it("no trip: every decision was made uncontained", () => {
    expect(taintedShareBeforeContainment({ ...input, trips: [] })).toEqual({ share: 1, before: 2, total: 2 });
  });

  it("a trip on the path contains the decisions made after it", () => {
    expect(taintedShareBeforeContainment({ ...input, trips: [{ sender: "n.b", receiver: "n.c", at: 1_250 }] })).toEqual({ share: 0.5, before: 1, total: 2 });
    expect(taintedShareBeforeContainment({ ...input, trips: [{ sender: "n.a", receiver: "n.b", at: 900 }] })).toEqual({ share: 0, before: 0, total: 2 });
  });

  it("a trip on an edge off the path contains nothing", () => {
    expect(taintedShareBeforeContainment({ ...input, trips: [{ sender: "n.x", receiver: "n.c", at: 0 }] }).share).toBe(1);
  });

  it("null when there are no decisions, or none was stored", () => {
    expect(taintedShareBeforeContainment({ ...input, decisions: new Set(), trips: [] }).share).toBeNull();
    expect(taintedShareBeforeContainment({ ...input, stored: new Map(), trips: [] })).toEqual({ share: null, before: 0, total: 0 });
  });
});

describe("first flag", () => {
  it("the earliest finding or trip naming one of the fault's records", () => {
    const flags = [
      { at: 30, by: "semantic_deviation", recordIds: ["o"] },
      { at: 10, by: "new_edge", recordIds: ["c1"] },
      { at: 20, by: "breaker", recordIds: ["x", "o"] },
    ];
    expect(firstFlagOn(flags, new Set(["o"]))).toEqual(flags[2]);
    expect(firstFlagOn(flags, new Set(["nope"]))).toBeNull();
  });
});

describe("the observer over a source", () => {
  const stored: StoredVerdict[] = [
    ["req", 900, []],
    ["c1", 950, ["n.a"]],
    ["o", 1_000, ["n.b"]],
    ["m1", 1_100, ["n.c"]],
    ["act1", 1_200, []],
    ["sw1", 1_300, []],
    ["c2", 1_400, []],
  ].map(([id, ts, receivers], i) => ({ id: id as string, seq: BigInt(i), agent: id === "m1" ? "n.b" : id === "o" ? "n.a" : "n.c", verdicts: ["verified"], receivedAt: ts as number, ts: ts as number, receivers: receivers as string[] }));

  const source = (findings: EngineFinding[], trips: BreakerTrip[], origins: Record<string, string[]>, tainted: boolean): ChaosEngineSource => ({
    unjudged: async () => 0,
    findings: async () => findings,
    trips: async () => trips,
    origin: async (id) => ({ origins: origins[id] ?? [], truncated: [] }),
    blastRadius: async () => ({ descendants: ["m1", "act1", "sw1"].map((id) => ({ id, tainted })), truncated: [] }),
  });
  const run = () => ({ namespace: "n", truth: truthOf(chain()), fault: fault(), score: {} as FaultScore, stored });

  it("scores flags, trips, origins and the blast radius against the truth", async () => {
    const src = source(
      [
        { detector: "new_edge", recordId: "c1", evidence: ["o"], at: 950 },
        { detector: "verification", recordId: "o", evidence: ["o"], at: 1_000 },
        { detector: "semantic_deviation", recordId: "c2", evidence: [], at: 1_400 },
        // Named only as evidence: lineage counts it as suspect, so it is a false flag too.
        { detector: "rate_vs_baseline", recordId: null, evidence: ["req"], at: 1_400 },
      ],
      [{ sender: "n.b", receiver: "n.c", at: 1_250, cause: "failures", recordIds: ["m1"] }],
      { m1: ["o"], act1: ["o"], sw1: ["c1"] },
      true,
    );
    const e = await observeFault(src, run());
    // The new_edge finding came before the fault: its evidence is not a flag on it.
    expect(e).toMatchObject({ firstFlagMs: 0, firstFlagBy: "verification", flaggedBy: ["verification"], breakerTripMs: 250, taintedShare: 0.5 });
    expect(e.origin).toMatchObject({ found: 2, total: 3 });
    expect(e.origin.misses.map((m) => [m.start, m.miss])).toEqual([["sw1", "masked"]]);
    expect(e.blast).toMatchObject({ precision: 1, recall: 1, truth: 3, extra: [], missed: [] });
    expect(e.cleanFlagged).toMatchObject({ flagged: 3, total: 3, byDetector: { new_edge: 1, rate_vs_baseline: 1, semantic_deviation: 1 } });
  });

  it("an engine that saw nothing: not flagged, no trip, nothing tainted downstream", async () => {
    const e = await observeFault(source([], [], {}, false), run());
    expect(e).toMatchObject({ firstFlagMs: null, firstFlagBy: null, breakerTripMs: null, taintedShare: 1 });
    expect(e.origin.misses.every((m) => m.miss === "unflagged")).toBe(true);
    expect(e.blast).toMatchObject({ precision: null, recall: 0, missed: ["act1", "m1", "sw1"] });
  });
});
