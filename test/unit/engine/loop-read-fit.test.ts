// Where a loop entered, told by records that were what they read and
// stopped being it (ADR 0054): procurement's restock orders are the target
// less the stock on hand they read, until last cycle's order read back
// comes in on top of them.
import { beforeEach, describe, expect, it } from "vitest";
import { feedbackLoop } from "@/lib/engine/detectors/feedback-loop.ts";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { entryByReadFit, type ReadFitSeries } from "@/lib/engine/detectors/loop-read-fit.ts";
import { resetWindowIds, T0, wr } from "./detector-fixtures.ts";
import { seeded } from "./seeded.ts";

beforeEach(() => resetWindowIds());

const ROUND = 900_000;
const HALF = ROUND / 2;
const WINDOW = 7_200_000;
const TARGET = 60;

/**
 * One SKU's restock orders over `rounds` 15-minute rounds: the stock on hand
 * falls by a seeded demand of 3 to 8 a round (by `fall(k)` where given) and
 * the order restocks it to the target, plus `gain(k)` times the last order
 * read back from the books.
 */
function orders(o: { rounds: number; seed: number; gain: (k: number) => number; fall?: (k: number) => number | undefined }): ReadFitSeries & { onHand: number[] } {
  const rand = seeded(o.seed);
  const at: number[] = [];
  const values: number[] = [];
  const read: Map<string, number>[] = [];
  const onHand: number[] = [];
  let stock = 40;
  let last = 0;
  for (let k = 0; k < o.rounds; k++) {
    const demand = o.fall?.(k) ?? 3 + Math.floor(rand() * 6);
    stock = Math.max(0, stock - demand);
    const qty = Math.max(0, TARGET - stock) + Math.round(o.gain(k) * last);
    at.push(T0 + k * ROUND);
    values.push(qty);
    read.push(new Map([["books on_hand", stock], ["books on_order", 0], ["books last_order_qty", last], ["books cycle", k]]));
    onHand.push(stock);
    stock += qty;
    last = qty;
  }
  return { at, values, read, onHand };
}

/** Candidate rounds `from` to `from + count - 1`. */
const candidates = (from: number, count: number) => Array.from({ length: count }, (_, c) => T0 + (from + c) * ROUND);

describe("entryByReadFit", () => {
  it("places the loop at its first amplified order, not at the shared fall in stock the round before", () => {
    const entry = 20;
    // Every SKU's stock fell by 8 the round before the loop: every order rose at once.
    const skus = [1, 2, 3].map((seed) => orders({ rounds: 30, seed, gain: (k) => (k >= entry ? 1.6 : 0), fall: (k) => (k === entry - 1 ? 8 : undefined) }));
    expect(skus.filter((s) => s.values[entry - 1]! > s.values[entry - 2]!).length).toBeGreaterThanOrEqual(2);
    const found = entryByReadFit(skus, candidates(entry - 4, 9), HALF, WINDOW);
    expect(found).toEqual({ round: T0 + entry * ROUND, moved: 4, fitted: 3, departed: 3 });
  });

  it("says nothing of a series with a part its reads do not hold (a market's move)", () => {
    const rand = seeded(9);
    const s = orders({ rounds: 30, seed: 4, gain: (k) => (k >= 20 ? 1.6 : 0) });
    const noisy = { ...s, values: s.values.map((v) => v + Math.round(20 * rand())) };
    expect(entryByReadFit([noisy], candidates(16, 9), HALF, WINDOW)).toBeNull();
  });

  it("says nothing of a view loop, whose fit over its own loop rounds explains their growth and not the values before", () => {
    // A view is the market's part plus a weight on the mean of the two peers' views it read: 0.3, then the loop's 1.6 from
    // round 20. In the loop both peers' views follow the last one, in shares that drift: a fit taken in over the loop's
    // rounds learns one share and is off the next by a fraction of a value that is by then large.
    const rand = seeded(13);
    const at: number[] = [];
    const values: number[] = [];
    const read: Map<string, number>[] = [];
    let peers = [0.01 * (rand() - 0.5), 0.01 * (rand() - 0.5)];
    for (let k = 0; k < 30; k++) {
      const market = 0.01 * (rand() - 0.5);
      const view = Math.round((market + (k >= 20 ? 1.6 : 0.3) * (peers[0]! + peers[1]!) / 2) * 10_000) / 10_000;
      at.push(T0 + k * ROUND);
      values.push(view);
      read.push(new Map([["a value", peers[0]!], ["b value", peers[1]!]]));
      const share = k >= 23 ? 0.3 : 0.1;
      peers = k >= 19 ? [3 * view * (1 + share), 3 * view * (1 - share)] : [0.01 * (rand() - 0.5) + 0.3 * view, 0.01 * (rand() - 0.5) + 0.3 * view];
    }
    expect(entryByReadFit([{ at, values, read }], candidates(16, 9), HALF, WINDOW)).toBeNull();
  });

  it("says nothing of a copy of what it read, which never departs", () => {
    const s = orders({ rounds: 30, seed: 5, gain: (k) => (k >= 20 ? 1.6 : 0) });
    const copy = { ...s, values: s.onHand.map((v) => v) };
    expect(entryByReadFit([copy], candidates(16, 9), HALF, WINDOW)).toBeNull();
  });

  it("judges each round against a fit of every value before it, candidates on the fit included, with degrees of freedom to spare", () => {
    const s = orders({ rounds: 30, seed: 6, gain: (k) => (k >= 20 ? 1.6 : 0) });
    const from = (k: number) => ({ at: s.at.slice(k), values: s.values.slice(k), read: s.read.slice(k) });
    // Three values before the candidates (as a pass late in a long loop holds): the candidate rounds before the entry make the fit.
    expect(entryByReadFit([from(13)], candidates(16, 9), HALF, WINDOW)?.round).toBe(T0 + 20 * ROUND);
    // Three values before the entry: two coefficients and an intercept leave nothing to vouch for the fit.
    expect(entryByReadFit([from(17)], candidates(16, 9), HALF, WINDOW)).toBeNull();
    expect(entryByReadFit([s], candidates(16, 9), HALF, WINDOW)?.round).toBe(T0 + 20 * ROUND);
  });

  it("skips a round whose reads lack a number the fit weighs, neither on nor off it", () => {
    const s = orders({ rounds: 30, seed: 12, gain: (k) => (k >= 20 ? 1.6 : 0) });
    const lacking = { ...s, read: s.read.map((m, k) => (k === 22 && m ? new Map<string, number>([...m].filter(([name]) => name !== "books on_hand")) : m)) };
    expect(entryByReadFit([lacking], candidates(16, 9), HALF, WINDOW)?.round).toBe(T0 + 20 * ROUND);
  });

  it("takes the round by which half the departing series departed, and a series must stay off its fit", () => {
    const late = orders({ rounds: 30, seed: 7, gain: (k) => (k >= 22 ? 1.6 : 0) });
    const onTime = [8, 9].map((seed) => orders({ rounds: 30, seed, gain: (k) => (k >= 20 ? 1.6 : 0) }));
    expect(entryByReadFit([late, ...onTime], candidates(16, 9), HALF, WINDOW)?.round).toBe(T0 + 20 * ROUND);
    // An order once off its fit by a note it obeyed, then back on it: not a departure.
    const once = orders({ rounds: 30, seed: 10, gain: () => 0 });
    const told = { ...once, values: once.values.map((v, k) => (k === 18 ? 500 : v)) };
    expect(entryByReadFit([told], candidates(16, 9), HALF, WINDOW)).toBeNull();
  });
});

