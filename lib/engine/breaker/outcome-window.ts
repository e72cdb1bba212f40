// A time-based sliding window of what came over an edge, in one-second
// buckets (as Resilience4j's time-based window), plus the ids of the recent
// failures so a trip can name the records that caused it. Pure: every
// function returns a new window, sharing what did not change with the old.
import { z } from "zod";

export const FAILURE_REASONS = ["verification", "anomaly"] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Failures remembered by id; older ones still count, unnamed. */
export const MAX_NAMED_FAILURES = 50;

export const OutcomeWindow = z.object({
  buckets: z.array(z.object({ second: z.number().int(), calls: z.number().int(), failures: z.number().int(), anomalies: z.number().int() })),
  failures: z.array(z.object({ recordId: z.string(), at: z.number(), reasons: z.array(z.enum(FAILURE_REASONS)) })),
});
export type OutcomeWindow = z.infer<typeof OutcomeWindow>;

export const emptyWindow = (): OutcomeWindow => ({ buckets: [], failures: [] });

export interface WindowCounts {
  calls: number;
  failures: number;
  anomalies: number;
}

/** The newest second the window has seen: "now" for a window fed by record times, which may come out of order. */
function latestSecond(w: OutcomeWindow): number {
  let latest = -Infinity;
  for (const b of w.buckets) latest = Math.max(latest, b.second);
  return latest;
}

/**
 * Adds one record. The window is the last windowMs/1000 whole seconds up to
 * the newest one seen. A record older than that is not counted (it would
 * have left the window already), nor one with no usable time.
 */
export function addOutcome(w: OutcomeWindow, windowMs: number, at: number, recordId: string, reasons: readonly FailureReason[]): OutcomeWindow {
  if (!Number.isFinite(at)) return w;
  const second = Math.floor(at / 1000);
  const span = Math.max(1, Math.ceil(windowMs / 1000));
  const now = Math.max(second, latestSecond(w));
  if (second <= now - span) return w;
  const failed = reasons.length > 0;
  const anomalous = reasons.includes("anomaly");
  // Windows share their buckets and failures (none is ever changed): only
  // the bucket counted is new, so a storm's every record does not copy the
  // whole window (an edge's breaker steps once per record).
  const buckets = w.buckets.filter((b) => b.second > now - span);
  const counted = buckets.findLastIndex((b) => b.second === second);
  if (counted >= 0) {
    const b = buckets[counted]!;
    buckets[counted] = { second, calls: b.calls + 1, failures: b.failures + (failed ? 1 : 0), anomalies: b.anomalies + (anomalous ? 1 : 0) };
  } else {
    buckets.push({ second, calls: 1, failures: failed ? 1 : 0, anomalies: anomalous ? 1 : 0 });
    if (buckets.length > 1 && buckets[buckets.length - 2]!.second > second) buckets.sort((a, b) => a.second - b.second);
  }
  const cutoff = (now - span + 1) * 1000;
  let failures = w.failures.every((f) => f.at >= cutoff) ? w.failures : w.failures.filter((f) => f.at >= cutoff);
  if (failed) failures = [...failures.slice(Math.max(0, failures.length - MAX_NAMED_FAILURES + 1)), { recordId, at, reasons: [...reasons] }];
  return { buckets, failures };
}

export function countWindow(w: OutcomeWindow): WindowCounts {
  let calls = 0;
  let failures = 0;
  let anomalies = 0;
  for (const b of w.buckets) {
    calls += b.calls;
    failures += b.failures;
    anomalies += b.anomalies;
  }
  return { calls, failures, anomalies };
}
