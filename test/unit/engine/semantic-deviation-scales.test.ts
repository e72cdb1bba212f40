// semantic_deviation's z-score speaks only where the plain scale agrees, and
// every finding stores the rule that fired. The small-trade case is the one
// the chaos runs flagged on clean records (trading's place_trade qty and
// notional, 0.3x to 0.45x their median: log z -3.5 to -3.9, plain z -2.3 to
// -2.5); the faults of that shape (a value far below a tight baseline, or
// far above any baseline) are still flagged.
import { beforeEach, describe, expect, it } from "vitest";
import { semanticDeviation } from "@/lib/engine/detectors/semantic-deviation.ts";
import { normal, seeded } from "./seeded.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

/**
 * A trade quantity as trading's portfolio places it: a multiple of a view
 * near zero (|view| x 1000, ideas under 10 never sent), so half-normal on the
 * plain scale, not log-normal: its log has a long low tail. Here 10 to 88, median 36.
 */
function quantities(n: number, seed = 11): number[] {
  const rand = seeded(seed);
  const out: number[] = [];
  while (out.length < n) {
    const q = Math.round(Math.abs(normal(rand)) * 40);
    if (q >= 8) out.push(q);
  }
  return out;
}

const trades = (values: readonly number[]) => values.map((qty, i) => wr({ sec: -80_000 + i * 300, kind: "action", intent: "place_trade", agent: "portfolio", payload: { qty } }));
const trade = (qty: number) => wr({ recordId: `judged-${qty}`, kind: "action", intent: "place_trade", agent: "portfolio", payload: { qty } });

describe("semantic deviation on two scales", () => {
  const history = trades(quantities(40));
  const values = quantities(40);
  const sorted = [...values].sort((a, b) => a - b);
  const median = (sorted[19]! + sorted[20]!) / 2;

  it("a small trade below every one held is not a deviation when the plain scale sees nothing unusual", () => {
    // Below anything held, and past 1.5x down: the log scale alone would call it a deviation.
    const small = 6;
    expect(small).toBeLessThan(sorted[0]!);
    expect(small / median).toBeLessThan(1 / 1.5);
    const odd = trade(small);
    expect(semanticDeviation({ history, recent: [odd] })).toEqual([]);
    // What the log scale says, and the plain scale: the reason it is left alone.
    const loose = semanticDeviation({ history, recent: [odd] }, { zThreshold: 1.0 });
    expect(loose).toHaveLength(1);
    expect(loose[0]!.params.rule).toBe("z_score");
    expect(loose[0]!.params.z as number).toBeLessThan(-3.5);
    expect(Math.abs(loose[0]!.params.linearZ as number)).toBeLessThan(3.5);
  });

  it("a trade far above the usual ones is still flagged by the z-score, both scales agreeing, with its rule", () => {
    const big = sorted[39]! * 2;
    const [f, ...rest] = semanticDeviation({ history, recent: [trade(big)] });
    expect(rest).toEqual([]);
    expect(f!.params).toMatchObject({ rule: "z_score", value: big, n: 40 });
    expect(f!.params.z as number).toBeGreaterThan(3.5);
    expect(f!.params.linearZ as number).toBeGreaterThan(3.5);
  });

  it("a poisoned quantity ten times the median is flagged by the hard bound", () => {
    const [f] = semanticDeviation({ history, recent: [trade(Math.round(median * 12))] });
    expect(f!.params.rule).toBe("ratio_bound");
  });

  it("a value far below a tight baseline is still flagged (both scales agree)", () => {
    const rand = seeded(3);
    const prices = Array.from({ length: 60 }, (_, i) => wr({ sec: -80_000 + i, payload: { unit_price: 12.5 * Math.exp(normal(rand) * 0.05) } }));
    const [f] = semanticDeviation({ history: prices, recent: [wr({ payload: { unit_price: 6 } })] });
    expect(f!.params.rule).toBe("z_score");
    expect(f!.params.linearZ as number).toBeLessThan(-3.5);
  });

  it("stores which rule fired: near zero, an unlearned category, a baseline that never varied", () => {
    // Views around zero: judged against the largest magnitude held.
    const rand = seeded(5);
    const views = Array.from({ length: 60 }, (_, i) => wr({ sec: -80_000 + i, intent: "rec", payload: { value: Number((normal(rand) * 0.01).toFixed(4)) } }));
    const [near] = semanticDeviation({ history: views, recent: [wr({ intent: "rec", payload: { value: 0.9 } })] });
    expect(near!.params.rule).toBe("magnitude_bound");
    // A category with too few values of its own, judged against every value the pool held.
    const pool = ["A", "B"].flatMap((sku, k) => Array.from({ length: 10 }, (_, i) => wr({ sec: -80_000 + k * 100 + i, payload: { sku, total: 100 + i } })));
    const young = [0, 1].map((i) => wr({ sec: -70_000 + i, payload: { sku: "C", total: 100 } }));
    const [pooled] = semanticDeviation({ history: [...pool, ...young], recent: [wr({ payload: { sku: "C", total: 5_000 } })] });
    expect(pooled!.params.rule).toBe("pooled_bound");
    // Always 4, now 7.
    const flat = Array.from({ length: 25 }, (_, i) => wr({ sec: -80_000 + i, payload: { n: 4, tag: "x y" } }));
    const [broken] = semanticDeviation({ history: flat, recent: [wr({ payload: { n: 7, tag: "x y" } })] });
    expect(broken!.params.rule).toBe("constant_broken");
  });
});
