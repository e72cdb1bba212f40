// Which state reads a semantic_deviation finding names (ADR 0045): a read of
// a written key only when its write is suspect, a feed read only when nothing
// else the record was made from explains the deviation, none for a record
// that failed verification. Judged as the engine does, through the history
// cache.
import { describe, expect, it } from "vitest";
import { HistoryCache, type CachedRecord } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph } from "@/lib/engine/evaluator/impact.ts";
import { EngineParams, type EvalRecord } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { judgeInSlices, judgePass, learnPass } from "@/lib/engine/evaluator/judge-pass.ts";
import { marketWalk, tradingDesk } from "../trading-desk.fixtures.ts";

const T = Date.UTC(2026, 11, 12, 12);
const MIN = 60_000;

let seq = 0;
const record = (o: Partial<EvalRecord> & Pick<EvalRecord, "recordId">): EvalRecord => ({
  kind: "message",
  agent: "monitor",
  receivers: [],
  intent: "Quote",
  at: T,
  payload: undefined,
  seq: String(++seq),
  verified: true,
  verdicts: ["verified"],
  parents: [],
  receivedAt: T,
  settles: false,
  ...o,
});

const quote = (recordId: string, price: number, o: Partial<EvalRecord> = {}): EvalRecord => record({ recordId, payload: { sku: "A", unit_price: price }, ...o });
const feedRead = (recordId: string, o: Partial<EvalRecord> = {}): EvalRecord =>
  record({ recordId, kind: "state.read", intent: "feeds/supplier", payload: { found: true, sha256: "x" }, parents: ["req"], ...o });
const peerRead = (recordId: string, write: string | null, o: Partial<EvalRecord> = {}): EvalRecord =>
  record({ recordId, kind: "state.read", intent: "pricer/rec", payload: { found: true, sha256: "y" }, parents: write === null ? ["req"] : ["req", write], ...o });
const peerWrite = (recordId: string, price: number, o: Partial<EvalRecord> = {}): EvalRecord =>
  record({ recordId, kind: "state.write", agent: "pricer", intent: "pricer/rec", payload: { unit_price: price }, parents: ["req"], ...o });

/**
 * A cache holding a day of the monitor's quotes and the pricer's writes (both
 * mature agents, so a 10x value is a deviation) and the desk's request; the
 * records in `named` named by an earlier pass's finding.
 */
function seeded(earlier: readonly EvalRecord[] = [], named: readonly string[] = []): HistoryCache {
  const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, thinHistory: 0 });
  const day: EvalRecord[] = [record({ recordId: "req", kind: "request", agent: "desk", intent: "session", at: T - 23 * 60 * MIN })];
  for (let i = 0; i < 24; i++) {
    const at = T - 22 * 60 * MIN + i * 50 * MIN;
    day.push(quote(`q${i}`, 12.5 + (i % 3) / 10, { at }));
    day.push(peerWrite(`h${i}`, 20 + (i % 4) / 10, { at: at + 1 }));
  }
  learnPass(cache, day, { poisoned: new Set(), named: new Set() });
  learnPass(cache, earlier, { poisoned: new Set(), named: new Set(named) });
  return cache;
}

function judge(cache: HistoryCache, recent: readonly EvalRecord[]) {
  const batch = judgePass({ cache, recent, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN });
  const deviation = (id: string) => batch.findings.find((f) => f.detector === "semantic_deviation" && f.recordId === id);
  return { batch, deviation };
}

