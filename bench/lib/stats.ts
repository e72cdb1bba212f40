/** The q-quantile (0..1) of a sample, nearest-rank; NaN for an empty sample. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Stat {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

/** p50, p95 and max of a sample of timings. */
export function stat(xs: readonly number[]): Stat {
  return { p50: percentile(xs, 0.5), p95: percentile(xs, 0.95), max: Math.max(...xs), n: xs.length };
}

/** A log line prefixed with the seconds since the bench started: long runs say where the time went. */
export function elapsedLog(started = performance.now()): (line: string) => void {
  return (line) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
}
