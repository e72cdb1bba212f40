// Where a feedback loop entered, as a change point (ADR 0046).
//
// The vote of the loop's rising series (loopOnset) is a round early where
// most of them rose by chance the round before the loop: a market move that
// carried the traders' views a hair across zero, two SKUs' orders up by one
// or two units. Which of the vote's round and the two after it is the
// loop's first, each series answers with its values there: before the loop
// a value is noise around the series' level; from the loop on it is that
// level plus the loop's compounding growth, which the series' clearly grown
// values trace (a straight line in log scale) back to those rounds. The
// entry is the round that splits every series' values in those rounds into
// noise before and growth after with the least pooled squared residual
// (segmented least squares; both segments' parameters are fitted outside
// those rounds, so only the split is chosen). A chance rise of a usual
// size, well short of where the growth traced back puts the loop's value,
// is explained as noise; a first amplified value a hair from the level is
// still the loop's when the growth traced back says the loop was that small
// then.
//
// Residuals are in units of the series' own noise (its standard deviation
// before the vote's round), through asinh: linear for noise-sized values
// (either side of zero: a view amplified from noise often starts on the
// other side), logarithmic for grown ones, so one series' hundredfold value
// does not outweigh the others' rounds.
//
// The entry never moves before the vote: the vote takes the earliest round
// the series agree on, and a drift towards the loop's side in the rounds
// before it (views that follow one market) lies on the growth traced back
// as well as the loop's first round does; values cannot tell them apart.

/** A rising series of the loop: its record times and values, in time order. */
export interface EntrySeries {
  at: readonly number[];
  values: readonly number[];
}

export interface LoopEntry {
  /** The first round of the loop: the earliest record time of that round. */
  round: number;
  /** Rounds after the vote's (0: the vote stands). */
  moved: number;
  /** Series that took part (with a level before and a growth to trace). */
  series: number;
  /** The pooled residual at the chosen round, and at the vote's. */
  cost: number;
  votedCost: number;
}

/** Values this many noise deviations beyond the level are the loop's growth, and fit its trend. */
const GROWN = 3;
/**
 * The growth is traced back from its first this many grown values: a loop's
 * rate drifts as it grows (an order's restock share fades, a view's noise
 * does), and the rounds nearest the entry say best what it was there.
 */
const TRACED = 3;

/**
 * The round the loop entered: the vote's round (`voted`, a time in it) or
 * one of the two after it, rounds being clusters of the series' record times
 * `half` or less apart. Null when the vote's round holds no record, or no
 * series can take part (fewer than 3 values in the `windowMs` before the
 * vote's round, or fewer than 2 values `GROWN` deviations out after it to
 * trace the growth by). Pure, for tests.
 */
export function loopEntry(series: readonly EntrySeries[], voted: number, half: number, windowMs: number): LoopEntry | null {
  const gap = 2 * half;
  if (!(gap > 0)) return null;
  // The candidate rounds: clusters of record times from the vote's.
  const times: number[] = [];
  for (const s of series) for (const t of s.at) if (t >= voted - half && t <= voted + 2 * gap + half) times.push(t);
  times.sort((a, b) => a - b);
  const rounds: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === 0 || times[i]! - times[i - 1]! > half) rounds.push(times[i]!);
  // A vote's round with no records here (a rise dated into a hole, riseTime) stands as voted.
  if (rounds.length < 2 || rounds[0]! > voted + half) return null;
  const first = rounds[0]!;
  const last = rounds[rounds.length - 1]!;
  // Per candidate round, the pooled cost: each value in the rounds in question
  // as noise (before the round) or as the loop (from it on).
  const cost = rounds.map(() => 0);
  let taking = 0;
  for (const s of series) {
    const fit = levelAndGrowth(s, first, voted + half, gap, windowMs);
    if (!fit) continue;
    taking++;
    for (let i = 0; i < s.at.length; i++) {
      const t = s.at[i]!;
      if (t < first || t > last + half) continue;
      const x = Math.asinh((fit.sign * (s.values[i]! - fit.level)) / fit.noise);
      const loop = x - Math.asinh(Math.exp(fit.a + (fit.b * (t - first)) / gap));
      for (let c = 0; c < rounds.length; c++) cost[c]! += t >= rounds[c]! ? loop * loop : x * x;
    }
  }
  if (taking === 0) return null;
  // The least cost wins, the vote's round (the first) on a tie.
  let best = 0;
  for (let c = 1; c < rounds.length; c++) if (cost[c]! < cost[best]! - 1e-9) best = c;
  return { round: rounds[best]!, moved: best, series: taking, cost: cost[best]!, votedCost: cost[0]! };
}

/**
 * A series' level and noise before `from` (its values in the `windowMs`
 * before, at least 3), the growth's side of zero (its latest value's), and
 * its growth traced as ln(deviation / noise) = a + b * rounds since `from`,
 * fitted by least squares to its first `TRACED` values after `after` that
 * are `GROWN` deviations out (at least 2, rising: b > 0). Null when it has
 * not these.
 */
function levelAndGrowth(s: EntrySeries, from: number, after: number, gap: number, windowMs: number): { sign: number; level: number; noise: number; a: number; b: number } | null {
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
  for (let i = 0; i < n && k < TRACED; i++) {
    if (s.at[i]! < after) continue;
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
