// Where a feedback loop entered (ADR 0035): the round every growing series of
// the loop agrees its rise began in, whatever the batches the engine judged
// the records in. The rounds below are the chaos scenarios' own numbers
// (procurement orders, trading views), in the shapes that hid the origin
// before: a clean value that rose just before the loop, a first amplified
// value within the usual range, a view amplified from the other side of zero.
import { beforeEach, describe, expect, it } from "vitest";
import { feedbackLoop, growthOf, loopOnset } from "@/lib/engine/detectors/feedback-loop.ts";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

const P = { minMessages: 4, growth: 2, minStep: 1.25, windowMs: 7_200_000 };

/** Every record any finding names, judging `records` in passes of `batch` records, each pass's history all before it. */
function namedInPasses(records: readonly WindowRecord[], batch: number): Set<string> {
  const named = new Set<string>();
  for (let s = 0; s < records.length; s += batch) {
    for (const f of feedbackLoop({ history: records.slice(0, s), recent: records.slice(s, s + batch) })) for (const id of f.evidence) named.add(id);
  }
  return named;
}

const SPLITS = [1, 7, 20, 50, 10_000];

/**
 * Procurement's loop, one order per SKU per 15-minute round: the recommender
 * reads the books, orders, the executor places, the reconciler books it.
 */
function procurementRounds(orders: Record<string, number[]>): WindowRecord[] {
  const out: WindowRecord[] = [];
  const rounds = Object.values(orders)[0]!.length;
  for (let k = 0; k < rounds; k++) {
    for (const [sku, qtys] of Object.entries(orders)) {
      const sec = k * 900 + out.length;
      out.push(wr({ agent: "recommender", receivers: [], kind: "state.read", intent: `reconciler/inventory/${sku}`, sec, payload: { found: true } }));
      out.push(wr({ agent: "recommender", receivers: ["executor"], intent: "OrderRequest", sec: sec + 1, payload: { sku, qty: qtys[k]!, cycle: k } }));
      out.push(wr({ agent: "executor", receivers: ["reconciler"], intent: "OrderPlaced", sec: sec + 2, payload: { sku, qty: qtys[k]!, po: `PO-${k}-${sku}`, cycle: k } }));
      out.push(wr({ agent: "reconciler", receivers: [], kind: "state.write", intent: `reconciler/inventory/${sku}`, sec: sec + 3, payload: { on_hand: 40, last_order_qty: qtys[k]!, cycle: k } }));
    }
  }
  return out;
}

/** Trading's loop: each trader writes its view every 5 minutes, reading its peers' views of the round before. */
function tradingRounds(views: number[][]): WindowRecord[] {
  const out: WindowRecord[] = [];
  const traders = views.length;
  for (let k = 0; k < views[0]!.length; k++) {
    for (let t = 0; t < traders; t++) {
      const sec = k * 300 + t;
      for (let o = 0; o < traders; o++) if (o !== t) out.push(wr({ agent: `trader-${t + 1}`, receivers: [], kind: "state.read", intent: `trader-${o + 1}/rec`, sec, payload: { found: true } }));
      out.push(wr({ agent: `trader-${t + 1}`, receivers: [], kind: "state.write", intent: `trader-${t + 1}/rec`, sec, payload: { value: views[t]![k]!, symbol: ["AAA", "BBB", "CCC"][t % 3], cycle: k } }));
    }
  }
  return out;
}

const cycleOf = (r: WindowRecord) => (r.payload as { cycle: number }).cycle;

