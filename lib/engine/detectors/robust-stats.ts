// Robust location and spread: median and MAD, with the modified z-score of
// Iglewicz and Hoaglin (1993). One wild value cannot move them the way it
// moves a mean and a standard deviation.

/** The median of finite values; NaN for none. Does not modify its input. */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Median absolute deviation from `center`. */
export function mad(values: readonly number[], center: number): number {
  return median(values.map((x) => Math.abs(x - center)));
}

/** Mean absolute deviation from `center`: the fallback when the MAD is 0. */
export function meanAbsoluteDeviation(values: readonly number[], center: number): number {
  let sum = 0;
  let n = 0;
  for (const x of values) {
    if (!Number.isFinite(x)) continue;
    sum += Math.abs(x - center);
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}

export interface RobustScore {
  /** The modified z-score; null when the baseline does not vary at all. */
  z: number | null;
  /** Which spread it was scaled by. */
  spread: "mad" | "mean_absolute_deviation" | "none";
}

/**
 * 0.6745 (x - median) / MAD; when more than half the baseline is one value
 * the MAD is 0, and the mean absolute deviation scaled by 1.2533 stands in
 * (the two agree for normal data); when that is 0 too the baseline is
 * constant and no z-score is given.
 */
export function modifiedZ(x: number, values: readonly number[], center = median(values)): RobustScore {
  const m = mad(values, center);
  if (m > 0) return { z: (0.6745 * (x - center)) / m, spread: "mad" };
  const meanAd = meanAbsoluteDeviation(values, center);
  if (meanAd > 0) return { z: (x - center) / (1.2533 * meanAd), spread: "mean_absolute_deviation" };
  return { z: null, spread: "none" };
}

/** A log scale that keeps sign and zero: sign(x) ln(1 + |x|). Prices and counts vary by ratios, not by amounts. */
export function signedLog(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}
