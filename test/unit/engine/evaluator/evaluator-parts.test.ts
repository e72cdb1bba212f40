import { describe, expect, it } from "vitest";
import { ChainDepth } from "@/lib/engine/evaluator/chain-depth.ts";
import { HistoryCache, LEARNING_SLICE, THIN_HISTORY, type CachedRecord } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph, impactOf, MAX_DEVIATION } from "@/lib/engine/evaluator/impact.ts";
import { LagStats } from "@/lib/engine/evaluator/lag-stats.ts";
import { EngineParams, evaluateBatch, type EvalRecord } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { verificationFindings } from "@/lib/engine/evaluator/verification-findings.ts";
import { judgeInSlices, judgePass } from "@/lib/engine/evaluator/judge-pass.ts";

const rec = (id: string, agent: string, at: number, anomalous = false): CachedRecord => ({ recordId: id, kind: "message", agent, receivers: [], intent: null, at, payload: undefined, anomalous });

describe("history cache", () => {
  it("keeps each agent's newest records, bounded by count and by age, in time order", () => {
    const c = new HistoryCache({ maxAgeMs: 1_000, maxPerAgent: 3 });
    c.add([rec("a1", "a", 100), rec("a3", "a", 300), rec("a2", "a", 200), rec("a4", "a", 400), rec("b1", "b", 450)]);
    expect(c.forAgents(["a"]).map((r) => r.recordId)).toEqual(["a2", "a3", "a4"]);
    c.add([rec("b2", "b", 1_600)]);
    // b1 is older than 1 s before the newest record seen.
    expect(c.forAgents(["b"]).map((r) => r.recordId)).toEqual(["b2"]);
    expect(c.since(300).map((r) => r.recordId).sort()).toEqual(["a3", "a4", "b2"]);
  });

  it("learns a young agent's records in blocks of its own records, and reloads an open block open", () => {
    const c = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, learningSlice: 4, thinHistory: 8 });
    const q = (i: number): CachedRecord => ({ ...rec(`a${i}`, "a", 1_000 + i), seq: String(i + 1), intent: "Quote", payload: { price: 10 + i } }) as CachedRecord;
    c.add([q(0), q(1), q(2)]);
    expect(c.openRoom("a")).toBe(1);
    expect(c.baselines.size).toBe(0);
    c.add([q(3), q(4)]);
    // The first block is learned; the fifth record opens the next.
    expect(c.openRoom("a")).toBe(3);
    expect(c.baselines.get("a\u0000Quote\u0000price")?.raw).toEqual([10, 11, 12, 13]);
    c.add([5, 6, 7, 8].map(q));
    // Eight learned: mature, its records learned as they come.
    expect(c.openRoom("a")).toBeNull();
    expect(c.baselines.get("a\u0000Quote\u0000price")?.raw).toHaveLength(9);
    const reloaded = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, learningSlice: 4, thinHistory: 8 });
    reloaded.load("a", [q(5), q(1), q(0), q(4), q(3), q(2)]);
    expect(reloaded.openRoom("a")).toBe(2);
    expect(reloaded.forAgents(["a"]).filter((r) => r.learning).map((r) => r.recordId)).toEqual(["a4", "a5"]);
  });

  it("knows which agents were never loaded, and forgets everything on clear", () => {
    const c = new HistoryCache();
    c.load("a", [rec("a1", "a", 1)]);
    expect(c.unloaded(["a", "b", "b"])).toEqual(["b"]);
    c.clear();
    expect(c.unloaded(["a"])).toEqual(["a"]);
    expect(c.size).toBe(0);
  });
});

