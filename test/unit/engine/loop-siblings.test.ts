// Where a feedback loop entered, told by records made from the same outside
// read (ADR 0050): two views of one symbol made from one market read differ
// only by what each made of the views it read back.
import { beforeEach, describe, expect, it } from "vitest";
import { outsideOf } from "@/lib/engine/detectors/feedback-loop.ts";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { entryBySiblings, type SiblingSeries } from "@/lib/engine/detectors/loop-siblings.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

const ROUND = 300_000;
const HALF = ROUND / 2;
const WINDOW = 7_200_000;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** What two traders of one symbol read back each round: their peers' views, not alike. */
const READ_A = [0.004, -0.006, 0.009, -0.002, 0.007, -0.011, 0.003, 0.008, -0.005, 0.006, 0.012, 0.02, 0.05, 0.13, 0.33];
const READ_B = [-0.003, 0.008, 0.001, -0.009, 0.012, 0.002, -0.007, 0.004, 0.006, -0.008, 0.03, 0.035, 0.08, 0.2, 0.52];
/** The market's part, the same for both: noise, then a drift towards the loop's side from round 9 on. */
const MARKET = [0.006, -0.004, 0.002, -0.007, 0.003, 0.005, -0.002, 0.004, -0.005, 0.015, 0.025, 0.03, 0.03, 0.03, 0.03];

/**
 * Two traders of one symbol over 15 rounds, each value its round's market
 * plus `weight(k)` times what it read back (to the simulator's 4 decimals),
 * each made from the round's market read (`market-k`, or `outside(k)`).
 */
function traders(weight: (k: number) => number, reads: [number[], number[]] = [READ_A, READ_B], outside: (k: number) => string | null = (k) => `AAA market-${k}`): SiblingSeries[] {
  return reads.map((rb, t) => ({
    at: rb.map((_, k) => k * ROUND + t * 1_000),
    values: rb.map((r, k) => round4(MARKET[k]! + weight(k) * r)),
    readBack: rb,
    outside: rb.map((_, k) => outside(k)),
  }));
}

/** The rounds 9, 10 and 11 as candidates (the vote's round 9, a drift round: views up with the market). */
const CANDIDATES = [9 * ROUND, 10 * ROUND, 11 * ROUND];
const gainFrom = (first: number) => (k: number) => (k >= first ? 1.6 : 0.3);

describe("entryBySiblings", () => {
  it("takes the first round whose same-market records differ by the gain times what they read back, past a drift round", () => {
    const entry = entryBySiblings(traders(gainFrom(10)), CANDIDATES, HALF, WINDOW)!;
    expect(entry.round).toBe(10 * ROUND);
    expect(entry.moved).toBe(1);
    expect(entry.weight).toBeCloseTo(0.3, 1);
    expect(entry.gain).toBeCloseTo(1.6, 1);
  });

  it("keeps the vote's round when its records differ by the gain already", () => {
    const entry = entryBySiblings(traders(gainFrom(9)), CANDIDATES, HALF, WINDOW)!;
    expect(entry.moved).toBe(0);
  });

  it("skips an earlier round that cannot be weighed where the round just before the entry is clearly not the gain's (a loop persists)", () => {
    const a = [...READ_A];
    const b = [...READ_B];
    b[9] = a[9]!;
    const entry = entryBySiblings(traders(gainFrom(11), [a, b]), CANDIDATES, HALF, WINDOW)!;
    expect(entry.round).toBe(11 * ROUND);
    expect(entry.moved).toBe(2);
    // The round just before it unweighable: it may have been the loop's first.
    const c = [...READ_A];
    const d = [...READ_B];
    d[10] = c[10]!;
    expect(entryBySiblings(traders(gainFrom(11), [c, d]), CANDIDATES, HALF, WINDOW)).toBeNull();
  });

  it("answers nothing where a round before the gain's cannot be told: its records read back alike", () => {
    const a = [...READ_A];
    const b = [...READ_B];
    b[9] = a[9]!;
    expect(entryBySiblings(traders(gainFrom(10), [a, b]), CANDIDATES, HALF, WINDOW)).toBeNull();
  });

  it("answers nothing without records made from the same outside reads", () => {
    // Each trader's own market read (another hash each), or reads with no hash.
    let n = 0;
    expect(entryBySiblings(traders(gainFrom(10), [READ_A, READ_B], (k) => `AAA market-${k}-${n++}`), CANDIDATES, HALF, WINDOW)).toBeNull();
    expect(entryBySiblings(traders(gainFrom(10), [READ_A, READ_B], () => null), CANDIDATES, HALF, WINDOW)).toBeNull();
  });

  it("answers nothing where no round weighs what it read back more than before, or too few rounds came before", () => {
    expect(entryBySiblings(traders(() => 0.3), CANDIDATES, HALF, WINDOW)).toBeNull();
    // Two rounds before the candidates: the noise regime's weight is not known.
    expect(entryBySiblings(traders(gainFrom(10)), CANDIDATES, HALF, 2.5 * ROUND)).toBeNull();
  });
});

describe("outsideOf", () => {
  const LOOP = new Set(["trader-1/rec", "trader-2/rec", "trader-4/rec"]);
  /** A view made from a market read of `hash` (none: no hash) and a read of a peer's view. */
  const view = (agent: string, symbol: string, hash: string | null, extra: WindowRecord[] = []): { view: WindowRecord; byId: Map<string, WindowRecord> } => {
    const market = wr({ agent, receivers: [], kind: "state.read", intent: "feeds/market", payload: hash === null ? { found: true } : { found: true, sha256: hash } });
    const peer = wr({ agent, receivers: [], kind: "state.read", intent: "trader-2/rec", payload: { found: true, sha256: `peer-of-${agent}` } });
    const parents = [market, peer, ...extra];
    const v = wr({ agent, receivers: [], kind: "state.write", intent: `${agent}/rec`, payload: { value: 0.01, symbol }, parents: parents.map((p) => p.recordId) });
    return { view: v, byId: new Map(parents.map((p) => [p.recordId, p])) };
  };

  it("is one key for records of one symbol made from reads of the same content, whatever they read back", () => {
    const a = view("trader-1", "AAA", "h1");
    const b = view("trader-4", "AAA", "h1");
    expect(outsideOf(a.view, LOOP, a.byId)).not.toBeNull();
    expect(outsideOf(a.view, LOOP, a.byId)).toBe(outsideOf(b.view, LOOP, b.byId));
  });

  it("tells apart another symbol, another content, and an outside parent of another record", () => {
    const a = view("trader-1", "AAA", "h1");
    const key = outsideOf(a.view, LOOP, a.byId);
    const other = [view("trader-2", "BBB", "h1"), view("trader-4", "AAA", "h2"), view("trader-4", "AAA", "h1", [wr({ agent: "desk", intent: "note" })])];
    for (const o of other) expect(outsideOf(o.view, LOOP, o.byId)).not.toBe(key);
  });

  it("is null for a read without a hash, a parent the window lacks, or nothing read outside the loop", () => {
    const unhashed = view("trader-1", "AAA", null);
    expect(outsideOf(unhashed.view, LOOP, unhashed.byId)).toBeNull();
    const a = view("trader-1", "AAA", "h1");
    const lacking = new Map(a.byId);
    lacking.delete(a.view.parents![0]!);
    expect(outsideOf(a.view, LOOP, lacking)).toBeNull();
    expect(outsideOf(a.view, new Set([...LOOP, "feeds/market"]), a.byId)).toBeNull();
  });
});
