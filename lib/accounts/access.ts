// Who is calling, and may they do this? Pure: the principal is built by
// lib/api/auth.ts from a session, the admin token or an API token; the
// check here is the one every /api/v1 route runs with the least role it names.
import { FirebreakError } from "../api/errors.ts";
import type { TokenScope } from "./api-token.ts";
import { roleAllows, type Role } from "./roles.ts";

export interface Principal {
  /** A user account, the admin token (FIREBREAK_TOKEN), or an API token. */
  kind: "user" | "admin" | "token";
  via: "bearer" | "session";
  role: Role;
  /** The name stored beside every change this principal makes (audit, notes, breaker events). */
  actor: string;
  /** The user behind a session or an owned token; null for the admin token. */
  userId: string | null;
  /** The stored id (hash) of the session, for sign-out. */
  sessionId: string | null;
  tokenId: string | null;
  scope: TokenScope | null;
  /** When a session ends (ms since the epoch); null for bearer tokens. */
  expiresAt: number | null;
  /**
   * The project (tenant) every query of this request is confined to: an API
   * token's own; for the admin token and signed-in users, the one the request
   * picks (x-firebreak-project header, `project` query parameter or cookie),
   * else default (docs/adr/0015-projects.md).
   */
  project: string;
}

export const INGEST_ONLY_MESSAGE =
  "this token may only send records to the collector (OTLP/HTTP POST /v1/traces): use a token with the read or control scope for /api/v1";

function who(p: Principal): string {
  if (p.kind === "token") return `the API token ${JSON.stringify(p.actor.replace(/^token:/, ""))} (scope ${p.scope ?? "?"}) acts as ${p.role}`;
  if (p.kind === "admin") return "the admin token is admin";
  return `you are signed in as ${p.actor} (${p.role})`;
}

/** Throws 403 naming the role needed and the caller's, unless `p` may act at `level`. */
export function requireLevel(p: Principal, level: Role): void {
  if (p.kind === "token" && p.scope === "ingest") throw new FirebreakError("forbidden", INGEST_ONLY_MESSAGE);
  if (roleAllows(p.role, level)) return;
  const fix = p.kind === "token" ? "create a token with a higher scope or role" : "ask an admin for that role";
  throw new FirebreakError("forbidden", `this needs the ${level} role; ${who(p)}: ${fix}`);
}