describe("chain depth", () => {
  it("a request is 0; a message is one more than its deepest parent; other work stays at its parent's depth; unknown chains are null", () => {
    const d = new ChainDepth();
    d.remember("stored-parent", 4);
    const depths = d.assign([
      { recordId: "req", kind: "request", parents: [] },
      { recordId: "m1", kind: "message", parents: ["req"] },
      { recordId: "w1", kind: "state.write", parents: ["m1"] },
      { recordId: "m2", kind: "message", parents: ["m1", "stored-parent"] },
      { recordId: "act", kind: "action", parents: ["m2"] },
      { recordId: "orphan", kind: "message", parents: ["never-seen"] },
    ]);
    expect(Object.fromEntries(depths)).toEqual({ req: 0, m1: 1, w1: 1, m2: 5, act: 5, orphan: null });
  });

  it("memory read in a later cycle does not carry the earlier cycle's depth", () => {
    const d = new ChainDepth();
    d.remember("old-write", 9);
    const depths = d.assign([
      { recordId: "read", kind: "state.read", parents: ["old-write"] },
      { recordId: "req", kind: "request", parents: [] },
      { recordId: "m", kind: "message", parents: ["req", "read"] },
    ]);
    expect(Object.fromEntries(depths)).toEqual({ read: 0, req: 0, m: 1 });
    expect(d.missingParents([{ recordId: "x", kind: "message", parents: ["m", "y"] }])).toEqual(["y"]);
  });

  it("forgets the oldest depths past its capacity", () => {
    const d = new ChainDepth(2);
    d.remember("a", 1);
    d.remember("b", 2);
    d.remember("c", 3);
    expect([d.get("a"), d.get("b"), d.get("c")]).toEqual([undefined, 2, 3]);
    // Long past its capacity it still holds the newest, and chains through them.
    for (let i = 0; i < 1_000; i++) d.remember(`x${i}`, i);
    expect([d.get("x997"), d.get("x998"), d.get("x999")]).toEqual([undefined, 998, 999]);
    expect(Object.fromEntries(d.assign([{ recordId: "m", kind: "message", parents: ["x999", "x1"] }]))).toEqual({ m: 1_000 });
  });
});

describe("impact", () => {
  it("reach counts distinct downstream agents, cycles included once", () => {
    const g = new AgentGraph();
    for (const [s, r] of [["a", "b"], ["b", "c"], ["c", "a"], ["c", "d"], ["x", "a"]] as const) g.addEdge(s, r);
    expect(g.reach("a")).toBe(3);
    expect(g.reach("d")).toBe(0);
    expect(g.reach("x")).toBe(4);
  });

  it("deviation times (1 + reach), with a cap on deviation and 1 when there is no number", () => {
    expect(impactOf(-4, 2)).toBe(12);
    expect(impactOf(Number.NaN, 3)).toBe(4);
    expect(impactOf(1e9, 0)).toBe(MAX_DEVIATION);
  });
});

describe("verification findings", () => {
  it("one finding per agent and set of problems, naming every record; clean and pending records are not findings", () => {
    const found = verificationFindings([
      { recordId: "f1", agent: "a", at: 2, verified: false, verdicts: ["bad_signature"] },
      { recordId: "f2", agent: "a", at: 1, verified: false, verdicts: ["bad_signature"] },
      { recordId: "r1", agent: "a", at: 3, verified: false, verdicts: ["replay"] },
      { recordId: "ok", agent: "a", at: 4, verified: true, verdicts: ["verified"] },
      { recordId: "wait", agent: "a", at: 5, verified: false, verdicts: ["pending"] },
      { recordId: "note", agent: "b", at: 6, verified: true, verdicts: ["verified", "unattested_agent"] },
    ]);
    expect(found.map((f) => [f.subject, f.recordId, f.evidence])).toEqual([
      ["bad_signature", "f1", ["f2", "f1"]],
      ["replay", "r1", ["r1"]],
    ]);
    expect(found[0]?.explanation).toBe("2 records claiming to be from a failed verification at the door: bad_signature");
  });
});

describe("lag stats", () => {
  it("p50 and p99 of committed minus received, over a bounded reservoir", () => {
    const s = new LagStats(100);
    s.addBatch(1_000, Array.from({ length: 100 }, (_, i) => 1_000 - i));
    expect(s.summary()).toEqual({ samples: 100, p50: 50, p99: 99, max: 99 });
    s.addBatch(2_000, [0]);
    expect(s.summary().samples).toBe(100);
    expect(s.summary().max).toBe(2_000);
  });

  it("answers a summary asked again for the same period from the last asking, and anew once a sample comes", () => {
    const s = new LagStats(100);
    s.addBatch(1_000, [900, 800]);
    const since = 1_000;
    expect(s.summary(since)).toEqual({ samples: 2, p50: 200, p99: 200, max: 200 });
    expect(s.summary(since)).toBe(s.summary(since));
    expect(s.summary()).toEqual({ samples: 2, p50: 200, p99: 200, max: 200 });
    s.addBatch(3_000, [0]);
    expect(s.summary(since)).toEqual({ samples: 3, p50: 200, p99: 3_000, max: 3_000 });
    expect(s.summary(2_000)).toEqual({ samples: 1, p50: 3_000, p99: 3_000, max: 3_000 });
  });
});