/**
 * Procurement's loop as the engine stores it, per SKU and round: the books
 * (the reconciler's write after the round's demand), the recommender's read
 * of them (naming that write) and its order (made from the read), the
 * executor's placed order, and the books' write of it.
 */
function procurementBooks(o: { rounds: number; entry: number; fallBefore: boolean }): { records: WindowRecord[]; firstLoopOrders: string[] } {
  const records: WindowRecord[] = [];
  const firstLoopOrders: string[] = [];
  const skus = ["A-100", "B-200", "C-300"];
  const rands = skus.map((_, i) => seeded(40 + i));
  const state = skus.map(() => ({ stock: 40, last: 0 }));
  for (let k = 0; k < o.rounds; k++) {
    skus.forEach((sku, i) => {
      const s = state[i]!;
      const sec = k * 900 + i * 10;
      const demand = o.fallBefore && k === o.entry - 1 ? 8 : 3 + Math.floor(rands[i]!() * 6);
      s.stock = Math.max(0, s.stock - demand);
      const key = `reconciler/inventory/${sku}`;
      const books = wr({ agent: "reconciler", receivers: [], kind: "state.write", intent: key, sec, payload: { on_hand: s.stock, on_order: 0, last_order_qty: s.last, cycle: k } });
      const read = wr({ agent: "recommender", receivers: [], kind: "state.read", intent: key, sec: sec + 1, payload: { found: true }, parents: [books.recordId] });
      const qty = Math.max(0, TARGET - s.stock) + Math.round((k >= o.entry ? 1.6 : 0) * s.last);
      const order = wr({ agent: "recommender", receivers: ["executor"], intent: "OrderRequest", sec: sec + 2, payload: { sku, qty, cycle: k }, parents: [read.recordId] });
      const placed = wr({ agent: "executor", receivers: ["reconciler"], intent: "OrderPlaced", sec: sec + 3, payload: { sku, qty, cycle: k }, parents: [order.recordId] });
      const booked = wr({ agent: "reconciler", receivers: [], kind: "state.write", intent: key, sec: sec + 4, payload: { on_hand: s.stock, on_order: qty, last_order_qty: qty, cycle: k }, parents: [placed.recordId] });
      records.push(books, read, order, placed, booked);
      if (k === o.entry) firstLoopOrders.push(order.recordId);
      s.stock += qty;
      s.last = qty;
    });
  }
  return { records, firstLoopOrders };
}

describe("feedback_loop with orders that were what they read", () => {
  const { records, firstLoopOrders } = procurementBooks({ rounds: 26, entry: 18, fallBefore: true });
  const at = new Map(records.map((r) => [r.recordId, r.at]));

  it.each([1, 7, 50, 10_000])("names the loop's first orders, and nothing before their round, in passes of %i records", (batch) => {
    const named = new Set<string>();
    const words: string[] = [];
    for (let s = 0; s < records.length; s += batch) {
      for (const f of feedbackLoop({ history: records.slice(0, s), recent: records.slice(s, s + batch) })) {
        for (const id of f.evidence) named.add(id);
        words.push(f.explanation);
        if (f.params.entryMoved !== 0) expect(f.params.entryBy).toBe("reads");
      }
    }
    for (const id of firstLoopOrders) expect(named.has(id), id).toBe(true);
    const roundStart = Math.min(...firstLoopOrders.map((id) => at.get(id)!)) - 2_000;
    expect([...named].filter((id) => at.get(id)! < roundStart).map((id) => { const r = records.find((x) => x.recordId === id)!; return `${r.agent} ${r.intent} ${(r.at - roundStart) / 1000} ${JSON.stringify(r.payload)}`; })).toEqual([]);
    expect(words.some((w) => w.includes("before it its records were what the state they read made of them as usual"))).toBe(true);
  });
});
