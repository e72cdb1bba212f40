// API tokens for automation: `fbt_` + 32 random bytes (base64url). Only the
// SHA-256 of a token is stored: with 256 random bits there is nothing to
// guess, so a slow hash would only slow every request (ADR 0008).
import { createHash, randomBytes } from "node:crypto";
import { lesserRole, type Role } from "./roles.ts";
import type { TokenScope } from "./token-scopes.ts";

export const API_TOKEN_PREFIX = "fbt_";
const SECRET_BYTES = 32;
/** base64url of 32 bytes, without padding. */
const SECRET_CHARS = 43;
/** Characters kept in clear to tell tokens apart in lists: the prefix and 8 of the secret. */
const VISIBLE_CHARS = API_TOKEN_PREFIX.length + 8;

export { TOKEN_SCOPES, type TokenScope } from "./token-scopes.ts";

/**
 * The most each scope may do on /api/v1. `ingest` reaches only the
 * collector; `control` is on-call work (kill switches, breaker overrides,
 * approvals), never user or registry administration.
 */
export const SCOPE_CEILING: Record<TokenScope, Role | null> = { read: "viewer", ingest: null, control: "oncall" };

export interface NewApiToken {
  /** Shown once, to the person who created it. */
  token: string;
  prefix: string;
  hash: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateApiToken(): NewApiToken {
  const token = `${API_TOKEN_PREFIX}${randomBytes(SECRET_BYTES).toString("base64url")}`;
  return { token, prefix: token.slice(0, VISIBLE_CHARS), hash: hashToken(token) };
}

/** The stored hash of a string that has the shape of an API token; null for anything else. */
export function parseApiToken(value: string): { prefix: string; hash: string } | null {
  if (!value.startsWith(API_TOKEN_PREFIX)) return null;
  const secret = value.slice(API_TOKEN_PREFIX.length);
  if (secret.length !== SECRET_CHARS || !/^[A-Za-z0-9_-]+$/.test(secret)) return null;
  return { prefix: value.slice(0, VISIBLE_CHARS), hash: hashToken(value) };
}

/**
 * The role a token acts with on /api/v1: its scope's ceiling, the role it was
 * given, and its owner's role today, whichever is least; null when it may not
 * use /api/v1 at all (ingest keys).
 */
export function tokenRole(scope: TokenScope, granted: Role, ownerRole: Role | null): Role | null {
  const ceiling = SCOPE_CEILING[scope];
  if (ceiling === null) return null;
  const capped = lesserRole(ceiling, granted);
  return ownerRole === null ? capped : lesserRole(capped, ownerRole);
}