describe("where a feedback loop entered", () => {
  it("names every SKU's first amplified order, though one SKU's order rose just before the loop and another's first amplified order is a usual value", () => {
    // The gain starts at round 14. A-100's clean order rose 1.5x into it (4 -> 6);
    // C-300's first amplified order (8) is no more than it ordered before.
    const orders = {
      "A-100": [8, 4, 3, 4, 3, 4, 5, 3, 7, 4, 5, 3, 4, 6, 14, 22, 35, 56, 90],
      "B-200": [3, 8, 6, 5, 8, 3, 3, 7, 5, 8, 5, 5, 5, 5, 15, 24, 38, 61, 98],
      "C-300": [8, 3, 5, 8, 6, 3, 8, 3, 5, 4, 8, 5, 7, 3, 8, 13, 21, 34, 54],
    };
    const recs = procurementRounds(orders);
    const truthOrigins = recs.filter((r) => r.intent === "OrderRequest" && cycleOf(r) === 14).map((r) => r.recordId);
    for (const batch of SPLITS) {
      const named = namedInPasses(recs, batch);
      expect([...named].map((id) => recs.find((r) => r.recordId === id)!).filter((r) => cycleOf(r) < 14), `passes of ${batch}`).toEqual([]);
      expect(truthOrigins.filter((id) => named.has(id)), `passes of ${batch}`).toEqual(truthOrigins);
    }
  });

  it("names the round a trading loop entered, the view amplified from the other side of zero included", () => {
    // Round 12 is the first with the gain: trader-1's view crossed zero (-0.0073 -> 0.002), trader-4's too.
    const noise = [
      [-0.0118, -0.008, -0.003, 0.0034, -0.0072, -0.0009, -0.0092, -0.0073],
      [0.0117, 0.0057, 0.0135, 0.0179, 0.0193, 0.0134, 0.026, 0.0144],
      [0.0126, -0.0002, 0.0061, 0.026, 0.0328, 0.036, 0.0271, 0.0067],
      [-0.0094, -0.0098, -0.0009, 0.0062, -0.0077, -0.0005, -0.0097, -0.0102],
    ];
    const loop = [
      [0.002, 0.0296, 0.0726, 0.1846, 0.4825, 1.2938],
      [0.0216, 0.0385, 0.0822, 0.2198, 0.6117, 1.6764],
      [0.0181, 0.0426, 0.1043, 0.2881, 0.8, 2.1403],
      [0.0184, 0.0576, 0.1368, 0.3815, 1.0184, 2.7233],
    ];
    // Twelve rounds of noise (the first four again), then the loop.
    const views = noise.map((n, t) => [...n.slice(0, 4), ...n, ...loop[t]!]);
    const recs = tradingRounds(views);
    const firstRound = recs.filter((r) => r.kind === "state.write" && cycleOf(r) === 12).map((r) => r.recordId);
    for (const batch of SPLITS) {
      const named = namedInPasses(recs, batch);
      const before = [...named].filter((id) => cycleOf(recs.find((r) => r.recordId === id)!) < 12);
      expect(before, `passes of ${batch}`).toEqual([]);
      // trader-1's 0.002 is where lineage finds the origin: its peers read it in the same round.
      expect(firstRound.filter((id) => named.has(id)), `passes of ${batch}`).toEqual(firstRound);
    }
  });

  it("names nothing in clean rounds, cut into passes anywhere", () => {
    const orders = { "A-100": [8, 4, 3, 4, 3, 4, 5, 3, 7, 4, 5, 3, 4, 6, 5, 7, 3, 8, 4], "B-200": [3, 8, 6, 5, 8, 3, 3, 7, 5, 8, 5, 5, 5, 5, 6, 8, 3, 5, 7] };
    const recs = procurementRounds(orders);
    for (const batch of SPLITS) expect(namedInPasses(recs, batch).size, `passes of ${batch}`).toBe(0);
  });
});

describe("growthOf", () => {
  it("starts a rise at its first risen value, not at the value it rose from", () => {
    // 6 rose from 5 by 1.2x only: 14 is the first risen value.
    expect(growthOf([4, 3, 4, 3, 4, 5, 6, 14, 22, 35, 56, 90], P)).toMatchObject({ from: 7 });
    // A rise from the other side of zero starts where it crossed.
    expect(growthOf([-0.01, 0.02, -0.01, 0.015, -0.0092, -0.0073, 0.002, 0.03, 0.073, 0.185, 0.48, 1.29], P)).toMatchObject({ from: 6 });
  });

  it("keeps the usual range to the window before the rise: a fleet's first big orders hours earlier do not hide it", () => {
    const values = [40, 30, 25, 20, 4, 3, 4, 3, 4, 5, 6, 14, 22, 35, 56, 90];
    const hour = 3_600_000;
    // The first four orders were four hours before the rest, each later one 15 minutes after the last.
    const at = values.map((_, i) => (i < 4 ? i * 900_000 : 4 * hour + i * 900_000));
    expect(growthOf(values, P, at)).toMatchObject({ from: 11 });
    // Counted with them, the rise is not beyond its usual range for long enough.
    expect(growthOf(values, P)).toBeNull();
  });
});

describe("loopOnset", () => {
  const round = 900_000;
  const series = (startRound: number) => ({ at: Array.from({ length: 10 }, (_, i) => i * round), rise: startRound });

  it("takes the round most series' rises began in, from half a round before it", () => {
    expect(loopOnset([series(5), series(6), series(6), series(6)])).toBe(6 * round - round / 2);
    expect(loopOnset([series(6), series(6), series(7)])).toBe(6 * round - round / 2);
  });

  it("takes the earliest of equally supported rounds", () => {
    expect(loopOnset([series(7), series(6)])).toBe(6 * round - round / 2);
  });
});
