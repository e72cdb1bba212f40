// Durations as people write them on a command line: 90s, 15m, 2h, 1d, 250ms,
// or a bare number of milliseconds. Simulated time is kept in milliseconds.
import { z } from "zod";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/** Milliseconds, or null when `text` is not a duration like 90s, 15m, 2h. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m?.[1]) return null;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? "ms"] ?? 1);
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** A duration as a whole number of ms or a string like "15m". */
export const Duration = z.union([z.number(), z.string()], { error: "must be a duration like 250ms, 90s, 15m, 2h or 1d" }).transform((value, ctx) => {
  const ms = typeof value === "number" ? (Number.isInteger(value) && value >= 0 ? value : null) : parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `must be a duration like 250ms, 90s, 15m, 2h or 1d, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

/** "1d 02:15:00" style label of a simulated instant, for payloads and logs. */
export function formatSimTime(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  const rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `d${day} ${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** "2h", "15m", "90s", "250ms": the shortest exact spelling. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
