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

describe("loopEntry, series judged by what they read back (ADR 0048)", () => {
  // Trading's views with seed s5 (`npm run chaos:loops`), rounds 0 to 29, the
  // gain from round 24: the market's momentum carried every view down for
  // two rounds before it (trader-1: -0.0054, -0.0126, then -0.0326).
  const S5 = [
    [0.0078, 0.0343, 0.0327, 0.0268, 0.0174, 0.019, 0.0193, 0.0325, 0.0216, -0.0143, -0.0305, -0.0241, -0.0147, -0.0241, -0.0071, 0.0027, -0.0044, -0.0016, 0.004, 0.0077, 0.0093, -0.0054, -0.0054, -0.0126, -0.0326, -0.0584, -0.1482, -0.339, -0.8656, -2.263],
    [0.0057, 0.019, 0.0201, 0.0249, 0.009, 0.0031, 0.0122, 0.0312, 0.0218, 0.0263, -0.0022, -0.023, -0.0049, -0.0117, -0.0084, 0.0067, 0.0136, 0.0168, 0.0039, 0, 0.0063, 0.0044, -0.0127, -0.023, -0.043, -0.0794, -0.1647, -0.4168, -1.0922, -2.8757],
    [0.0115, 0.0199, 0.0182, 0.0049, 0.0052, -0.0028, -0.0206, -0.0198, -0.0166, -0.0268, -0.0381, -0.0378, -0.0315, -0.0092, -0.0104, 0.0019, 0.001, 0.0005, -0.0008, -0.0239, -0.0139, -0.0125, -0.0085, -0.0087, -0.0174, -0.0723, -0.1952, -0.535, -1.3888, -3.6675],
    [0.0103, 0.0389, 0.032, 0.0255, 0.0151, 0.018, 0.0186, 0.0359, 0.0196, -0.0183, -0.0357, -0.025, -0.0112, -0.0238, -0.0052, 0.0062, -0.0049, -0.001, 0.0031, 0.0055, 0.0113, -0.0071, -0.0066, -0.0142, -0.0577, -0.1075, -0.281, -0.6856, -1.7772, -4.6886],
  ];
  /** What each view read back, as the simulator's traders read: the mean of the peers' latest views (this round's for those before it). */
  const readBack = (views: number[][]) =>
    views.map((_, t) =>
      views[t]!.map((_, k) => {
        const seen = views.flatMap((peer, o) => (o === t ? [] : o < t ? [peer[k]!] : k > 0 ? [peer[k - 1]!] : []));
        return seen.length === 0 ? null : seen.reduce((a, b) => a + b, 0) / seen.length;
      }),
    );
  const loop = (views: number[][], withReadBack: boolean) => {
    const rb = readBack(views);
    return views.map((v, t) => ({ ...series(v, t), ...(withReadBack ? { readBack: rb[t]! } : {}) }));
  };

  it("moves past rounds the market's momentum carried towards the loop's side: they owe their size to the series' own values, not to what they read", () => {
    const entry = loopEntry(loop(S5, true), 23 * ROUND, HALF, WINDOW)!;
    expect(entry.round).toBe(24 * ROUND);
    expect(entry.moved).toBe(1);
    expect(entry.readBack).toBe(4);
    expect(entry.unread).toBe(0);
    // By values alone (ADR 0046) the drift lies on the growth traced back: the vote stands.
    expect(loopEntry(loop(S5, false), 23 * ROUND, HALF, WINDOW)!.round).toBe(23 * ROUND);
  });

  it("keeps the loop's first round when the vote is right", () => {
    const entry = loopEntry(loop(S5, true), 24 * ROUND, HALF, WINDOW)!;
    expect(entry.round).toBe(24 * ROUND);
    expect(entry.moved).toBe(0);
  });

  it("weighs as many candidate rounds as it is asked to", () => {
    // Asked from round 23: two rounds reach the loop's first; one round is no choice (null).
    expect(loopEntry(loop(S5, true), 23 * ROUND, HALF, WINDOW, 2)!.round).toBe(24 * ROUND);
    expect(loopEntry(loop(S5, true), 23 * ROUND, HALF, WINDOW, 1)).toBeNull();
    // Asked from round 21, the drift's rounds 22 and 23 are the series' own values carried
    // forward as well as round 21's: the split takes the earliest, how far a drift is told
    // from the loop is limited (ADR 0048, Consequences).
    expect(loopEntry(loop(S5, true), 21 * ROUND, HALF, WINDOW, 4)!.round).toBe(21 * ROUND);
  });

  it("says so when the window lacks what a series read: its peers' older records cut, or a read in the rounds in question", () => {
    const without = (t: number, gone: (k: number) => boolean) => loop(S5, true).map((s, i) => (i === t ? { ...s, readBack: s.readBack!.map((r, k) => (gone(k) ? null : r)) } : s));
    // trader-3's views held from round 0, what they read only from round 12 (the peers' records before cut).
    expect(loopEntry(without(2, (k) => k < 12), 23 * ROUND, HALF, WINDOW)!.unread).toBe(1);
    // What trader-3 read in the vote's round not held.
    expect(loopEntry(without(2, (k) => k === 23), 23 * ROUND, HALF, WINDOW)!.unread).toBe(1);
    // The run's first round read nothing (trader-1 read before anybody wrote): not a lack.
    expect(loopEntry(loop(S5, true), 23 * ROUND, HALF, WINDOW)!.unread).toBe(0);
    expect(loop(S5, true)[0]!.readBack![0]).toBeNull();
  });
});
