// The sign-in throttle's counters in PostgreSQL, so every Next process
// counts the same failures. Rows are locked for the few statements of a
// claim, never across the password hash.
import type pg from "pg";
import { claimAttempt, refund, type ThrottlePolicy, type ThrottleState } from "../accounts/login-throttle.ts";
import { withTransaction, type Tx } from "./ingest-store.ts";

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

async function lockedState(tx: Tx, key: string, now: Date): Promise<ThrottleState> {
  await tx.query("INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING", [key, now]);
  const res = await tx.query<{ failures: number; window_start: Date; locked_until: Date | null }>(
    "SELECT failures, window_start, locked_until FROM login_throttle WHERE key = $1 FOR UPDATE",
    [key],
  );
  const r = res.rows[0]!;
  return { failures: r.failures, windowStart: r.window_start.getTime(), lockedUntil: r.locked_until?.getTime() ?? null };
}

async function save(tx: Tx, key: string, s: ThrottleState): Promise<void> {
  await tx.query("UPDATE login_throttle SET failures = $2, window_start = $3, locked_until = $4 WHERE key = $1", [
    key,
    s.failures,
    new Date(s.windowStart),
    s.lockedUntil === null ? null : new Date(s.lockedUntil),
  ]);
}

export type AttemptClaim = { allowed: false; retryAfterMs: number } | { allowed: true; states: Map<string, ThrottleState> };

/** Claims one attempt on every key, or none when any key is locked (the longest wait is returned). */
export async function claimSignInAttempt(pool: pg.Pool, keys: ThrottleKey[], now: Date = new Date()): Promise<AttemptClaim> {
  return withTransaction(pool, async (tx) => {
    const claims = [];
    // A fixed order of locking keeps two claims on the same keys from deadlocking.
    for (const k of [...keys].sort((a, b) => a.key.localeCompare(b.key))) {
      claims.push({ k, claim: claimAttempt(await lockedState(tx, k.key, now), now.getTime(), k.policy) });
    }
    const refused = claims.map((c) => (c.claim.allowed ? 0 : c.claim.retryAfterMs)).reduce((a, b) => Math.max(a, b), 0);
    if (refused > 0) return { allowed: false, retryAfterMs: refused };
    const states = new Map<string, ThrottleState>();
    for (const { k, claim } of claims) {
      if (!claim.allowed) continue;
      await save(tx, k.key, claim.next);
      states.set(k.key, claim.next);
    }
    return { allowed: true, states };
  });
}

/** After a correct password: gives the claimed attempt back on every key, and clears `reset` keys entirely. */
export async function settleSuccessfulSignIn(tx: Tx, keys: ThrottleKey[], reset: string[]): Promise<void> {
  for (const k of [...keys].sort((a, b) => a.key.localeCompare(b.key))) {
    if (reset.includes(k.key)) {
      await tx.query("DELETE FROM login_throttle WHERE key = $1", [k.key]);
      continue;
    }
    const now = new Date();
    await save(tx, k.key, refund(await lockedState(tx, k.key, now), k.policy));
  }
}

/** Forgets counters idle for a day; called now and then from sign-in. */
export async function pruneThrottle(db: Pick<pg.PoolClient, "query">): Promise<void> {
  await db.query("DELETE FROM login_throttle WHERE window_start < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())");
}