describe("state reads named as a deviation's evidence", () => {
  it("names a feed read when it is the only explanation: a poisoned feed's first victim", () => {
    const read = feedRead("sr-feed", { at: T - 1 });
    const { batch, deviation } = judge(seeded(), [read, quote("m1", 125, { parents: ["sr-feed", "req"] })]);
    expect(deviation("m1")?.evidence).toEqual(["m1", "sr-feed"]);
    expect(deviation("m1")?.explanation).toMatch(/; made from its read of feeds\/supplier$/);
    expect(batch.named.has("sr-feed")).toBe(true);
  });

  it("does not name a feed read when a parent message flagged by an earlier pass explains the deviation", () => {
    const flaggedParent = record({ recordId: "p0", agent: "pricer", intent: "Advice", receivers: ["monitor"], at: T - 5 * MIN, parents: ["req"] });
    const read = feedRead("sr-feed", { at: T - 1 });
    const m1 = quote("m1", 125, { parents: ["sr-feed", "p0"] });
    expect(judge(seeded([flaggedParent], ["p0"]), [read, m1]).deviation("m1")?.evidence).toEqual(["m1"]);
    // The same parent, never named: the feed read is the explanation again.
    expect(judge(seeded([flaggedParent], []), [read, m1]).deviation("m1")?.evidence).toEqual(["m1", "sr-feed"]);
  });

  it("names a read of a write a finding named, and then not the feed read beside it (a loop's later round)", () => {
    // The pricer's write the round before was named by an earlier pass.
    const earlier = peerWrite("w-prev", 210, { at: T - 5 * MIN });
    const rec = peerRead("sr-peer", "w-prev", { at: T - 2 });
    const read = feedRead("sr-feed", { at: T - 1 });
    const { deviation } = judge(seeded([earlier], ["w-prev"]), [rec, read, quote("m1", 125, { parents: ["sr-feed", "sr-peer"] })]);
    expect(deviation("m1")?.evidence).toEqual(["m1", "sr-peer"]);
    expect(deviation("m1")?.explanation).toMatch(/; made from its read of pricer\/rec$/);
  });

  it("names a read of a write flagged in the same pass", () => {
    const write = peerWrite("w1", 210, { at: T - 5 * MIN });
    const rec = peerRead("sr-peer", "w1", { at: T - 2 });
    const read = feedRead("sr-feed", { at: T - 1 });
    const { deviation } = judge(seeded(), [write, rec, read, quote("m1", 125, { parents: ["sr-feed", "sr-peer"] })]);
    expect(deviation("w1")).toBeDefined();
    expect(deviation("m1")?.evidence).toEqual(["m1", "sr-peer"]);
  });

  it("follows a read that names no version to the latest write of its key before it", () => {
    const stale = peerWrite("w-old", 20.1, { at: T - 20 * MIN });
    const latest = peerWrite("w-prev", 210, { at: T - 5 * MIN });
    const rec = peerRead("sr-peer", null, { at: T - 2 });
    const read = feedRead("sr-feed", { at: T - 1 });
    const m1 = quote("m1", 125, { parents: ["sr-feed", "sr-peer"] });
    expect(judge(seeded([stale, latest], ["w-prev"]), [rec, read, m1]).deviation("m1")?.evidence).toEqual(["m1", "sr-peer"]);
    // Only the older write was named: the read saw the clean one.
    expect(judge(seeded([stale, latest], ["w-old"]), [rec, read, m1]).deviation("m1")?.evidence).toEqual(["m1", "sr-feed"]);
    // A write stored in the same batch, before the read, is the one it saw.
    const fresh = peerWrite("w-fresh", 210, { at: T - MIN });
    const after = peerRead("sr-after", null, { at: T - 2 });
    const batch = judge(seeded([stale]), [fresh, after, read, quote("m1", 125, { parents: ["sr-feed", "sr-after"] })]);
    expect(batch.deviation("w-fresh")).toBeDefined();
    expect(batch.deviation("m1")?.evidence).toEqual(["m1", "sr-after"]);
  });

  it("does not name a read of a clean write: the engine judged that value already", () => {
    const clean = peerWrite("w-prev", 20.2, { at: T - 5 * MIN });
    const rec = peerRead("sr-peer", "w-prev", { at: T - 2 });
    expect(judge(seeded([clean]), [rec, quote("m1", 125, { parents: ["sr-peer"] })]).deviation("m1")?.evidence).toEqual(["m1"]);
    // Beside a feed read, the feed read is named alone (a poisoned feed's victim reading its peers' clean views).
    const read = feedRead("sr-feed", { at: T - 1 });
    expect(judge(seeded([clean]), [rec, read, quote("m1", 125, { parents: ["sr-peer", "sr-feed"] })]).deviation("m1")?.evidence).toEqual(["m1", "sr-feed"]);
  });

  it("names no read of a record that failed verification at the door, not even a read of a named write", () => {
    const earlier = peerWrite("w-prev", 210, { at: T - 5 * MIN });
    const rec = peerRead("sr-peer", "w-prev", { at: T - 2 });
    const read = feedRead("sr-feed", { at: T - 1 });
    const tampered = quote("m1", 125, { parents: ["sr-feed", "sr-peer"], verified: false, verdicts: ["bad_signature"] });
    const { deviation } = judge(seeded([earlier], ["w-prev"]), [rec, read, tampered]);
    expect(deviation("m1")?.evidence).toEqual(["m1"]);
    expect(deviation("m1")?.explanation).not.toMatch(/made from/);
  });

  it("counts a write that failed verification at the door as suspect", () => {
    const forged = peerWrite("w-forged", 20.2, { at: T - 5 * MIN, verified: false, verdicts: ["bad_signature"] });
    const rec = peerRead("sr-peer", "w-forged", { at: T - 2 });
    expect(judge(seeded([forged]), [rec, quote("m1", 125, { parents: ["sr-peer"] })]).deviation("m1")?.evidence).toEqual(["m1", "sr-peer"]);
  });
});

