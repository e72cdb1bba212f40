// Users: list, create, change role, disable, reset password. Every change
// and its audit entry commit in one transaction. Nothing here is
// `server-only`: the launcher creates the first admin with createUser.
import type pg from "pg";
import type { CreateUserBody, UpdateUserBody, UserView } from "../api/account-views.ts";
import { conflict, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import { hashPassword } from "../accounts/password.ts";
import type { Role } from "../accounts/roles.ts";
import { withTransaction, type Tx } from "./ingest-store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

interface UserRow {
  id: string;
  name: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  created_by: string;
  password_changed_at: Date;
  last_sign_in_at: Date | null;
  active_sessions: string;
}

const USER_COLUMNS = `u.id::text AS id, u.name, u.role, u.disabled_at, u.created_at, u.created_by, u.password_changed_at,
  (SELECT max(s.created_at) FROM user_sessions s WHERE s.user_id = u.id) AS last_sign_in_at,
  (SELECT count(*) FROM user_sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now())::text AS active_sessions`;

function toView(r: UserRow): UserView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    disabled: r.disabled_at !== null,
    disabledAt: r.disabled_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    passwordChangedAt: r.password_changed_at.toISOString(),
    lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
    activeSessions: Number(r.active_sessions),
  };
}

export async function listUsers(db: Queryable): Promise<UserView[]> {
  const res = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.disabled_at IS NOT NULL, u.name`);
  return res.rows.map(toView);
}

export async function getUser(db: Queryable, id: string): Promise<UserView> {
  const res = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  const row = res.rows[0];
  if (!row) throw notFound(`no user has the id ${id}: list users with GET /api/v1/users`);
  return toView(row);
}

export interface SignInCandidate {
  id: string;
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
}

export async function userForSignIn(db: Queryable, name: string): Promise<SignInCandidate | null> {
  const res = await db.query<{ id: string; name: string; role: Role; password_hash: string; disabled_at: Date | null }>(
    "SELECT id::text AS id, name, role, password_hash, disabled_at FROM users WHERE name = $1",
    [name.trim().toLowerCase()],
  );
  const r = res.rows[0];
  return r ? { id: r.id, name: r.name, role: r.role, passwordHash: r.password_hash, disabled: r.disabled_at !== null } : null;
}

export async function countUsers(db: Queryable): Promise<number> {
  const res = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM users");
  return Number(res.rows[0]?.n ?? 0);
}

export async function createUser(pool: pg.Pool, input: CreateUserBody, actor: string): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  return withTransaction(pool, async (tx) => {
    const res = await tx.query<{ id: string }>(
      `INSERT INTO users (name, role, password_hash, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING id::text AS id`,
      [input.name, input.role, passwordHash, actor],
    );
    const id = res.rows[0]?.id;
    if (!id) throw conflict(`a user named ${JSON.stringify(input.name)} already exists: pick another name, or change that user's role`);
    await auditInTransaction(tx, { actor, action: "user.create", target: `user:${input.name}`, detail: { role: input.role } });
    return getUser(tx, id);
  });
}

/** Locks the user's row and the set of active admins, so two admins cannot demote each other at once. */
async function lockUser(tx: Tx, id: string): Promise<{ name: string; role: Role; disabled: boolean; oidcIssuer: string | null }> {
  await tx.query("SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE");
  const res = await tx.query<{ name: string; role: Role; disabled_at: Date | null; oidc_issuer: string | null }>(
    "SELECT name, role, disabled_at, oidc_issuer FROM users WHERE id = $1 FOR UPDATE",
    [id],
  );
  const row = res.rows[0];
  if (!row) throw notFound(`no user has the id ${id}: list users with GET /api/v1/users`);
  return { name: row.name, role: row.role, disabled: row.disabled_at !== null, oidcIssuer: row.oidc_issuer };
}

async function otherActiveAdmins(tx: Tx, id: string): Promise<number> {
  const res = await tx.query<{ n: string }>("SELECT count(*)::text AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1", [id]);
  return Number(res.rows[0]?.n ?? 0);
}

export async function updateUser(pool: pg.Pool, id: string, change: UpdateUserBody, actor: string): Promise<UserView> {
  return withTransaction(pool, async (tx) => {
    const before = await lockUser(tx, id);
    const role = change.role ?? before.role;
    const disabled = change.disabled ?? before.disabled;
    const stillAdmin = role === "admin" && !disabled;
    if (before.role === "admin" && !before.disabled && !stillAdmin && (await otherActiveAdmins(tx, id)) === 0) {
      throw conflict(`${before.name} is the last active admin: make another user admin first, or nobody could manage users`);
    }
    if (role !== before.role) {
      await tx.query("UPDATE users SET role = $2 WHERE id = $1", [id, role]);
      await auditInTransaction(tx, { actor, action: "user.role", target: `user:${before.name}`, detail: { from: before.role, to: role } });
    }
    if (disabled !== before.disabled) {
      await tx.query("UPDATE users SET disabled_at = $2 WHERE id = $1", [id, disabled ? new Date() : null]);
      let revoked = 0;
      // A disabled user's sessions end now, not at their expiry.
      if (disabled) revoked = (await tx.query("UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", [id])).rowCount ?? 0;
      await auditInTransaction(tx, { actor, action: disabled ? "user.disable" : "user.enable", target: `user:${before.name}`, detail: disabled ? { sessionsRevoked: revoked } : {} });
    }
    return getUser(tx, id);
  });
}

/** Sets a new password and ends the user's sessions: whoever knew the old one is signed out. */
export async function resetPassword(pool: pg.Pool, id: string, password: string, actor: string): Promise<UserView> {
  const passwordHash = await hashPassword(password);
  return withTransaction(pool, async (tx) => {
    const before = await lockUser(tx, id);
    // A second way in that the identity provider does not know about would outlive their leaving.
    if (before.oidcIssuer !== null) throw conflict(`${before.name} signs in through single sign-on (${before.oidcIssuer}): Firebreak keeps no password for them; manage them at the identity provider`);
    await tx.query("UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1", [id, passwordHash]);
    const revoked = (await tx.query("UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", [id])).rowCount ?? 0;
    await auditInTransaction(tx, { actor, action: "user.password_reset", target: `user:${before.name}`, detail: { sessionsRevoked: revoked } });
    return getUser(tx, id);
  });
}
