import { beforeEach, describe, expect, it } from "vitest";
import { segmentsOf, semanticDeviation } from "@/lib/engine/detectors/semantic-deviation.ts";
import { counterOf, groupKey, ValueBaselines } from "@/lib/engine/detectors/value-baselines.ts";
import { numericFields } from "@/lib/engine/detectors/numeric-fields.ts";
import { mad, meanAbsoluteDeviation, median, modifiedZ, signedLog } from "@/lib/engine/detectors/robust-stats.ts";
import { fmt, duration } from "@/lib/engine/detectors/explain.ts";
import { normal, seeded } from "./seeded.ts";
import { resetWindowIds, wr, T0 } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

/** n prices around `center`, spread `sigma` on a log scale, median exactly `center` (n even). */
function prices(n: number, center: number, sigma: number, seed = 7) {
  const rand = seeded(seed);
  const values = [center, center];
  for (let i = 0; i < (n - 2) / 2; i++) {
    const d = Math.abs(normal(rand)) * sigma + 1e-6;
    values.push(center * Math.exp(d), center * Math.exp(-d));
  }
  return values.map((v, i) => wr({ sec: -86_000 + i, payload: { sku: "A-1", unit_price: v } }));
}

describe("semantic deviation", () => {
  it("does not judge a counter that carries on counting (a cycle number), but does judge one that goes back", () => {
    // Nine cycles of quotes: `cycle` goes 101..109 while the price stays usual;
    // cycle 1,600 is 15x the median, many cycles on (the ones between left out of the baseline).
    const history = Array.from({ length: 9 }, (_, i) => wr({ sec: -9_000 + i * 900, payload: { sku: "A-1", unit_price: 12 + (i % 3), cycle: i + 101 } }));
    expect(semanticDeviation({ history, recent: [wr({ payload: { sku: "A-1", unit_price: 13, cycle: 1_600 } })] })).toEqual([]);
    // Back to cycle 5: a twentieth of the median, and far below on the plain scale too.
    const back = wr({ payload: { sku: "A-1", unit_price: 13, cycle: 5 } });
    expect(semanticDeviation({ history, recent: [back] }).map((f) => [f.recordId, f.subject])).toEqual([[back.recordId, "quote.request cycle"]]);
    // The values in time order, as the engine's baselines receive them (in or out of arrival order).
    const counter = (values: number[], arrival = values.map((_, i) => i)) => {
      const records = values.map((v, i) => wr({ sec: -1_000 + i, payload: { n: v } }));
      const b = ValueBaselines.of(arrival.map((i) => records[i]!));
      return counterOf(b.get(groupKey(records[0]!.agent, records[0]!.intent ?? records[0]!.kind, "n"))!);
    };
    expect(counter([1, 2, 2, 3])).toEqual({ last: 3 });
    // Out of time order the detector cannot tell, and judges.
    expect(counter([1, 2, 2, 3], [0, 3, 1, 2])).toBeNull();
    expect(counter([1, 2, 1, 3])).toBeNull();
    expect(counter([1, 2, 1, 3], [0, 1, 3, 2])).toBeNull();
    expect(counter([5, 5, 6])).toBeNull();
    expect(counter([1.5, 2.5, 3.5])).toBeNull();
  });

  it("flags a price 10.3x the median and says so in words", () => {
    const history = prices(412, 12.5, 0.1);
    const odd = wr({ payload: { sku: "A-1", unit_price: 128.75 } });
    const [f, ...rest] = semanticDeviation({ history, recent: [odd] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: "semantic_deviation",
      recordId: odd.recordId,
      agent: "pricer",
      subject: "quote.request unit_price",
      explanation: "unit_price 10.3x the 24h median (n=412)",
      evidence: [odd.recordId],
      at: odd.at,
    });
    expect(f!.params).toMatchObject({ minSamples: 20, minRatioSamples: 8, segment: null, zThreshold: 3.5, minRatio: 1.5, maxRatio: 10, n: 412, median: 12.5, value: 128.75, spread: "mad", ratio: 10.3 });
    expect(f!.score).toBeGreaterThan(3.5);
  });

  it("leaves values inside the usual spread alone", () => {
    const history = prices(200, 12.5, 0.1);
    const recent = [13.1, 11.9, 12.5, 14].map((v) => wr({ payload: { unit_price: v } }));
    expect(semanticDeviation({ history, recent })).toEqual([]);
  });

  it("flags a low value too", () => {
    const [f] = semanticDeviation({ history: prices(200, 12.5, 0.1), recent: [wr({ payload: { unit_price: 0.5 } })] });
    expect(f!.explanation).toBe("unit_price 0.04x the 24h median (n=200)");
    expect(f!.score).toBeLessThan(-3.5);
  });

  it("does not flag a tiny change against a very tight baseline (minimum ratio)", () => {
    const history = prices(100, 100, 0.0001);
    expect(semanticDeviation({ history, recent: [wr({ payload: { unit_price: 100.5 } })] })).toEqual([]);
  });

  it("flags anything past the hard ratio bound even when the baseline is wide", () => {
    const history = prices(400, 10, 2, 3);
    const [f] = semanticDeviation({ history, recent: [wr({ payload: { unit_price: 110 } })] });
    expect(Math.abs(f!.params.z as number)).toBeLessThan(3.5);
    expect(f!.explanation).toBe("unit_price 11x the 24h median (n=400)");
  });

  it("says nothing below the minimum sample count, and only the hard ratio bound judges a small sample", () => {
    expect(semanticDeviation({ history: prices(6, 12.5, 0.1), recent: [wr({ payload: { unit_price: 1e6 } })] })).toEqual([]);
    // 10 values: a 10x value is judged by the ratio bound, a 5x one (a huge z) is not judged yet.
    const small = prices(10, 12.5, 0.1);
    const [f, ...rest] = semanticDeviation({ history: small, recent: [wr({ payload: { unit_price: 125 } }), wr({ payload: { unit_price: 62.5 } })] });
    expect(rest).toEqual([]);
    expect(f!.explanation).toBe("unit_price 10x the 24h median (n=10, below 20 values: ratio bound only)");
    expect(f!.params).toMatchObject({ n: 10, z: null, spread: "none", ratio: 10 });
    // From minSamples on, the z-score judges too.
    expect(semanticDeviation({ history: prices(28, 12.5, 0.1), recent: [wr({ payload: { unit_price: 62.5 } })] })).toHaveLength(1);
    expect(semanticDeviation({ history: prices(28, 12.5, 0.1), recent: [wr({ payload: { unit_price: 62.5 } })] }, { minSamples: 40 })).toEqual([]);
  });

  it("below the hard bound, never flags a value the baseline has already held, however rare", () => {
    // Orders of 35, and now and then of 15: a 15 is rare (a big z) but not new.
    const history = [...Array.from({ length: 36 }, () => wr({ payload: { qty: 35 } })), ...[15, 36, 34, 15].map((q) => wr({ payload: { qty: q } }))];
    expect(semanticDeviation({ history, recent: [wr({ payload: { qty: 15 } })] })).toEqual([]);
    // Below anything seen, and far enough: flagged.
    const [low] = semanticDeviation({ history, recent: [wr({ payload: { qty: 5 } })] });
    expect(low!.params).toMatchObject({ value: 5, median: 35 });
    // Past the hard bound, flagged even if the baseline once held such a value.
    expect(semanticDeviation({ history: [...history, wr({ payload: { qty: 400 } })], recent: [wr({ payload: { qty: 360 } })] })).toHaveLength(1);
  });

  it("near zero, a ratio to the median is not a deviation unless the value is also far out on the plain scale", () => {
    // A trader's view: small numbers, here all positive by chance (12 values: ratio bound only).
    const views = [0.004, 0.011, 0.006, 0.009, 0.002, 0.013, 0.007, 0.005, 0.01, 0.008, 0.003, 0.012];
    const history = views.map((v, i) => wr({ sec: -5_000 + i * 300, payload: { value: v } }));
    // 0.0001 is 0.013x the median, and a hair below its neighbours: not flagged.
    expect(semanticDeviation({ history, recent: [wr({ payload: { value: 0.0001 } }), wr({ payload: { value: 0.0005 } })] })).toEqual([]);
    // 0.6 is 80x the median and dozens of plain spreads out: flagged, with the plain-scale z stored.
    const far = wr({ payload: { value: 0.6 } });
    const [f, ...rest] = semanticDeviation({ history, recent: [far] });
    expect(rest).toEqual([]);
    expect(f!.recordId).toBe(far.recordId);
    expect(f!.params.linearZ as number).toBeGreaterThan(3.5);
    expect(f!.params).toMatchObject({ ratio: 80, zThreshold: 3.5 });
  });

  it("judges a signed field that crosses zero on its spread, never by a ratio", () => {
    const rand = seeded(5);
    const history = Array.from({ length: 60 }, (_, i) => wr({ sec: -20_000 + i * 300, payload: { value: Math.round(0.015 * normal(rand) * 1e4) / 1e4 } }));
    // Values of either sign inside or a little past the usual swing: nothing.
    const usual = [-0.0001, 0.0001, 0.02, -0.025, 0].map((v) => wr({ payload: { value: v } }));
    expect(semanticDeviation({ history, recent: usual })).toEqual([]);
    // Across zero, a little past the largest view held: not yet 1.5x its magnitude.
    const largest = Math.max(...history.map((r) => Math.abs((r.payload as { value: number }).value)));
    expect(semanticDeviation({ history, recent: [wr({ payload: { value: -1.4 * largest } })] })).toEqual([]);
    // An amplified view (a feedback loop's gain): judged against the largest magnitude held, not the median.
    const [loop] = semanticDeviation({ history, recent: [wr({ payload: { value: -0.9 } })] });
    expect(loop!.params.z as number).toBeLessThan(-3.5);
    expect(loop!.params).toMatchObject({ maxMagnitude: largest, magnitude: 0.9 / largest });
    expect(loop!.explanation).toBe(`value -0.9, ${fmt(0.9 / largest)}x the largest magnitude in the 24h baseline (${fmt(largest)}, near zero; n=60)`);
    // From eight values the hard bound (10x the largest magnitude) judges alone.
    const [early] = semanticDeviation({ history: history.slice(0, 10), recent: [wr({ payload: { value: 5 } })] });
    expect(early!.explanation).toMatch(/^value 5, [\d.,]+x the largest magnitude in the 24h baseline \([\d.]+, near zero; n=10, below 20 values: magnitude bound only\)$/);
  });

  it("judges a value against its own segment (a part's own prices) when that baseline is tighter", () => {
    // Three parts quoted by one agent under one field: 12.5, 48 and 230 EUR.
    const rand = seeded(11);
    const parts = [
      { sku: "A-100", base: 12.5 },
      { sku: "B-200", base: 48 },
      { sku: "C-300", base: 230 },
    ];
    const history = Array.from({ length: 30 }, (_, i) => parts.map((p) => wr({ sec: -80_000 + i * 900, payload: { sku: p.sku, unit_price: p.base * (1 + 0.03 * normal(rand)), currency: "EUR", sim_time: `d0 ${i}:00` } }))).flat();
    // 10x the cheap part is barely 2.6x the pooled median: only its own baseline sees it.
    const poisoned = wr({ payload: { sku: "A-100", unit_price: 125, currency: "EUR", sim_time: "d1 01:00" } });
    const fine = wr({ payload: { sku: "C-300", unit_price: 236, currency: "EUR", sim_time: "d1 01:00" } });
    const [f, ...rest] = semanticDeviation({ history, recent: [poisoned, fine] });
    expect(rest).toEqual([]);
    expect(f!.recordId).toBe(poisoned.recordId);
    expect(f!.params).toMatchObject({ segment: "sku=A-100", n: 30 });
    expect(f!.explanation).toMatch(/^unit_price 10(\.\d)?x the 24h median for sku A-100 \(n=30\)$/);
    // The same value judged with every part pooled would pass.
    const pooled = history.map((r) => ({ ...r, payload: { unit_price: (r.payload as { unit_price: number }).unit_price } }));
    expect(semanticDeviation({ history: pooled, recent: [wr({ payload: { unit_price: 125 } })] })).toEqual([]);
  });

  it("prefers a part's own young baseline (ratio bound only) to a looser pooled one", () => {
    // A portfolio trading AAA (100) often and CCC (20) rarely: ten CCC prices, fifty AAA ones.
    const rand = seeded(13);
    const aaa = Array.from({ length: 50 }, (_, i) => wr({ sec: -80_000 + i * 600, payload: { symbol: "AAA", side: "buy", price: 100 * (1 + 0.01 * normal(rand)) } }));
    const ccc = Array.from({ length: 10 }, (_, i) => wr({ sec: -79_000 + i * 3_000, payload: { symbol: "CCC", side: "buy", price: 20 * (1 + 0.01 * normal(rand)) } }));
    const history = [...aaa, ...ccc];
    // A usual CCC price is 0.2x the pooled median: not a deviation for CCC.
    expect(semanticDeviation({ history, recent: [wr({ payload: { symbol: "CCC", side: "buy", price: 19.4 } })] })).toEqual([]);
    // Twelve times CCC's price is still caught, by CCC's own ratio bound.
    const [f] = semanticDeviation({ history, recent: [wr({ payload: { symbol: "CCC", side: "buy", price: 250 } })] });
    expect(f!.params).toMatchObject({ segment: "symbol=CCC", n: 10, z: null });
    expect(f!.params.ratio as number).toBeGreaterThan(10);
  });

  it("a category still unlearned is out of bounds only beyond 10x every value the field held, not 10x its median", () => {
    // Order totals: A and B around 40 and 30, now and then a large one (120); then C, a bigger product, totals 450 each.
    const rand = seeded(23);
    const usual: Record<string, number> = { "A-100": 40, "B-200": 30 };
    const orders = ["A-100", "B-200", "A-100", "B-200"].flatMap((sku, k) =>
      Array.from({ length: 6 }, (_, i) => wr({ sec: -80_000 + k * 5_000 + i * 600, payload: { sku, total: i === 5 ? 120 : Math.round(usual[sku]! * (1 + 0.05 * normal(rand))) } })),
    );
    // 450 is over 10x the pool's median (about 40) but under 10x the largest total it held (120): C's first orders are not deviations.
    expect(semanticDeviation({ history: orders, recent: [wr({ payload: { sku: "C-300", total: 450 } })] })).toEqual([]);
    // Past 10x every total held, it is.
    const [f] = semanticDeviation({ history: orders, recent: [wr({ payload: { sku: "C-300", total: 1_500 } })] });
    expect(f!.params).toMatchObject({ segment: null, z: null, value: 1_500 });
    expect(f!.explanation).toMatch(/^total \d+(\.\d)?x the 24h median \(n=24; its category has too few values of its own: beyond 10x every value held, \d+ to 120\)$/);
    // A learned category is still judged against its own values.
    expect(semanticDeviation({ history: orders, recent: [wr({ payload: { sku: "A-100", total: 450 } })] })).toHaveLength(1);
  });

  it("a category still unlearned (under 8 values) is judged by the pooled baseline's hard bound only", () => {
    // An executor placing orders for SKUs whose usual sizes differ (A 40, B 30): then C's first order, 6.
    const rand = seeded(21);
    const sizes: Record<string, number> = { "A-100": 40, "B-200": 30 };
    const orders = ["A-100", "B-200", "A-100", "B-200", "A-100"].flatMap((sku, k) =>
      Array.from({ length: 5 }, (_, i) => wr({ sec: -80_000 + k * 5_000 + i * 600, payload: { sku, po: `PO-${k}-${i}`, qty: Math.round(sizes[sku]! * (1 + 0.05 * normal(rand))) } })),
    );
    const usualC = wr({ payload: { sku: "C-300", po: "PO-9-9", qty: 6 } });
    // The pool is A's and B's orders (median near 40): 6 is "0.15x the median" there, but C is not learned yet.
    expect(semanticDeviation({ history: orders, recent: [usualC] })).toEqual([]);
    // Without the category field the same number would be judged against the pool, and flagged.
    const pooled = orders.map((r) => ({ ...r, payload: { qty: (r.payload as { qty: number }).qty } }));
    expect(semanticDeviation({ history: pooled, recent: [wr({ payload: { qty: 6 } })] })).toHaveLength(1);
    // Past the hard bound, an unlearned category is still caught by the pool.
    const [f] = semanticDeviation({ history: orders, recent: [wr({ payload: { sku: "C-300", po: "PO-9-8", qty: 900 } })] });
    expect(f!.params).toMatchObject({ segment: null, z: null });
    expect(f!.params.ratio as number).toBeGreaterThan(10);
    // A PO number is an identifier, not a category: every value is new, and it never holds judgement back.
    expect(new ValueBaselines().unlearnedSegment("g", "po=PO-1", 8)).toBe(false);
    const b = ValueBaselines.of(orders);
    expect(b.unlearnedSegment(groupKey(orders[0]!.agent, "quote.request", "qty"), "po=PO-9-9", 8)).toBe(false);
    expect(b.unlearnedSegment(groupKey(orders[0]!.agent, "quote.request", "qty"), "sku=C-300", 8)).toBe(true);
    expect(b.unlearnedSegment(groupKey(orders[0]!.agent, "quote.request", "qty"), "sku=A-100", 8)).toBe(false);
  });

  it("splits baselines only by short token-like strings at the top of the payload", () => {
    expect(segmentsOf({ sku: "A-100", note: "two words", qty: 3, long: "x".repeat(65), nested: { a: "b" }, empty: "" })).toEqual(["sku=A-100"]);
    expect(segmentsOf([1, 2])).toEqual([]);
    expect(segmentsOf("text")).toEqual([]);
    expect(segmentsOf(null)).toEqual([]);
    expect(segmentsOf(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"])))).toHaveLength(8);
  });

  it("falls back to the mean absolute deviation when the MAD is 0", () => {
    const history = [...Array.from({ length: 30 }, () => wr({ payload: { qty: 10 } })), ...[5, 8, 12, 15, 20, 3, 9, 11, 14, 30].map((q) => wr({ payload: { qty: q } }))];
    const [f] = semanticDeviation({ history, recent: [wr({ payload: { qty: 40 } })] });
    expect(f!.params).toMatchObject({ spread: "mean_absolute_deviation", median: 10 });
    expect(f!.explanation).toBe("qty 4x the 24h median (n=40)");
  });

  it("judges a baseline that never varied by the ratio alone", () => {
    const constant = (v: number) => Array.from({ length: 40 }, () => wr({ payload: { qty: v } }));
    expect(semanticDeviation({ history: constant(10), recent: [wr({ payload: { qty: 10 } }), wr({ payload: { qty: 11 } })] })).toEqual([]);
    const [f] = semanticDeviation({ history: constant(10), recent: [wr({ payload: { qty: 30 } })] });
    expect(f!.explanation).toBe("qty 3x the 24h median (n=40, which never varied)");
    expect(f!.params.z).toBeNull();
    const [zero] = semanticDeviation({ history: constant(0), recent: [wr({ payload: { qty: 5 } })] });
    expect(zero!.explanation).toBe("qty 5 against the 24h median of 0 (n=40, which never varied)");
  });

  it("keeps one baseline per agent, intent and field path", () => {
    const history = prices(100, 12.5, 0.1);
    expect(semanticDeviation({ history, recent: [wr({ agent: "other", payload: { unit_price: 500 } })] })).toEqual([]);
    expect(semanticDeviation({ history, recent: [wr({ intent: "quote.final", payload: { unit_price: 500 } })] })).toEqual([]);
    expect(semanticDeviation({ history, recent: [wr({ payload: { price: 500 } })] })).toEqual([]);
  });

  it("reads nested fields and lists, and reports the worst value of a list", () => {
    const history = Array.from({ length: 60 }, (_, i) => wr({ payload: { items: [{ qty: 2 + (i % 3) }, { qty: 3 }] } }));
    const [f] = semanticDeviation({ history, recent: [wr({ payload: { items: [{ qty: 3 }, { qty: 90 }, { qty: 40 }] } })] });
    expect(f!.subject).toBe("quote.request items[].qty");
    expect(f!.params.value).toBe(90);
  });

  it("handles negative amounts on the same log scale", () => {
    const history = prices(100, 10, 0.1).map((r) => ({ ...r, payload: { refund: -(r.payload as { unit_price: number }).unit_price } }));
    const [f] = semanticDeviation({ history, recent: [wr({ payload: { refund: -200 } })] });
    expect(f!.explanation).toBe("refund 20x the 24h median (n=100)");
  });

  it("survives empty windows, missing payloads, huge and non-finite numbers and duplicate records", () => {
    expect(semanticDeviation({ history: [], recent: [] })).toEqual([]);
    expect(semanticDeviation({ history: prices(50, 1, 0.1), recent: [wr({ payload: undefined }), wr({ payload: "text" }), wr({ payload: null })] })).toEqual([]);
    const huge = Array.from({ length: 40 }, (_, i) => wr({ payload: { x: 1e300 * (1 + i / 100) } }));
    expect(semanticDeviation({ history: huge, recent: [wr({ payload: { x: 1.1e300 } })] })).toEqual([]);
    expect(semanticDeviation({ history: huge, recent: [wr({ payload: { x: 1.7e308 } })] })).toHaveLength(1);
    expect(semanticDeviation({ history: huge, recent: [wr({ payload: { x: Number.POSITIVE_INFINITY } }), wr({ payload: { x: Number.NaN } })] })).toEqual([]);
    const one = prices(6, 12.5, 0.1);
    const repeated = [...one, ...one, ...one];
    expect(semanticDeviation({ history: repeated, recent: [wr({ payload: { unit_price: 1000 } })] })).toEqual([]);
    const odd = wr({ payload: { unit_price: 1000 } });
    expect(semanticDeviation({ history: [...prices(40, 12.5, 0.1), odd], recent: [odd, odd] })).toHaveLength(1);
  });

  it("explains against the baseline length it was given", () => {
    const [f] = semanticDeviation({ history: prices(100, 12.5, 0.1), recent: [wr({ payload: { unit_price: 250 } })] }, { baselineMs: 3_600_000 });
    expect(f!.explanation).toBe("unit_price 20x the 1h median (n=100)");
  });
});

describe("robust statistics", () => {
  it("median of odd, even, empty and non-finite input", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN, 1, Number.POSITIVE_INFINITY, 3])).toBe(2);
  });

  it("MAD, mean absolute deviation and the modified z-score", () => {
    expect(mad([1, 2, 3, 4, 100], 3)).toBe(1);
    expect(meanAbsoluteDeviation([1, 3], 2)).toBe(1);
    expect(meanAbsoluteDeviation([], 2)).toBeNaN();
    expect(modifiedZ(100, [1, 2, 3, 4, 100])).toEqual({ z: 0.6745 * 97, spread: "mad" });
    expect(modifiedZ(5, [1, 1, 1, 1, 3]).spread).toBe("mean_absolute_deviation");
    expect(modifiedZ(5, [1, 1, 1])).toEqual({ z: null, spread: "none" });
  });

  it("signed log keeps sign and zero", () => {
    expect(signedLog(0)).toBe(0);
    expect(signedLog(-9)).toBe(-signedLog(9));
    expect(signedLog(Math.E - 1)).toBeCloseTo(1);
  });
});

