// Where a feedback loop entered, told by records that were what they read
// (ADR 0054).
//
// Many agents' numbers are a fixed function of the state they read: an order
// sized to restock the books to a target is the target less what is on hand.
// A shared fall in stock makes every such order rise at once, a round before
// any loop, and the loop's growth traced back lies on that rise as well as on
// its first round (ADR 0046): the orders' values alone cannot tell them
// apart. What each order was made of can. Fitted over the usual range (a
// least-squares line through the numbers each record read of shared state),
// the clean orders are what they read, to their rounding; the loop's first
// order is not: its last order read back came in on top.
//
// So, per rising series whose usual values the numbers they read explain
// (nearly all their variation, with degrees of freedom to spare), each
// candidate round's value is compared with what a fit of the values before
// it makes of what it read. A series departs from the first round its
// values leave the fit and stay off it. The entry is the earliest round by which half the departing
// series have departed. Series that never depart (a copy of an upstream
// number: a placed order's quantity) say nothing; a series whose numbers
// have a part the reads do not hold (a market's move) is not explained well
// enough to be asked, and the siblings (ADR 0050) or the change point judge.
import { Matrix, SingularValueDecomposition } from "ml-matrix";

export interface ReadFitSeries {
  at: readonly number[];
  values: readonly number[];
  /** Per value, the numbers its record read of shared state (feature name to value); null where unknown. */
  read: readonly (ReadonlyMap<string, number> | null)[];
}

export interface ReadFitEntry {
  /** The first round of the loop: the earliest record time of that round. */
  round: number;
  /** Candidate rounds before it (0: the first candidate). */
  moved: number;
  /** Series the reads explained before the candidates, and of them, those that departed. */
  fitted: number;
  departed: number;
}

/** The reads explain a series when its usual values' residual variance is at most this share of their variance. */
const UNEXPLAINED = 0.01;
/** Degrees of freedom a fit keeps beyond its coefficients. */
const FREE = 3;
/** A value leaves the fit by this many of the fit's residual deviations (or of its rounding's). */
const DEPART = 3;

/**
 * The loop's entry among `rounds` (candidate round starts, in order, each
 * `half` either side at most), told by where series the numbers they read
 * explain (in the `windowMs` before each round) left that fit; null where
 * none of them did. Pure.
 */
export function entryByReadFit(series: readonly ReadFitSeries[], rounds: readonly number[], half: number, windowMs: number): ReadFitEntry | null {
  if (rounds.length < 2) return null;
  const first = rounds[0]!;
  const end = rounds[rounds.length - 1]! + half;
  const roundOf = (t: number): number => {
    if (t < first || t >= end) return -1;
    let c = 0;
    while (c + 1 < rounds.length && rounds[c + 1]! <= t) c++;
    return c;
  };
  let fitted = 0;
  const departures: number[] = [];
  for (const s of series) {
    // Per candidate round, the index of its value (the last, where a round holds several) with reads known.
    const at: number[] = Array.from({ length: rounds.length }, () => -1);
    for (let i = 0; i < s.values.length; i++) {
      const c = roundOf(s.at[i]!);
      if (c >= 0 && s.read[i]) at[c] = i;
    }
    // Each round is judged against the fit of every value before it (the
    // rounds before that stayed on it included): a later pass, whose window
    // holds less before the candidates, still has the rounds the loop had
    // not entered. It departed at the first round off its fit, if it never
    // came back to that fit.
    let fit: Fit | null = null;
    let from = -1;
    let explained = false;
    for (let c = 0; c < rounds.length; c++) {
      const i = at[c]!;
      if (i < 0) continue;
      if (from < 0) {
        fit = usualFit(s, rounds[c]! - windowMs, rounds[c]! - half, first - half);
        if (!fit) continue;
        explained = true;
        if (departs(s, i, fit) === true) from = c;
      } else if (departs(s, i, fit!) === false) {
        from = -1;
        break;
      }
    }
    if (explained) fitted++;
    if (from >= 0) departures.push(from);
  }
  if (departures.length === 0) return null;
  departures.sort((a, b) => a - b);
  const entry = departures[Math.ceil(departures.length / 2) - 1]!;
  return { round: rounds[entry]!, moved: entry, fitted, departed: departures.length };
}