describe("what the history cache remembers for it", () => {
  const held = (id: string, at: number, o: Partial<CachedRecord> = {}): CachedRecord => ({ recordId: id, kind: "state.write", agent: "a", receivers: [], intent: "k", at, payload: undefined, anomalous: false, ...o });

  it("looks records up by id, finds the latest write of a key at a time, and forgets both as records age out", () => {
    const c = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2 });
    c.add([held("w1", 100), held("w2", 200)]);
    c.markFlagged(["w1", "never-held"]);
    expect(c.get("w2")?.at).toBe(200);
    expect([c.writeBefore("k", 150)?.recordId, c.writeBefore("k", 200)?.recordId, c.writeBefore("k", 99)]).toEqual(["w1", "w2", undefined]);
    expect([c.flagged("w1"), c.flagged("w2"), c.flagged("never-held")]).toEqual([true, false, false]);
    c.add([held("w3", 300)]);
    // w1 aged out (two per agent): gone from every index.
    expect([c.get("w1"), c.writeBefore("k", 150), c.flagged("w1")]).toEqual([undefined, undefined, false]);
  });

  it("remembers, from storage, which records a finding named", () => {
    const c = new HistoryCache();
    c.load("a", [held("w1", 100, { named: true }), held("w2", 200)]);
    expect([c.flagged("w1"), c.flagged("w2")]).toEqual([true, false]);
  });
});

