// Where a feedback loop entered, as a change point (ADR 0046).
//
// The vote of the loop's rising series (loopOnset) is a round early where
// most of them rose by chance the round before the loop: a market move that
// carried the traders' views a hair across zero, two SKUs' orders up by one
// or two units. The question is which of the vote's round and the two after
// it is the loop's first, and each series answers it with its values there:
// before the loop a value is noise around the series' level; from the loop
// on it is the loop's value, which two things predict: the series' clearly
// grown values traced back (a straight line in log scale: compounding
// growth), and the round before amplified by that growth (the loop
// multiplies what went round last). The entry is the round that splits every
// series' values in those rounds into noise before and loop after with the
// least pooled residual (segmented least squares; both segments' parameters
// are fitted outside those rounds, so only the split is chosen). A chance
// rise of a usual size, short of where the growth traced back puts the
// loop's value, or not the round before amplified, is explained as noise; a
// first amplified value a hair from the level is explained as the loop when
// the growth traced back says the loop was that small then.
//
// Residuals are in units of the series' own noise (its standard deviation
// before the rounds in question), through asinh: linear for noise-sized
// values (either side of zero: a view amplified from noise often starts on
// the other side), logarithmic for grown ones, so one series' hundredfold
// value does not outweigh the others' rounds.

/** A rising series of the loop: its record times and values, in time order. */
export interface EntrySeries {
  at: readonly number[];
  values: readonly number[];
}

export interface LoopEntry {
  /** The first round of the loop: the earliest record time of that round. */
  round: number;
  /** Rounds later than the vote's (0: the vote stands). */
  moved: number;
  /** Series that took part (with a level before and a growth to trace). */
  series: number;
  /** The pooled residual at the chosen round, and at the vote's. */
  cost: number;
  votedCost: number;
  /** Per series (as given), the indices of its values from the chosen round on that the loop explains better than noise. */
  loop: ReadonlySet<number>[];
}

/** Values this many noise deviations beyond the level are the loop's growth, and fit its trend. */
const GROWN = 3;

/**
 * The round the loop entered, among the vote's round (`voted`: a time in it)
 * and the two after it: rounds are clusters of the series' record times,
 * records `half` or less apart. Null when no series can take part (fewer
 * than 3 values before the vote's round, or fewer than 2 values `GROWN`
 * deviations out after it to trace the growth by). Pure, for tests.
 */
export function loopEntry(series: readonly EntrySeries[], voted: number, half: number, windowMs: number): LoopEntry | null {
  const gap = 2 * half;
  if (!(gap > 0)) return null;
  // The candidate rounds, and the round before them (the amplified one's input).
  const times: number[] = [];
  for (const s of series) for (const t of s.at) if (t >= voted - gap - half && t <= voted + 2 * gap + half) times.push(t);
  times.sort((a, b) => a - b);
  const rounds: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === 0 || times[i]! - times[i - 1]! > half) rounds.push(times[i]!);
  // The vote's round is the one holding its time.
  let v = -1;
  for (let c = 0; c < rounds.length; c++) if (rounds[c]! <= voted) v = c;
  if (v < 0 || rounds.length - v < 2) return null;
  const first = rounds[v]!;
  const last = rounds[rounds.length - 1]!;
  const roundOf = (t: number): number => {
    for (let c = rounds.length - 1; c >= 0; c--) if (t >= rounds[c]!) return c;
    return -1;
  };
  const fits = series.map((s) => levelAndGrowth(s, first, gap, windowMs));
  // Each round's values pooled over the series, each in its noise units on its growth's side.
  const sums = rounds.map(() => ({ sum: 0, n: 0 }));
  series.forEach((s, k) => {
    const fit = fits[k];
    if (fit) for (let i = 0; i < s.at.length; i++) if (s.at[i]! >= rounds[0]! && s.at[i]! <= last + half) {
      const c = roundOf(s.at[i]!);
      sums[c]!.sum += (fit.sign * s.values[i]!) / fit.noise;
      sums[c]!.n++;
    }
  });
  const cost = rounds.map(() => 0);
  const loopBetter: { k: number; i: number; c: number }[] = [];
  let taking = 0;
  series.forEach((s, k) => {
    const fit = fits[k];
    if (!fit) return;
    taking++;
    for (let i = 0; i < s.at.length; i++) {
      const t = s.at[i]!;
      if (t < first || t > last + half) continue;
      const c = roundOf(t);
      const x = Math.asinh((fit.sign * (s.values[i]! - fit.level)) / fit.noise);
      const traced = x - Math.asinh(Math.exp(fit.a + (fit.b * (t - first)) / gap));
      const prev = sums[c - 1] ?? { sum: 0, n: 0 };
      const amplified = prev.n === 0 ? traced : x - Math.asinh(Math.exp(fit.b) * (prev.sum / prev.n) - (fit.sign * fit.level) / fit.noise);
      const asLoop = (traced * traced + amplified * amplified) / 2;
      const asNoise = x * x;
      if (asLoop < asNoise) loopBetter.push({ k, i, c });
      for (let r = v; r < rounds.length; r++) cost[r]! += c >= r ? asLoop : asNoise;
    }
  });
  if (taking === 0) return null;
  // The least cost wins, the vote on a tie.
  let best = v;
  for (let r = v; r < rounds.length; r++) if (cost[r]! < cost[best]! - 1e-9) best = r;
  const loop = series.map(() => new Set<number>());
  for (const b of loopBetter) if (b.c >= best) loop[b.k]!.add(b.i);
  return { round: rounds[best]!, moved: best - v, series: taking, cost: cost[best]!, votedCost: cost[v]!, loop };
}

/**
 * A series' level and noise before `from` (its values in the `windowMs`
 * before, at least 3), the growth's side of zero (its latest value's), and
 * its growth traced as ln(deviation / noise) = a + b * rounds since `from`,
 * fitted by least squares to its values from the round after `from` that
 * are `GROWN` deviations out (at least 2, rising: b > 0). Null when it has
 * not these.
 */
function levelAndGrowth(s: EntrySeries, from: number, gap: number, windowMs: number): { sign: number; level: number; noise: number; a: number; b: number } | null {
  const n = s.values.length;
  const sign = Math.sign(s.values[n - 1] ?? 0);
  if (sign === 0) return null;
  let count = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n && s.at[i]! < from; i++) {
    if (s.at[i]! < from - windowMs) continue;
    count++;
    sum += s.values[i]!;
    sq += s.values[i]! * s.values[i]!;
  }
  if (count < 3) return null;
  const level = sum / count;
  const spread = Math.sqrt(Math.max(0, sq / count - level * level));
  // A series that held one value (a setting, a constant order) has no noise
  // to measure: a millionth of its level stands in, so any move is the loop's.
  const noise = spread > 0 ? spread : Math.max(Math.abs(level) * 1e-6, Number.MIN_VALUE);
  let k = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    if (s.at[i]! < from + gap / 2) continue;
    const d = (sign * (s.values[i]! - level)) / noise;
    if (d < GROWN) continue;
    const x = (s.at[i]! - from) / gap;
    const y = Math.log(d);
    k++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  if (k < 2) return null;
  const den = k * sxx - sx * sx;
  if (!(den > 0)) return null;
  const b = (k * sxy - sx * sy) / den;
  if (!(b > 0)) return null;
  return { sign, level, noise, a: (sy - b * sx) / k, b };
}
