// Numbers in words, the same way in every finding.

/** 10.3, 0.05, 1,204, 3.1e+9: three significant figures, no noise. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e9 || a < 1e-3)) return x.toExponential(2).replace(/\.?0+e/, "e");
  if (Number.isInteger(x)) return x.toLocaleString("en-US");
  return Number(x.toPrecision(3)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** 86_400_000 -> "24h", 60_000 -> "60s", 5_400_000 -> "90min". */
export function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 120_000) return `${ms / 60_000}min`;
  return `${fmt(ms / 1000)}s`;
}