describe("a feed read held until the deviating record's siblings are seen (ADR 0050)", () => {
  // A desk of four traders (two of symbol AAA) for 60 clean rounds; in round
  // 60 trader-1's view deviates, judged before the round's other views came.
  const K = 60;
  const desk = (o: { seed: number; weight: (k: number) => number; market?: (s: number, k: number, walk: (s: number, k: number) => number) => number }) => {
    const walk = marketWalk(o.seed, K + 2);
    const records = tradingDesk({ start: T - 6 * 60 * MIN, rounds: K + 2, weight: o.weight, market: (s, k) => (o.market ? o.market(s, k, walk) : walk(s, k)) });
    const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, thinHistory: 0 });
    const at = (id: string) => records.findIndex((r) => r.recordId === id);
    learnPass(cache, records.slice(0, at(`m-${K}-0`)), { poisoned: new Set(), named: new Set() });
    const pass = (from: string, to: string, holding: ReturnType<typeof judgePass>["held"] = [], skip: (id: string) => boolean = () => false) => {
      const recent = records.slice(at(from), at(to) + 1).filter((r) => !skip(r.recordId));
      const batch = judgePass({ cache, recent, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN, holding });
      learnPass(cache, recent, batch);
      return batch;
    };
    return { pass };
  };

  it("drops the held feed read where the round's sibling view departed by what it read back: a loop's first round", () => {
    const { pass } = desk({ seed: 7, weight: (k) => (k >= K ? 8 : 0.3) });
    const first = pass(`m-${K}-0`, `v-${K}-0`);
    const deviation = first.findings.find((f) => f.detector === "semantic_deviation" && f.recordId === `v-${K}-0`)!;
    expect(deviation.evidence).toEqual([`v-${K}-0`]);
    expect(first.held.map((h) => h.reads)).toEqual([[`m-${K}-0`]]);
    const rest = pass(`m-${K}-1`, `v-${K}-3`, first.held);
    expect(rest.settled.has(`v-${K}-0`)).toBe(true);
    expect(rest.released.size).toBe(0);
    expect(rest.named.has(`m-${K}-0`)).toBe(false);
  });

  it("names the held feed read once the sibling view moved with it: a poisoned feed's first victim", () => {
    const { pass } = desk({ seed: 2, weight: () => 0.3, market: (s, k, walk) => (k === K ? walk(s, k) + 0.2 : walk(s, k)) });
    const first = pass(`m-${K}-0`, `v-${K}-0`);
    expect(first.held.map((h) => h.reads)).toEqual([[`m-${K}-0`]]);
    const rest = pass(`m-${K}-1`, `v-${K}-3`, first.held);
    expect(rest.released.get(`v-${K}-0`)).toEqual([`m-${K}-0`]);
    expect(rest.named.has(`m-${K}-0`)).toBe(true);
  });

  it("names the held feed read when the trader moved on to its next view and no sibling came", () => {
    const { pass } = desk({ seed: 7, weight: (k) => (k >= K ? 8 : 0.3) });
    const first = pass(`m-${K}-0`, `v-${K}-0`);
    // trader-4 (AAA's other trader) wrote nothing in round 60: the next round's records come.
    const rest = pass(`m-${K}-1`, `v-${K}-2`, first.held);
    expect(rest.settled.size).toBe(0);
    const next = pass(`r-${K}-3-0`, `v-${K + 1}-0`, rest.settled.size ? [] : first.held, (id) => id.startsWith(`r-${K}-3-`) || id === `m-${K}-3` || id === `v-${K}-3`);
    expect(next.released.get(`v-${K}-0`)).toEqual([`m-${K}-0`]);
  });
});

describe("a feed read judged by the deviating record's siblings in the pass that holds them (ADR 0050)", () => {
  const K = 60;
  /** The desk's 60 clean rounds taught to a cache, and round 60 judged in one pass, sliced where `young` agents' learning blocks fill. */
  const judged = (o: { seed: number; weight: (k: number) => number; market?: (s: number, k: number, walk: (s: number, k: number) => number) => number; young?: boolean }) => {
    const walk = marketWalk(o.seed, K + 1);
    const records = tradingDesk({ start: T - 6 * 60 * MIN, rounds: K + 1, weight: o.weight, market: (s, k) => (o.market ? o.market(s, k, walk) : walk(s, k)) });
    const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, thinHistory: o.young ? 100_000 : 0 });
    const cut = records.findIndex((r) => r.recordId === `m-${K}-0`);
    // Without trader-2's first three reads, its learning block has room for 3 of its 5 records of round 60: the pass is cut after them, between trader-1's view and trader-4's.
    learnPass(cache, records.slice(0, cut).filter((r) => !r.recordId.startsWith("r-0-1-")), { poisoned: new Set(), named: new Set() });
    const batch = judgeInSlices({ cache, recent: records.slice(cut), depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN });
    return batch.findings.find((f) => f.detector === "semantic_deviation" && f.recordId === `v-${K}-0`)!;
  };
  const loop = { seed: 7, weight: (k: number) => (k >= K ? 8 : 0.3) };
  const poisoned = { seed: 2, weight: () => 0.3, market: (s: number, k: number, walk: (s: number, k: number) => number) => (k === K ? walk(s, k) + 0.2 : walk(s, k)) };

  it("does not name the feed read of a loop's first view, nor hold it, its sibling in the same pass", () => {
    expect(judged(loop).evidence).toEqual([`v-${K}-0`]);
    expect(judged(loop).explanation).not.toContain("made from its read");
  });

  it("names a poisoned feed's first victim's feed read, its sibling in the same pass", () => {
    expect(judged(poisoned).evidence).toEqual([`v-${K}-0`, `m-${K}-0`]);
  });

  it("names it when a slice of the pass held it and a later slice brought the sibling", () => {
    expect(judged({ ...poisoned, young: true }).evidence).toEqual([`v-${K}-0`, `m-${K}-0`]);
    expect(judged({ ...loop, young: true }).evidence).toEqual([`v-${K}-0`]);
  });
});