describe("numeric fields", () => {
  it("finds numeric leaves by path, folding list positions", () => {
    expect(Object.fromEntries(numericFields({ a: 1, b: { c: [1, 2, { d: 3 }] }, s: "7", t: true, n: null }))).toEqual({ a: [1], "b.c[]": [1, 2], "b.c[].d": [3] });
    expect(Object.fromEntries(numericFields(5))).toEqual({ "": [5] });
    expect(numericFields(undefined).size).toBe(0);
  });

  it("bounds depth and leaves, and skips non-finite numbers", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { x: deep };
    expect(numericFields(deep).size).toBe(0);
    expect([...numericFields(Array.from({ length: 10_000 }, (_, i) => i)).values()][0]).toHaveLength(256);
    expect(numericFields({ a: Number.NaN, b: Number.NEGATIVE_INFINITY }).size).toBe(0);
  });
});

describe("words", () => {
  it("formats numbers and durations", () => {
    expect([fmt(10.3), fmt(0.0432), fmt(1204), fmt(3.1e9), fmt(1e-5), fmt(28800), fmt(Number.NaN)]).toEqual(["10.3", "0.0432", "1,204", "3.1e+9", "1e-5", "28,800", "NaN"]);
    expect([duration(86_400_000), duration(60_000), duration(5_400_000), duration(10_000), duration(1500)]).toEqual(["24h", "60s", "90min", "10s", "1.5s"]);
  });
});

void T0;
