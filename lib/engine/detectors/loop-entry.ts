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
  /**
   * Per value, what its record read back from the loop: the mean of the
   * values (same field) of the loop's records it was made from, through its
   * parents (a read names the write it saw); null where it read none; NaN
   * where the window does not hold all it read. Given, the series is judged
   * by what it made of what it read (ADR 0048).
   */
  readBack?: readonly (number | null)[];
}

export interface LoopEntry {
  /** The first round of the loop: the earliest record time of that round. */
  round: number;
  /** Rounds after the vote's (0: the vote stands). */
  moved: number;
  /** Series that took part (with a level before and a growth to trace, or judged by what they read back). */
  series: number;
  /** Of them, those judged by what they read back (ADR 0048). */
  readBack: number;
  /**
   * Series that read the loop back but whose reads this window does not
   * hold (lacksReads): the entry cannot be told here, a fuller window could
   * (ADR 0048).
   */
  unread: number;
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
export function loopEntry(series: readonly EntrySeries[], voted: number, half: number, windowMs: number, candidates = 3): LoopEntry | null {
  const gap = 2 * half;
  if (!(gap > 0)) return null;
  const rounds = candidateRounds(series, voted, half, candidates);
  if (rounds === null) return null;
  const first = rounds[0]!;
  const last = rounds[rounds.length - 1]!;
  // Per candidate round, the pooled cost: each value in the rounds in question
  // as noise (before the round) or as the loop (from it on).
  const cost = rounds.map(() => 0);
  let taking = 0;
  const inRounds = (s: EntrySeries, i: number) => s.at[i]! >= first && s.at[i]! <= last + half;
  // The series that read the loop back are judged together, by what they made of what they read (ADR 0048).
  const gain = readBackFit(series, first, voted + half, windowMs, inRounds);
  for (const s of series) {
    if (gain?.series.has(s)) {
      taking++;
      for (let i = 1; i < s.at.length; i++) {
        if (!inRounds(s, i)) continue;
        const rb = s.readBack![i]!;
        const before = s.readBack![i - 1];
        const x = Math.asinh(s.values[i]! / gain.noise);
        for (let c = 0; c < rounds.length; c++) {
          const now = s.at[i]! >= rounds[c]! ? gain.g : gain.w;
          const then = s.at[i - 1]! >= rounds[c]! ? gain.g : gain.w;
          // What the series carries forward is its own part of the value before: that value less what it made of its read-back then.
          const own = s.values[i - 1]! - (known(before) ? then * before : 0);
          const r = x - Math.asinh((gain.a + now * rb + gain.rho * own) / gain.noise);
          cost[c]! += r * r;
        }
      }
      continue;
    }
    const fit = levelAndGrowth(s, first, voted + half, gap, windowMs);
    if (!fit) continue;
    taking++;
    for (let i = 0; i < s.at.length; i++) {
      const t = s.at[i]!;
      if (!inRounds(s, i)) continue;
      const x = Math.asinh((fit.sign * (s.values[i]! - fit.level)) / fit.noise);
      const loop = x - Math.asinh(Math.exp(fit.a + (fit.b * (t - first)) / gap));
      for (let c = 0; c < rounds.length; c++) cost[c]! += t >= rounds[c]! ? loop * loop : x * x;
    }
  }
  if (taking === 0) return null;
  // The least cost wins, the vote's round (the first) on a tie.
  let best = 0;
  for (let c = 1; c < rounds.length; c++) if (cost[c]! < cost[best]! - 1e-9) best = c;
  // A series whose values this window holds further back than what they read
  // (its peers' records cut from the window) cannot be judged here.
  let unread = 0;
  for (const s of series) if (lacksReads(s, first, last + half, gap, windowMs)) unread++;
  return { round: rounds[best]!, moved: best, series: taking, readBack: gain?.series.size ?? 0, unread, cost: cost[best]!, votedCost: cost[0]! };
}

/**
 * The candidate rounds of an entry: the earliest record time of each round
 * (clusters of the series' record times `half` or less apart) from the
 * vote's (`voted`, a time in it) on, `candidates` rounds of `2 * half`.
 * Null when there are fewer than two, or the vote's round holds no record
 * (a rise dated into a hole, riseTime: it stands as voted). Pure.
 */
export function candidateRounds(series: readonly { at: readonly number[] }[], voted: number, half: number, candidates: number): number[] | null {
  const gap = 2 * half;
  const times: number[] = [];
  for (const s of series) for (const t of s.at) if (t >= voted - half && t <= voted + (candidates - 1) * gap + half) times.push(t);
  times.sort((a, b) => a - b);
  const rounds: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === 0 || times[i]! - times[i - 1]! > half) rounds.push(times[i]!);
  return rounds.length < 2 || rounds[0]! > voted + half ? null : rounds;
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

/** A read-back the window holds whole: a number, not null (read none) nor NaN (part of it not held). */
const known = (r: number | null | undefined): r is number => r != null && !Number.isNaN(r);

/** Values of the noise model's fit, at least: three parameters and as many degrees of freedom. */
const FITTED = 6;
/** Values a loop of one agent's noise model needs before it fits a slope on what it read back (ADR 0055): two parameters and six degrees of freedom. */
const SLOPED = 8;

/**
 * The loop's series judged by what they read back (ADR 0048), pooled: they
 * carry one quantity around the loop (each trader's view made from the
 * others'). A series takes part when every value of it in the rounds in
 * question (`inRounds`) has its read-back and a value before it; null when
 * none can, or the fits below cannot be made.
 * - Before the loop a value is its series' own carried forward plus a share
 *   of what it read: v = a + w * readBack + rho * previous, fitted by least
 *   squares to the values in the `windowMs` before `from` (at least FITTED);
 *   `noise` is that fit's residual deviation.
 * - In the loop it is the loop's gain times what it read: v = g * readBack,
 *   g fitted to each series' first `TRACED` values after `after` that are
 *   `GROWN` noise deviations from the noise model's prediction (at least 2
 *   in all), where the loop's gain is all there is to them.
 * A momentum that carries the series towards the loop's side for a round or
 * two (views that follow one market) is their own values carried forward
 * and owes nothing to what they read; the loop's first round owes its size
 * to what it read. Pure.
 */
function readBackFit(
  series: readonly EntrySeries[],
  from: number,
  after: number,
  windowMs: number,
  inRounds: (s: EntrySeries, i: number) => boolean,
): { a: number; w: number; rho: number; g: number; noise: number; series: Set<EntrySeries> } | null {
  const taking = new Set<EntrySeries>();
  for (const s of series) {
    const rb = s.readBack;
    if (!rb) continue;
    let ok = true;
    for (let i = 0; i < s.values.length && ok; i++) if (inRounds(s, i) && (i === 0 || !known(rb[i]))) ok = false;
    if (ok) taking.add(s);
  }
  if (taking.size === 0) return null;
  /** Each value before `from` (in the window) with its read-back, the value before it and that one's read-back (NaN where unknown). */
  const all: [v: number, r: number, prev: number, rbPrev: number][] = [];
  for (const s of taking) {
    for (let i = 1; i < s.values.length && s.at[i]! < from; i++) {
      const r = s.readBack![i];
      const before = s.readBack![i - 1];
      if (s.at[i]! >= from - windowMs && known(r)) all.push([s.values[i]!, r, s.values[i - 1]!, known(before) ? before : Number.NaN]);
    }
  }
  // Normal equations of v = a + w * readBack + rho * previous + c * previous readBack
  // (c = -rho * w: what carries forward is the previous value's own part).
  // A loop of one agent reads back its own previous value (ADR 0055): the
  // read-back is what it carries forward, and v = a + w * readBack is all.
  // With fewer values than a line needs to be told from noise (SLOPED), its level alone (what it read back
  // weighed nothing), from every value the series holds before `from` (a first one whose read-back the window
  // lacks included): a slope through five changes of a coder's is whatever their noise made it (s27: -1.18),
  // and three of them say little of how far its changes usually range (s23).
  const own = all.some(([, r, prev]) => r !== prev);
  const level: [v: number, r: number, prev: number, rbPrev: number][] = [];
  if (!own && all.length < SLOPED) {
    for (const s of taking) for (let i = 0; i < s.values.length && s.at[i]! < from; i++) level.push([s.values[i]!, 0, 0, 0]);
  }
  const terms = own ? 4 : all.length >= SLOPED ? 2 : 1;
  const rows = own ? all.filter(([, , , rbPrev]) => !Number.isNaN(rbPrev)) : terms === 1 ? level : all;
  const m = new Array<number>(terms * terms).fill(0);
  const y = new Array<number>(terms).fill(0);
  for (const [v, r, prev, rbPrev] of rows) {
    const x = [1, r, prev, rbPrev];
    for (let i = 0; i < terms; i++) {
      y[i]! += x[i]! * v;
      for (let j = 0; j < terms; j++) m[terms * i + j]! += x[i]! * x[j]!;
    }
  }
  const k = rows.length;
  // Three parameters and as many degrees of freedom; for a loop of one agent, a level and two more values (a rise is judged on 4 values, ADR 0035).
  if (k < (own ? FITTED : 3)) return null;
  const coef = solve(m, y);
  if (!coef) return null;
  // The solution has one number per term: the level, then the weights the model has.
  const [a = 0, w = 0, rho = 0, c = 0] = coef;
  let sq = 0;
  for (const [v, r, prev, rbPrev] of rows) sq += (v - (a + w * r + rho * prev + c * (own ? rbPrev : 0))) ** 2;
  const noise = Math.sqrt(sq / k);
  if (!(noise > 0)) return null;
  let traced = 0;
  let vr = 0;
  let rr = 0;
  for (const s of taking) {
    const n = s.values.length;
    const sign = Math.sign(s.values[n - 1] ?? 0);
    let mine = 0;
    for (let i = 1; i < n && mine < TRACED; i++) {
      const r = s.readBack![i];
      if (s.at[i]! < after || !known(r)) continue;
      if ((sign * (s.values[i]! - (a + w * r + rho * s.values[i - 1]!))) / noise < GROWN) continue;
      mine++;
      // A loop of one agent adds its gain on what it read back to its own part, the level (ADR 0055); views carry no level of their own.
      vr += (s.values[i]! - (own ? 0 : a)) * r;
      rr += r * r;
    }
    traced += mine;
  }
  if (traced < 2 || !(rr > 0)) return null;
  return { a, w, rho, g: vr / rr, noise, series: taking };
}

/** The solution of a small linear system (`m` row-major, n x n) by Gaussian elimination with partial pivoting; null when singular. */
function solve(m: readonly number[], y: readonly number[]): number[] | null {
  const n = y.length;
  const A = m.slice();
  const b = y.slice();
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r * n + col]!) > Math.abs(A[pivot * n + col]!)) pivot = r;
    if (!(Math.abs(A[pivot * n + col]!) > 1e-300)) return null;
    if (pivot !== col) {
      for (let j = 0; j < n; j++) [A[col * n + j], A[pivot * n + j]] = [A[pivot * n + j]!, A[col * n + j]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    for (let r = col + 1; r < n; r++) {
      const f = A[r * n + col]! / A[col * n + col]!;
      for (let j = col; j < n; j++) A[r * n + j]! -= f * A[col * n + j]!;
      b[r]! -= f * b[col]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = b[r]!;
    for (let j = r + 1; j < n; j++) sum -= A[r * n + j]! * out[j]!;
    out[r] = sum / A[r * n + r]!;
  }
  return out.every(Number.isFinite) ? out : null;
}

/**
 * Whether a series that reads the loop back (some value with a read-back)
 * lacks what it read where the entry is judged: a value in the rounds in
 * question (`first` to `end`) without its read-back (or with part of it),
 * or values held more than a round and a half (`gap` a round) further back
 * than its first whole read-back in the `windowMs` before `first`. The engine holds other
 * agents' records for less time than the batch's own: a trader's older views
 * are in its window, the peers' views they read are not, and a fit over
 * the rounds left says something else than the full window did. The first
 * value of a run reads nothing (nobody wrote yet): within a round, it is
 * not a lack. Pure.
 */
export function lacksReads(s: EntrySeries, first: number, end: number, gap: number, windowMs: number): boolean {
  const rb = s.readBack;
  if (!rb || !rb.some(known)) return false;
  let held = Number.POSITIVE_INFINITY;
  let read = Number.POSITIVE_INFINITY;
  for (let i = 0; i < s.at.length; i++) {
    const t = s.at[i]!;
    if (t >= first && t <= end && !known(rb[i])) return true;
    if (t < first - windowMs || t >= first) continue;
    held = Math.min(held, t);
    if (known(rb[i])) read = Math.min(read, t);
  }
  return held < Number.POSITIVE_INFINITY && read - held > 1.5 * gap;
}
