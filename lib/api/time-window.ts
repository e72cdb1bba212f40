// The time window of the summary routes: explicit `from`/`to` (RFC 3339) or
// a `window` length ending now. Pure: the caller passes the clock.
import { badRequest } from "./errors.ts";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const DEFAULT_WINDOW = "24h";
/** Longest window a summary may cover; a year of records in one GROUP BY is a mistake, not a question. */
export const MAX_WINDOW_MS = 366 * UNIT_MS.d;
export const WINDOW_PATTERN = /^([1-9]\d{0,3})([mhd])$/;

/** "90m", "24h", "7d" -> milliseconds; null when it is not such a length. */
export function parseDuration(text: string): number | null {
  const m = WINDOW_PATTERN.exec(text);
  if (!m?.[1] || !m[2]) return null;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export interface WindowInput {
  from?: string | undefined;
  to?: string | undefined;
  window?: string | undefined;
}

export interface TimeWindow {
  from: Date;
  to: Date;
}

export function resolveWindow(input: WindowInput, now: Date): TimeWindow {
  if (input.window !== undefined && input.from !== undefined) {
    throw badRequest("give either `window` or `from`, not both", [{ path: "query.window", message: "drop `window` when `from` is given" }]);
  }
  const to = input.to !== undefined ? new Date(input.to) : now;
  let from: Date;
  if (input.from !== undefined) {
    from = new Date(input.from);
  } else {
    const ms = parseDuration(input.window ?? DEFAULT_WINDOW);
    if (ms === null) throw badRequest("`window` must be a length like 1h, 24h or 7d", [{ path: "query.window", message: "use a number and m, h or d" }]);
    from = new Date(to.getTime() - ms);
  }
  if (from.getTime() >= to.getTime()) {
    throw badRequest("`from` must be before `to`", [{ path: "query.from", message: `${from.toISOString()} is not before ${to.toISOString()}` }]);
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    throw badRequest("the window is longer than 366 days: narrow `from`/`to`", [{ path: "query.from", message: "at most 366 days before `to`" }]);
  }
  return { from, to };
}