describe("evaluate batch", () => {
  const T = Date.UTC(2026, 11, 5, 12);
  const evalRec = (o: Partial<EvalRecord> & Pick<EvalRecord, "recordId">): EvalRecord => ({
    kind: "message",
    agent: "monitor",
    receivers: ["recommender"],
    intent: "Quote",
    at: T,
    payload: undefined,
    seq: "1",
    verified: true,
    verdicts: ["verified"],
    parents: [],
    receivedAt: T,
    settles: false,
    ...o,
  });
  const run = (recent: EvalRecord[], history: CachedRecord[], params = {}) =>
    evaluateBatch({ recent, history, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse(params) });

  it("names the agent's own state reads a deviating record was made from, so lineage finds where the value came in", () => {
    const history: CachedRecord[] = Array.from({ length: 24 }, (_, i) => ({ ...rec(`q${i}`, "monitor", T - 86_000_000 + i * 900_000), intent: "Quote", payload: { sku: "A", unit_price: 12.5 + (i % 3) / 10 } }));
    const read = evalRec({ recordId: "sr1", kind: "state.read", intent: "feeds/supplier", receivers: [], payload: { found: true, sha256: "x" } });
    const other = evalRec({ recordId: "sr2", kind: "state.read", agent: "recommender", intent: "inventory", receivers: [] });
    const quote = evalRec({ recordId: "m1", parents: ["sr1", "sr2", "req"], payload: { sku: "A", unit_price: 125 }, at: T + 1 });
    const batch = run([read, other, quote], history);
    const f = batch.findings.find((x) => x.detector === "semantic_deviation")!;
    expect(f.recordId).toBe("m1");
    // Another agent's read is not this agent's input; an unknown parent is not named.
    expect(f.evidence).toEqual(["m1", "sr1"]);
    expect(f.explanation).toBe("unit_price 9.92x the 24h median (n=24); made from its read of feeds/supplier");
    // Kept out of future baselines too.
    expect([...batch.poisoned].sort()).toEqual(["m1", "sr1"]);
  });

  it("does not name the reads of a record that failed verification: a tampered payload is not made from them", () => {
    const history: CachedRecord[] = Array.from({ length: 24 }, (_, i) => ({ ...rec(`q${i}`, "monitor", T - 86_000_000 + i * 900_000), intent: "Quote", payload: { sku: "A", unit_price: 12.5 + (i % 3) / 10 } }));
    const read = evalRec({ recordId: "sr1", kind: "state.read", intent: "feeds/supplier", receivers: [], payload: { found: true, sha256: "x" } });
    const tampered = evalRec({ recordId: "m1", parents: ["sr1"], payload: { sku: "A", unit_price: 125 }, at: T + 1, verified: false, verdicts: ["bad_signature"] });
    const batch = run([read, tampered], history);
    const f = batch.findings.find((x) => x.detector === "semantic_deviation")!;
    expect(f.evidence).toEqual(["m1"]);
    expect(f.explanation).toBe("unit_price 9.92x the 24h median (n=24)");
    expect([...batch.poisoned]).toEqual(["m1"]);
    // Still waiting for its verdict (pending) is not a failure: the read is named.
    const pending = evalRec({ recordId: "m2", parents: ["sr1"], payload: { sku: "A", unit_price: 125 }, at: T + 1, verified: false, verdicts: ["pending"], settles: true });
    expect(run([read, pending], history).findings.find((x) => x.detector === "semantic_deviation")!.evidence).toEqual(["m2", "sr1"]);
  });

  it("judges a batch in slices, so a batch holding an agent's whole day is judged against its own earlier records", () => {
    // 40 quotes of one agent stored together (an engine catching up), the last one 10x.
    const quotes = Array.from({ length: 40 }, (_, i) => evalRec({ recordId: `q${i}`, seq: String(i + 1), at: T + i * 60_000, payload: { sku: "A", unit_price: i === 39 ? 125 : 12.5 + (i % 3) / 10 } }));
    const pass = (judge: typeof judgePass) =>
      judge({ cache: new HistoryCache(), recent: quotes, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 300_000 });
    // Judged as one, the batch has no history: nothing to compare with.
    expect(pass(judgePass).findings.filter((f) => f.detector === "semantic_deviation")).toEqual([]);
    const sliced = pass(judgeInSlices).findings.filter((f) => f.detector === "semantic_deviation");
    // Its slice is judged against the slice before it.
    expect(sliced.map((f) => [f.recordId, f.params.n])).toEqual([["q39", LEARNING_SLICE]]);
  });

  it("does not slice an agent whose history is already thick: its batch cannot change its baseline much", () => {
    const cache = new HistoryCache();
    cache.add(Array.from({ length: THIN_HISTORY }, (_, i) => ({ ...evalRec({ recordId: `h${i}`, seq: `h${i}`, at: T - 86_000_000 + i * 60_000, payload: { sku: "A", unit_price: 12.5 + (i % 3) / 10 } }), anomalous: false })));
    const quotes = Array.from({ length: 40 }, (_, i) => evalRec({ recordId: `q${i}`, seq: String(i + 1), at: T + i * 60_000, payload: { sku: "A", unit_price: i === 39 ? 125 : 12.5 + (i % 3) / 10 } }));
    const batch = judgeInSlices({ cache, recent: quotes, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 300_000 });
    // One slice: q39 judged against the held history alone.
    expect(batch.findings.filter((f) => f.detector === "semantic_deviation").map((f) => [f.recordId, f.params.n])).toEqual([["q39", THIN_HISTORY]]);
  });

  it("a cap cooling down in a later slice of the same batch adds its records to the finding an earlier slice made", () => {
    const storm = Array.from({ length: 45 }, (_, i) => evalRec({ recordId: `s${i}`, seq: String(i + 1), at: T + i }));
    const cache = new HistoryCache();
    const lastReported = new Map<string, number>();
    const batch = judgeInSlices({ cache, recent: storm, depthOf: () => 1, graph: new AgentGraph(), lastReported, params: EngineParams.parse({}), loopWindowMs: 300_000 });
    const caps = batch.findings.filter((f) => f.detector === "cap_messages_per_cycle");
    expect(caps).toHaveLength(1);
    expect(caps[0]!.evidence).toEqual(Array.from({ length: 25 }, (_, i) => `s${i + 20}`));
    expect([...batch.cooledOver]).toEqual([]);
    expect(cache.forAgents(["monitor"])).toHaveLength(45);
  });

  it("counts every record a per-cycle cap names as anomalous, and hands back those over a cap cooling down", () => {
    const storm = Array.from({ length: 25 }, (_, i) => evalRec({ recordId: `s${i}`, at: T + i }));
    const lastReported = new Map<string, number>();
    const first = evaluateBatch({ recent: storm, history: [], depthOf: () => 1, graph: new AgentGraph(), lastReported, params: EngineParams.parse({}) });
    expect([...first.anomalous].sort()).toEqual(["s20", "s21", "s22", "s23", "s24"]);
    const more = Array.from({ length: 3 }, (_, i) => evalRec({ recordId: `t${i}`, at: T + 100 + i }));
    const history = storm.map((r) => ({ ...r, anomalous: false }));
    const second = evaluateBatch({ recent: more, history, depthOf: () => 1, graph: new AgentGraph(), lastReported, params: EngineParams.parse({}) });
    expect(second.findings.filter((f) => f.detector === "cap_messages_per_cycle")).toEqual([]);
    expect([...second.cooledOver.values()]).toEqual([["t0", "t1", "t2"]]);
    expect([...second.anomalous].sort()).toEqual(["t0", "t1", "t2"]);
  });
});
