// Where a feedback loop entered, as a change point (ADR 0046): of the vote's
// round and the two after it, the one that splits the loop's series into
// noise before and compounding growth after with the least pooled residual.
import { describe, expect, it } from "vitest";
import { loopEntry } from "@/lib/engine/detectors/loop-entry.ts";

const ROUND = 300_000;
const HALF = ROUND / 2;
const WINDOW = 7_200_000;
/** One value a round, the first at round 0, each series' writer a second after the one before. */
const series = (values: number[], offset = 0) => ({ at: values.map((_, k) => k * ROUND + offset * 1_000), values });
const NOISE = [0.012, -0.008, 0.004, -0.011, 0.009, -0.003, 0.006, -0.01, 0.002, -0.006];

describe("loopEntry", () => {
  it("moves the entry past a round in which the series rose by a usual amount by chance", () => {
    // The vote's round is 10: every series rose there, by a noise-sized step
    // (one or two deviations), well short of the -0.01 the growth traced back
    // from rounds 11 on puts the loop at in round 10.
    const loop = [
      series([...NOISE, -0.006, -0.03, -0.078, -0.2, -0.52, -1.35], 0),
      series([...NOISE.map((v) => -v), -0.004, -0.034, -0.09, -0.23, -0.6, -1.6], 1),
      series([...NOISE.map((v) => v / 2), -0.005, -0.04, -0.11, -0.29, -0.76, -2], 2),
    ];
    const entry = loopEntry(loop, 10 * ROUND, HALF, WINDOW)!;
    expect(entry.round).toBe(11 * ROUND);
    expect(entry.moved).toBe(1);
    expect(entry.series).toBe(3);
    expect(entry.cost).toBeLessThan(entry.votedCost);
  });

  it("keeps a first amplified round whose values are noise-sized when the growth traced back says the loop was that small", () => {
    // Growth x2.6 a round from round 10, its first values at a deviation or less.
    const loop = [
      series([...NOISE, 0.006, 0.016, 0.041, 0.107, 0.28, 0.72], 0),
      series([...NOISE.map((v) => -v), 0.005, 0.013, 0.034, 0.088, 0.23, 0.6], 1),
      series([...NOISE.map((v) => v / 2), 0.004, 0.011, 0.029, 0.075, 0.19, 0.5], 2),
    ];
    const entry = loopEntry(loop, 10 * ROUND, HALF, WINDOW)!;
    expect(entry.round).toBe(10 * ROUND);
    expect(entry.moved).toBe(0);
  });

  it("moves an order loop past two SKUs' chance rise: 3 -> 5 is noise next to the 14 that follows", () => {
    const loop = [
      series([3, 5, 4, 5, 7, 4, 3, 6, 4, 5, 3, 5, 14, 22, 35, 56, 90].map(Number), 0),
      series([4, 3, 8, 4, 5, 8, 5, 6, 3, 6, 3, 6, 18, 29, 46, 74, 118], 1),
    ].map((s) => ({ ...s, at: s.at.map((t) => t * 3) }));
    // Rounds of 15 minutes; the vote's round is 11 (both rose there).
    const entry = loopEntry(loop, 11 * 3 * ROUND, 3 * HALF, WINDOW)!;
    expect(entry.round).toBe(12 * 3 * ROUND);
  });

  it("never moves before the vote's round, nor further than two rounds after it", () => {
    // The loop's growth traced back would fit round 9's values too: the vote's round 10 stands.
    const early = [series([...NOISE.slice(0, 9), 0.004, 0.011, 0.029, 0.075, 0.19, 0.5, 1.3], 0), series([...NOISE.slice(0, 9), 0.005, 0.013, 0.034, 0.088, 0.23, 0.6, 1.6], 1)];
    expect(loopEntry(early, 10 * ROUND, HALF, WINDOW)!.round).toBe(10 * ROUND);
    // Flat for three rounds after the vote: at most two rounds later.
    const late = [series([...NOISE, 0.001, -0.002, 0.001, 0.3, 0.8, 2.1, 5.5], 0), series([...NOISE, -0.001, 0.002, -0.001, 0.35, 0.9, 2.4, 6.2], 1)];
    expect(loopEntry(late, 10 * ROUND, HALF, WINDOW)!.moved).toBe(2);
  });

  it("cannot place the entry without a level before the vote's round or a growth to trace after it", () => {
    // Two values before the vote's round: no level.
    expect(loopEntry([series([0.01, -0.01, 0.006, 0.016, 0.041, 0.107, 0.28])], 2 * ROUND, HALF, WINDOW)).toBeNull();
    // One grown value after it: no growth to trace.
    expect(loopEntry([series([...NOISE, 0.006, 0.016, 0.02])], 10 * ROUND, HALF, WINDOW)).toBeNull();
    // The vote's round holds no record (its records aged out: a rise dated into the hole): the vote stands.
    const holed = series([...NOISE, 0.006, 0.016, 0.041, 0.107, 0.28]);
    const gone = { at: holed.at.filter((_, k) => k !== 10), values: holed.values.filter((_, k) => k !== 10) };
    expect(loopEntry([gone], 10 * ROUND, HALF, WINDOW)).toBeNull();
    // Rounds without a time between them.
    expect(loopEntry([series([...NOISE, 0.006, 0.016, 0.041, 0.107])], 10 * ROUND, 0, WINDOW)).toBeNull();
  });
});
