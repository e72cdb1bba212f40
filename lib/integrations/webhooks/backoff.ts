// When a failed delivery is tried again: exponential, capped, with jitter so
// many deliveries failing together (a receiver's outage) do not retry in
// lockstep. "Equal jitter": half the delay fixed, half random, so a retry
// never comes sooner than half the schedule says.

export interface BackoffPolicy {
  /** Delay after the first failed attempt, before jitter. */
  baseMs: number;
  /** No delay is longer than this. */
  capMs: number;
  /** Attempts in all, the first included; after the last failure the delivery is failed. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000, maxAttempts: 8 };

/** The delay before attempt `failed + 1`, after `failed` attempts failed (1-based). `random` in [0, 1). */
export function backoffDelayMs(failed: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(failed - 1, 30)));
  const half = exp / 2;
  const r = random();
  // A broken random source must not make the retry immediate (NaN) or unbounded.
  const jitter = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.round(half + half * jitter);
}

/** The schedule without jitter: the longest each wait can be. For docs and the settings screen. */
export function backoffSchedule(policy: BackoffPolicy): number[] {
  const out: number[] = [];
  for (let n = 1; n < policy.maxAttempts; n++) out.push(backoffDelayMs(n, policy, () => 1));
  return out;
}
