// Single sign-on's rows: flows in flight (used once, then gone) and the
// users a provider signs in, found by (issuer, subject) and never by name.
import type pg from "pg";
import { auditInTransaction } from "../audit/audit-log.ts";
import type { Role } from "../accounts/roles.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** Never a valid argon2 hash: a sign-on user has no password to guess. */
export const NO_PASSWORD = "!oidc";

export interface OidcFlowRow {
  id: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  nextPath: string;
}

export async function insertOidcFlow(db: Queryable, flow: OidcFlowRow, expiresAt: Date): Promise<void> {
  // Abandoned flows go as new ones start, not on a timer.
  await db.query("DELETE FROM oidc_flows WHERE expires_at < now()");
  await db.query("INSERT INTO oidc_flows (id, state, nonce, code_verifier, next_path, expires_at) VALUES ($1, $2, $3, $4, $5, $6)", [
    flow.id,
    flow.state,
    flow.nonce,
    flow.codeVerifier,
    flow.nextPath,
    expiresAt,
  ]);
}

/** The flow this browser started, if it has not expired; deleted as it is read, so a callback works once. */
export async function takeOidcFlow(db: Queryable, id: string): Promise<OidcFlowRow | null> {
  const res = await db.query<{ id: string; state: string; nonce: string; code_verifier: string; next_path: string }>(
    "DELETE FROM oidc_flows WHERE id = $1 AND expires_at > now() RETURNING id, state, nonce, code_verifier, next_path",
    [id],
  );
  const r = res.rows[0];
  return r ? { id: r.id, state: r.state, nonce: r.nonce, codeVerifier: r.code_verifier, nextPath: r.next_path } : null;
}

export type OidcUserResult = { userId: string; name: string; role: Role } | { refused: string; code: "disabled" | "name_taken" };

/**
 * The Firebreak user for a provider identity, created at its first sign-on.
 * The provider decides the role at every sign-on (a change is audited); a
 * user an admin disabled in Firebreak stays out; a name already held by
 * another account is never taken over.
 */
export async function oidcUser(tx: Queryable, who: { issuer: string; subject: string; name: string; role: Role; groups: string[] }): Promise<OidcUserResult> {
  const found = await tx.query<{ id: string; name: string; role: Role; disabled_at: Date | null }>(
    "SELECT id::text AS id, name, role, disabled_at FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE",
    [who.issuer, who.subject],
  );
  const row = found.rows[0];
  if (row) {
    if (row.disabled_at !== null) return { code: "disabled", refused: `${row.name} is disabled in Firebreak: ask a Firebreak admin to enable the account` };
    if (row.role !== who.role) {
      await tx.query("UPDATE users SET role = $2 WHERE id = $1", [row.id, who.role]);
      await auditInTransaction(tx, {
        actor: row.name,
        action: "user.role_synced",
        target: `user:${row.id}`,
        detail: { from: row.role, to: who.role, via: "oidc", issuer: who.issuer, groups: who.groups },
      });
    }
    return { userId: row.id, name: row.name, role: who.role };
  }
  const taken = await tx.query("SELECT 1 FROM users WHERE name = $1", [who.name]);
  if ((taken.rowCount ?? 0) > 0) {
    return { code: "name_taken", refused: `the name ${who.name} already belongs to another Firebreak account: a Firebreak admin must rename or remove that account before ${who.name} can use single sign-on` };
  }
  const created = await tx.query<{ id: string }>(
    "INSERT INTO users (name, role, password_hash, created_by, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id",
    [who.name, who.role, NO_PASSWORD, `oidc:${who.issuer}`, who.issuer, who.subject],
  );
  const id = created.rows[0]!.id;
  await auditInTransaction(tx, {
    actor: who.name,
    action: "user.create",
    target: `user:${id}`,
    detail: { name: who.name, role: who.role, via: "oidc", issuer: who.issuer, groups: who.groups },
  });
  return { userId: id, name: who.name, role: who.role };
}
