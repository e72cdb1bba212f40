// API tokens: create (the secret leaves once, in the answer), list, revoke,
// and the lookup behind every bearer request. Only SHA-256 hashes are
// stored. A token stops working when revoked, expired, or when its owner is
// disabled; its role is capped by its owner's role today.
import type pg from "pg";
import type { CreateTokenBody, TokenView } from "../api/account-views.ts";
import { badRequest, FirebreakError, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import { generateApiToken, SCOPE_CEILING, tokenRole, type TokenScope } from "../accounts/api-token.ts";
import { lesserRole, roleAllows, type Role } from "../accounts/roles.ts";
import { withTransaction } from "./ingest-store.ts";
import { requireProject } from "./projects-store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000;

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  role: Role;
  environment: string;
  project_id: string;
  owner: string | null;
  created_at: Date;
  created_by: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = `t.id::text AS id, t.name, t.prefix, t.scope, t.role, t.environment, t.project_id, u.name AS owner, t.created_at, t.created_by,
  t.expires_at, t.last_used_at, t.revoked_at`;

function toView(r: TokenRow): TokenView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scope: r.scope,
    role: r.role,
    environment: r.environment,
    project: r.project_id,
    owner: r.owner,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    expiresAt: r.expires_at?.toISOString() ?? null,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  };
}

/** Who asks: the admin token has no user row. */
export interface TokenCaller {
  actor: string;
  userId: string | null;
  role: Role;
}

/** Every token (admins), or the tokens of one user. Revoked ones are listed too, for the record. */
export async function listTokens(db: Queryable, ownerId?: string | null): Promise<TokenView[]> {
  const res =
    ownerId === undefined
      ? await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_id ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC LIMIT 1000`)
      : await db.query<TokenRow>(
          `SELECT ${TOKEN_COLUMNS} FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_id WHERE t.owner_id IS NOT DISTINCT FROM $1 ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC LIMIT 1000`,
          [ownerId],
        );
  return res.rows.map(toView);
}

async function tokenById(db: Queryable, id: string): Promise<TokenView & { ownerId: string | null }> {
  const res = await db.query<TokenRow & { owner_id: string | null }>(
    `SELECT ${TOKEN_COLUMNS}, t.owner_id::text AS owner_id FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = $1`,
    [id],
  );
  const r = res.rows[0];
  if (!r) throw notFound(`no API token has the id ${id}: list tokens with GET /api/v1/tokens`);
  return { ...toView(r), ownerId: r.owner_id };
}

export async function createToken(pool: pg.Pool, input: CreateTokenBody, caller: TokenCaller & { project: string }): Promise<{ token: string; item: TokenView }> {
  return withTransaction(pool, async (tx) => {
    const ownerId = input.ownerId ?? caller.userId;
    let ownerRole: Role = caller.role;
    if (ownerId !== null) {
      const owner = await tx.query<{ role: Role; disabled_at: Date | null; name: string }>("SELECT role, disabled_at, name FROM users WHERE id = $1", [ownerId]);
      const row = owner.rows[0];
      if (!row) throw notFound(`no user has the id ${ownerId}: pick the token's owner from GET /api/v1/users`);
      if (row.disabled_at !== null) throw badRequest(`${row.name} is disabled: enable the user before giving them a token`);
      ownerRole = row.role;
    }
    // The ceiling: what was asked for, else the scope's own; never above the owner.
    const asked = input.role ?? lesserRole(SCOPE_CEILING[input.scope] ?? "viewer", ownerRole);
    if (!roleAllows(ownerRole, asked)) {
      throw badRequest(`the token's owner is ${ownerRole}: a token cannot do more than its owner (asked for ${asked})`, [{ path: "body.role", message: `at most ${ownerRole}` }]);
    }
    const role = lesserRole(asked, ownerRole);
    // A token belongs to the project it was made in (or the one the body names): it never sees another.
    const project = input.project ?? caller.project;
    await requireProject(tx, project);
    const secret = generateApiToken();
    const expiresAt = input.expiresInDays === undefined ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
    const res = await tx.query<{ id: string }>(
      `INSERT INTO api_tokens (name, prefix, hash, scope, role, environment, owner_id, created_by, expires_at, project_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
      [input.name, secret.prefix, secret.hash, input.scope, role, input.environment, ownerId, caller.actor, expiresAt, project],
    );
    const id = res.rows[0]!.id;
    const item = await tokenById(tx, id);
    await auditInTransaction(tx, {
      actor: caller.actor,
      action: "token.create",
      target: `token:${id}`,
      detail: { name: input.name, project, scope: input.scope, role, environment: input.environment, owner: item.owner, prefix: secret.prefix, expiresAt: item.expiresAt },
    });
    const { ownerId: _owner, ...view } = item;
    return { token: secret.token, item: view };
  });
}

/** Admins revoke any token; anyone else only their own. */
export async function revokeToken(pool: pg.Pool, id: string, caller: TokenCaller): Promise<TokenView> {
  return withTransaction(pool, async (tx) => {
    const before = await tokenById(tx, id);
    if (!roleAllows(caller.role, "admin") && (caller.userId === null || before.ownerId !== caller.userId)) {
      // Not 404: the caller may well see the id in an audit entry; say what would let them.
      throw new FirebreakError("forbidden", "this token belongs to someone else: only its owner or an admin can revoke it");
    }
    if (before.revokedAt === null) {
      await tx.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [id]);
      await auditInTransaction(tx, { actor: caller.actor, action: "token.revoke", target: `token:${id}`, detail: { name: before.name, scope: before.scope, owner: before.owner } });
    }
    const { ownerId: _owner, ...view } = await tokenById(tx, id);
    return view;
  });
}

export interface LiveToken {
  id: string;
  name: string;
  scope: TokenScope;
  /** The role on /api/v1 today; null for ingest keys. */
  role: Role | null;
  owner: string | null;
  ownerId: string | null;
  environment: string;
  /** The project the token reads, controls or sends records into; never another. */
  project: string;
}

/** The live token with this hash, or null (unknown, revoked, expired, or owner disabled). */
export async function liveToken(db: Queryable, hash: string, now: Date = new Date()): Promise<LiveToken | null> {
  const res = await db.query<{
    id: string;
    name: string;
    scope: TokenScope;
    role: Role;
    environment: string;
    project_id: string;
    owner_id: string | null;
    owner: string | null;
    owner_role: Role | null;
    disabled_at: Date | null;
    last_used_at: Date | null;
  }>(
    `SELECT t.id::text AS id, t.name, t.scope, t.role, t.environment, t.project_id, t.owner_id::text AS owner_id, u.name AS owner, u.role AS owner_role, u.disabled_at, t.last_used_at
       FROM api_tokens t LEFT JOIN users u ON u.id = t.owner_id
      WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`,
    [hash, now],
  );
  const r = res.rows[0];
  if (!r) return null;
  if (r.owner_id !== null && (r.owner === null || r.disabled_at !== null)) return null;
  if (r.last_used_at === null || now.getTime() - r.last_used_at.getTime() > TOUCH_EVERY_MS) {
    await db.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [r.id, now]).catch(() => null);
  }
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    role: tokenRole(r.scope, r.role, r.owner_role),
    owner: r.owner,
    ownerId: r.owner_id,
    environment: r.environment,
    project: r.project_id,
  };
}