describe("a feed read held while a record built on its own last value may be a loop's first round (ADR 0055)", () => {
  // A planner adds its signal feed to a share of its last value, read back
  // from its own memory, a task every 30 s: 60 clean tasks, then from task 60
  // a loop (gain 1.6 on the last value) or a poisoned feed (10x).
  const K = 60;
  const planner = (o: { gain: (k: number) => number; signal: (k: number) => number }) => {
    const records: EvalRecord[] = [record({ recordId: "req", kind: "request", agent: "desk", intent: "session", at: T - 2 * 60 * MIN })];
    let last = 1.25;
    let wrote: string | null = null;
    for (let k = 0; k < K + 6; k++) {
      const at = T - 60 * MIN + k * 30_000;
      const value = Math.round((o.signal(k) + o.gain(k) * last) * 1e4) / 1e4;
      records.push(record({ recordId: `f-${k}`, kind: "state.read", agent: "a0", intent: "feeds/signal", at, payload: { found: true, sha256: `s${k}` }, parents: ["req"] }));
      records.push(record({ recordId: `l-${k}`, kind: "state.read", agent: "a0", intent: "a0/last", at, payload: { found: true, sha256: `l${k}` }, parents: wrote ? ["req", wrote] : ["req"] }));
      records.push(record({ recordId: `w-${k}`, kind: "state.write", agent: "a0", intent: "a0/last", at: at + 1, payload: { task: `task-${k}`, value }, parents: [`f-${k}`, `l-${k}`] }));
      wrote = `w-${k}`;
      last = value;
    }
    const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, thinHistory: 0 });
    const at = (id: string) => records.findIndex((r) => r.recordId === id);
    learnPass(cache, records.slice(0, at(`f-${K}`)), { poisoned: new Set(), named: new Set() });
    // One task per pass, as a live engine judges them; what each pass holds goes to the next.
    const passes = () => {
      let holding: ReturnType<typeof judgePass>["held"] = [];
      const out: ReturnType<typeof judgePass>[] = [];
      for (let k = K; k < K + 6; k++) {
        const recent = records.slice(at(`f-${k}`), at(`w-${k}`) + 1);
        const batch = judgePass({ cache, recent, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN, holding });
        learnPass(cache, recent, batch);
        holding = [...holding.filter((h) => !batch.settled.has(h.recordId)), ...batch.held];
        out.push(batch);
      }
      return out;
    };
    return passes();
  };
  const signal = (k: number) => 1 + 0.1 * Math.sin(k * 1.7);

  it("never names the feed read of a loop's first record: the loop names the record, and the hold is dropped", () => {
    const passes = planner({ gain: (k) => (k >= K ? 1.6 : 0.2), signal });
    const deviation = passes[0]!.findings.find((f) => f.detector === "semantic_deviation" && f.recordId === `w-${K}`)!;
    expect(deviation.evidence).toEqual([`w-${K}`]);
    expect(passes[0]!.held.map((h) => [h.recordId, h.reads, h.awaits])).toEqual([[`w-${K}`, [`f-${K}`], "loop"]]);
    const loopPass = passes.findIndex((b) => b.findings.some((f) => f.detector === "feedback_loop" && f.evidence.includes(`w-${K}`)));
    expect(loopPass).toBeGreaterThan(0);
    expect(passes[loopPass]!.settled.has(`w-${K}`)).toBe(true);
    for (const b of passes) {
      expect(b.released.size).toBe(0);
      expect(b.named.has(`f-${K}`)).toBe(false);
    }
  });

  it("names a poisoned feed's first victim's feed read once the planner made three more records and no loop named it", () => {
    const passes = planner({ gain: () => 0.2, signal: (k) => (k >= K ? 10 : 1) * signal(k) });
    expect(passes[0]!.held.map((h) => h.recordId)).toEqual([`w-${K}`]);
    expect(passes.slice(0, 3).every((b) => b.released.size === 0)).toBe(true);
    expect(passes[3]!.released.get(`w-${K}`)).toEqual([`f-${K}`]);
    expect(passes.some((b) => b.findings.some((f) => f.detector === "feedback_loop"))).toBe(false);
  });
});
