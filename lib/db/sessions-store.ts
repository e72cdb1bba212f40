// Server-side sessions: one row per signed-in browser, keyed by the SHA-256
// of the cookie's secret. A session is live while it is neither revoked nor
// expired and its user (if any) is not disabled; the role is read from the
// user on every request, so a role change applies at once.
import type pg from "pg";
import type { SessionView } from "../api/account-views.ts";
import { notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import type { Role } from "../accounts/roles.ts";
import { withTransaction } from "./ingest-store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** last_seen_at is written at most this often per session: reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export interface NewSession {
  id: string;
  userId: string | null;
  role: Role;
  actor: string;
  expiresAt: Date;
  address: string;
  userAgent: string;
  /** Admin-token sessions: adminTokenBinding (lib/api/session.ts); null for a user's session. */
  tokenBinding: string | null;
}

export async function insertSession(tx: Queryable, s: NewSession): Promise<void> {
  await tx.query(
    `INSERT INTO user_sessions (id, user_id, role, actor, expires_at, address, user_agent, token_binding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [s.id, s.userId, s.role, s.actor, s.expiresAt, s.address.slice(0, 100), s.userAgent.slice(0, 300), s.tokenBinding],
  );
}

export interface LiveSession {
  id: string;
  userId: string | null;
  role: Role;
  actor: string;
  expiresAt: Date;
  tokenBinding: string | null;
}

export async function liveSession(db: Queryable, id: string, now: Date = new Date()): Promise<LiveSession | null> {
  const res = await db.query<{ id: string; user_id: string | null; role: Role; actor: string; expires_at: Date; last_seen_at: Date; user_name: string | null; user_role: Role | null; disabled_at: Date | null; token_binding: string | null }>(
    `SELECT s.id, s.user_id::text AS user_id, s.role, s.actor, s.expires_at, s.last_seen_at, s.token_binding, u.name AS user_name, u.role AS user_role, u.disabled_at
       FROM user_sessions s LEFT JOIN users u ON u.id = s.user_id
      WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
    [id, now],
  );
  const r = res.rows[0];
  if (!r) return null;
  if (r.user_id !== null && (r.user_name === null || r.disabled_at !== null)) return null;
  if (now.getTime() - r.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    // Best effort: a failed touch must not fail the request it rides on.
    await db.query("UPDATE user_sessions SET last_seen_at = $2 WHERE id = $1", [id, now]).catch(() => null);
  }
  return { id: r.id, userId: r.user_id, role: r.user_role ?? r.role, actor: r.user_name ?? r.actor, expiresAt: r.expires_at, tokenBinding: r.token_binding };
}

/** Ends one session (sign-out). Returns whether it was live. */
export async function revokeSession(pool: pg.Pool, id: string, actor: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query("UPDATE user_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [id]);
    const revoked = (res.rowCount ?? 0) > 0;
    if (revoked) await auditInTransaction(tx, { actor, action: "session.sign_out", target: `session:${id.slice(0, 16)}`, detail: {} });
    return revoked;
  });
}

export async function userSessions(db: Queryable, userId: string): Promise<SessionView[]> {
  const exists = await db.query("SELECT 1 FROM users WHERE id = $1", [userId]);
  if (exists.rowCount === 0) throw notFound(`no user has the id ${userId}: list users with GET /api/v1/users`);
  const res = await db.query<{ id: string; created_at: Date; expires_at: Date; last_seen_at: Date; address: string; user_agent: string }>(
    `SELECT id, created_at, expires_at, last_seen_at, address, user_agent FROM user_sessions
      WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 500`,
    [userId],
  );
  return res.rows.map((r) => ({
    id: r.id.slice(0, 16),
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    address: r.address,
    userAgent: r.user_agent,
  }));
}

/**
 * Ends an admin-token session whose token is no longer FIREBREAK_TOKEN, on
 * the first request that shows it, audited in the same transaction.
 */
export async function endRotatedAdminSession(pool: pg.Pool, id: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query("UPDATE user_sessions SET revoked_at = now() WHERE id = $1 AND user_id IS NULL AND revoked_at IS NULL", [id]);
    const ended = (res.rowCount ?? 0) > 0;
    if (ended) {
      await auditInTransaction(tx, { actor: "system (token rotation)", action: "session.end", target: `session:${id.slice(0, 16)}`, detail: { reason: "the admin token (FIREBREAK_TOKEN) that opened it was rotated" } });
    }
    return ended;
  });
}

/** Signs a user out everywhere. */
export async function revokeUserSessions(pool: pg.Pool, userId: string, actor: string): Promise<{ revoked: number }> {
  return withTransaction(pool, async (tx) => {
    const user = await tx.query<{ name: string }>("SELECT name FROM users WHERE id = $1", [userId]);
    const name = user.rows[0]?.name;
    if (name === undefined) throw notFound(`no user has the id ${userId}: list users with GET /api/v1/users`);
    const res = await tx.query("UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()", [userId]);
    const revoked = res.rowCount ?? 0;
    await auditInTransaction(tx, { actor, action: "session.revoke_all", target: `user:${name}`, detail: { revoked } });
    return { revoked };
  });
}

/** Forgets sessions that ended more than a day ago; called now and then from sign-in. */
export async function pruneSessions(db: Queryable): Promise<void> {
  await db.query("DELETE FROM user_sessions WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'");
}