/** Whether the value at `i` is off what `fit` makes of its reads; null where its reads lack a number the fit weighs. */
function departs(s: ReadFitSeries, i: number, fit: Fit): boolean | null {
  const predicted = fit.predict(s.read[i]!);
  return predicted === null ? null : Math.abs(s.values[i]! - predicted) > DEPART * fit.deviation;
}

interface Fit {
  /** What the fit makes of a record's reads; null where it lacks one the fit weighs. */
  predict(read: ReadonlyMap<string, number>): number | null;
  /** The residual deviation, at least the values' rounding's. */
  deviation: number;
}

/**
 * A least-squares fit of a series' values in [from, to) on the numbers their
 * records read that varied there and went down at least once (a counter or a
 * clock read is time, not a cause), with an intercept; null where too few
 * values, or where the reads do not explain them: all of them, and those
 * before `candidates` (the first candidate round) on their own. A fit that
 * takes in candidate rounds of a loop whose values the reads do not fix (a
 * view, the market's part in it) explains their growth and nothing before
 * it: the large values carry the variance.
 */
function usualFit(s: ReadFitSeries, from: number, to: number, candidates: number): Fit | null {
  const idx: number[] = [];
  for (let i = 0; i < s.values.length; i++) if (s.at[i]! >= from && s.at[i]! < to && s.read[i]) idx.push(i);
  if (idx.length === 0) return null;
  const names = [...s.read[idx[0]!]!.keys()].filter((k) => idx.every((i) => s.read[i]!.has(k)) && varies(idx.map((i) => s.read[i]!.get(k)!)));
  if (names.length === 0 || idx.length < names.length + 1 + FREE) return null;
  const y = idx.map((i) => s.values[i]!);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (!(total > 0)) return null;
  const rows = idx.map((i) => [1, ...names.map((k) => s.read[i]!.get(k)!)]);
  const beta = new SingularValueDecomposition(new Matrix(rows), { autoTranspose: true }).solve(Matrix.columnVector(y)).to1DArray();
  const predictRow = (row: readonly number[]) => row.reduce((a, x, j) => a + x * beta[j]!, 0);
  const residual = rows.reduce((a, row, r) => a + (y[r]! - predictRow(row)) ** 2, 0);
  if (residual > UNEXPLAINED * total) return null;
  const before = rows.flatMap((row, r) => (s.at[idx[r]!]! < candidates ? [[y[r]!, predictRow(row)] as const] : []));
  const beforeMean = before.reduce((a, [v]) => a + v, 0) / before.length;
  const beforeTotal = before.reduce((a, [v]) => a + (v - beforeMean) ** 2, 0);
  const beforeResidual = before.reduce((a, [v, fitted]) => a + (v - fitted) ** 2, 0);
  if (before.length < 2 || !(beforeTotal > 0) || beforeResidual > UNEXPLAINED * beforeTotal) return null;
  const deviation = Math.max(Math.sqrt(residual / (idx.length - names.length - 1)), rounding(y) / Math.sqrt(12));
  return {
    deviation,
    predict(read) {
      const row = [1];
      for (const k of names) {
        const v = read.get(k);
        if (v === undefined) return null;
        row.push(v);
      }
      return predictRow(row);
    },
  };
}

/** Whether a read number varied and went down at least once. */
function varies(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[i - 1]!) return true;
  return false;
}

/** The step the values are rounded to: the largest power of ten (at most 1) they are all multiples of. */
function rounding(values: readonly number[]): number {
  for (let step = 1; step >= 1e-9; step /= 10) if (values.every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-6)) return step;
  return 0;
}
