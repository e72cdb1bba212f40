// How wide a time series' buckets are: a round step (1 minute, 5 minutes,
// an hour, a day...) that cuts the window into at most `maxBuckets`, so a
// chart keeps the same density whether it shows an hour or a week, and the
// bucket edges fall on times a person reads without arithmetic.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const SERIES_STEPS_MS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY] as const;
export const DEFAULT_MAX_BUCKETS = 60;

/** The smallest round step giving at most `maxBuckets` buckets over [from, to); the largest step for absurd spans. */
export function seriesStep(fromMs: number, toMs: number, maxBuckets = DEFAULT_MAX_BUCKETS): number {
  const span = toMs - fromMs;
  const cap = Number.isFinite(maxBuckets) && maxBuckets >= 1 ? Math.floor(maxBuckets) : DEFAULT_MAX_BUCKETS;
  if (!Number.isFinite(span) || span <= 0) return SERIES_STEPS_MS[0];
  for (const step of SERIES_STEPS_MS) if (Math.ceil(span / step) <= cap) return step;
  return SERIES_STEPS_MS[SERIES_STEPS_MS.length - 1]!;
}

/** Bucket starts aligned to the step (in UTC), covering [from, to): the first starts at or before `from`. */
export function bucketStarts(fromMs: number, toMs: number, stepMs: number): number[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !(stepMs > 0) || toMs <= fromMs) return [];
  const first = Math.floor(fromMs / stepMs) * stepMs;
  const out: number[] = [];
  for (let t = first; t < toMs; t += stepMs) out.push(t);
  return out;
}
