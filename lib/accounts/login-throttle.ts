// Sign-in throttling as pure functions over a stored counter: so many
// failures within a window lock the key (an account name or a client
// address) for a while. Storage is lib/db/login-throttle-store.ts; every
// Next process reads and writes the same rows, so the limit holds however
// many processes serve the dashboard.

export interface ThrottlePolicy {
  /** Failures allowed within `windowMs`; the next one locks. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** Per account: a handful of tries, then a pause long enough to make guessing useless. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** Per client address: room for a team behind one NAT, not for a spray across many names. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface ThrottleState {
  failures: number;
  windowStart: number;
  lockedUntil: number | null;
}

export const FRESH_STATE = (now: number): ThrottleState => ({ failures: 0, windowStart: now, lockedUntil: null });

/** Milliseconds until this key may try again; 0 when it may try now. */
export function retryAfterMs(state: ThrottleState | null, now: number): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil - now);
}

/** The state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | null, now: number, policy: ThrottlePolicy): ThrottleState {
  // A lock that has run out, or a window that has passed, starts the count again.
  const expired = !state || (state.lockedUntil !== null && state.lockedUntil <= now) || now - state.windowStart >= policy.windowMs;
  const base = expired ? FRESH_STATE(now) : state;
  const failures = base.failures + 1;
  return {
    failures,
    windowStart: base.windowStart,
    lockedUntil: failures >= policy.maxFailures ? now + policy.lockMs : base.lockedUntil,
  };
}

/** What a refused sign-in says: when to try again, in words and as Retry-After seconds. */
export function retryMessage(ms: number, now: number): { seconds: number; message: string } {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const at = new Date(now + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds < 90 ? `${seconds} seconds` : `${minutes} minutes`;
  return { seconds, message: `too many failed sign-ins: try again in ${wait} (after ${at.replace("T", " ").replace("Z", " UTC")})` };
}

export type Claim = { allowed: false; retryAfterMs: number } | { allowed: true; next: ThrottleState };

/**
 * Takes one attempt before the password is checked, counting it as a
 * failure: parallel guesses cannot all slip past the limit while the slow
 * hash runs. A correct password gives the attempt back (`refund`).
 */
export function claimAttempt(state: ThrottleState | null, now: number, policy: ThrottlePolicy): Claim {
  const wait = retryAfterMs(state, now);
  if (wait > 0) return { allowed: false, retryAfterMs: wait };
  return { allowed: true, next: afterFailure(state, now, policy) };
}

/** The state after an attempt counted by claimAttempt turned out to be a success. */
export function refund(state: ThrottleState, policy: ThrottlePolicy): ThrottleState {
  const failures = Math.max(0, state.failures - 1);
  // Only the refunded attempt can have set a lock here: a locked key is never claimed.
  return { failures, windowStart: state.windowStart, lockedUntil: failures >= policy.maxFailures ? state.lockedUntil : null };
}
