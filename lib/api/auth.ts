import "server-only";
import { parseApiToken } from "../accounts/api-token.ts";
import { requireLevel, type Principal } from "../accounts/access.ts";
import { ROLES, roleAllows, type Role } from "../accounts/roles.ts";
import { adminToken } from "../config/token.ts";
import { pool } from "../db/pool.ts";
import { endRotatedAdminSession, liveSession } from "../db/sessions-store.ts";
import { liveToken } from "../db/tokens-store.ts";
import { parseCookies } from "./cookies.ts";
import { badRequest, FirebreakError } from "./errors.ts";
import { DEFAULT_PROJECT, PROJECT_COOKIE, PROJECT_HEADER, PROJECT_PARAM, ProjectId, requestedProject } from "../accounts/project.ts";
import { requireProject } from "../db/projects-store.ts";
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, adminTokenBinding, constantTimeEqual, sessionIdOf, verifyCsrf } from "./session.ts";

// The seam every /api/v1 route goes through: a route names the least role it
// needs, and `authenticate` returns the caller or throws 401/403. Callers
// are people with a session cookie (user accounts, or the admin token
// exchanged at sign-in), programs with an API token, and the admin token
// (FIREBREAK_TOKEN) itself as a bearer token. See docs/adr/0008.

export { ROLES, roleAllows };
export type { Principal, Role };

/** The least role a route needs. */
export type AuthLevel = Role;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class UnauthorizedError extends FirebreakError {
  /** RFC 6750: `invalid_token` when credentials were sent but are wrong. */
  readonly bearerError: "invalid_token" | null;
  constructor(message: string, bearerError: "invalid_token" | null) {
    super("unauthorized", message);
    this.bearerError = bearerError;
  }
}

/**
 * Who sent the request, if they may act at `level`. Throws 401 with no or
 * wrong credentials, 403 when the role is short, for an ingest-only token,
 * or when a cookie-authenticated change fails the CSRF check.
 */
export async function authenticate(request: Request, level: AuthLevel = "viewer"): Promise<Principal> {
  const principal = await withProject(await identify(request), request);
  requireLevel(principal, level);
  if (principal.scope === "read" && UNSAFE_METHODS.has(request.method.toUpperCase())) {
    throw new FirebreakError("forbidden", `the API token ${JSON.stringify(principal.actor.replace(/^token:/, ""))} has the read scope: it cannot change anything; use a control-scope token`);
  }
  return principal;
}

/**
 * Confines the principal to a project. An API token is bound to its own: a
 * request naming another is refused (403), never quietly answered from the
 * token's. Everyone else picks one per request, default when none is named;
 * a project that does not exist is a 404 rather than an empty dashboard.
 */
async function withProject(principal: Principal, request: Request): Promise<Principal> {
  const named = projectNamedBy(request);
  if (principal.kind === "token") {
    if (named !== null && named !== principal.project) {
      throw new FirebreakError("forbidden", `this API token belongs to the project ${JSON.stringify(principal.project)}: it cannot act on ${JSON.stringify(named)}; use a token of that project`);
    }
    return principal;
  }
  const project = named ?? DEFAULT_PROJECT;
  if (project !== DEFAULT_PROJECT) await requireProject(pool(), project);
  return { ...principal, project };
}

/** The project a request names: header (programs), then query parameter (links), then cookie (the dashboard's switcher). */
export function projectNamedBy(request: Request): string | null {
  const raw = request.headers.get(PROJECT_HEADER) ?? new URL(request.url).searchParams.get(PROJECT_PARAM) ?? parseCookies(request.headers.get("cookie")).get(PROJECT_COOKIE) ?? null;
  if (raw === null || raw === "") return null;
  const project = requestedProject(raw);
  if (project === null) throw badRequest(`${JSON.stringify(raw)} is not a project id: ${ProjectId.safeParse(raw).error?.issues[0]?.message ?? "use the id from GET /api/v1/projects"}`);
  return project;
}

/** The principal's project; routes with auth "none" have none. */
export function projectOf(principal: Principal | null): string {
  return signedIn(principal).project;
}

/** The principal of a route that names a role (never "none"). */
export function signedIn(principal: Principal | null): Principal {
  if (principal === null) throw new Error("a route that needs a principal was declared with auth: none");
  return principal;
}

async function identify(request: Request): Promise<Principal> {
  const authorization = request.headers.get("authorization");
  // A request with an Authorization header is judged by it alone: a wrong token never falls back to a cookie.
  if (authorization !== null) return bearerPrincipal(authorization);
  const cookies = parseCookies(request.headers.get("cookie"));
  const value = cookies.get(SESSION_COOKIE);
  const principal = await sessionPrincipal(value);
  if (!principal || value === undefined) {
    throw new UnauthorizedError(
      value !== undefined
        ? "your session has ended (signed out, expired, revoked by an admin, or the admin token that opened it was rotated): sign in again"
        : "sign in, or send `Authorization: Bearer <API token>`",
      null,
    );
  }
  if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
    rejectCrossSite(request);
    if (!verifyCsrf(value, request.headers.get(CSRF_HEADER), cookies.get(CSRF_COOKIE))) {
      throw new FirebreakError("forbidden", `missing or wrong ${CSRF_HEADER} header: send the value of the ${CSRF_COOKIE} cookie with every change`);
    }
  }
  return principal;
}

async function bearerPrincipal(authorization: string): Promise<Principal> {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!m?.[1]) throw new UnauthorizedError("the Authorization header must be `Bearer <API token>`", "invalid_token");
  const presented = m[1];
  const parsed = parseApiToken(presented);
  if (parsed) {
    const token = await liveToken(pool(), parsed.hash);
    if (!token) throw new UnauthorizedError("this API token is not valid: it was revoked, has expired, or its owner is disabled; ask an admin for a new one", "invalid_token");
    return {
      kind: "token",
      via: "bearer",
      // An ingest key has no /api/v1 role; requireLevel refuses it by scope before the role matters.
      role: token.role ?? "viewer",
      actor: `token:${token.name}`,
      userId: token.ownerId,
      sessionId: null,
      tokenId: token.id,
      scope: token.scope,
      expiresAt: null,
      project: token.project,
    };
  }
  if (!constantTimeEqual(presented, adminToken())) throw new UnauthorizedError("the bearer token is not valid", "invalid_token");
  return { kind: "admin", via: "bearer", role: "admin", actor: "admin (bearer)", userId: null, sessionId: null, tokenId: null, scope: null, expiresAt: null, project: DEFAULT_PROJECT };
}

/** For server components and authenticate: the live session this `fb_session` cookie value stands for. */
export async function sessionPrincipal(cookieValue: string | undefined): Promise<Principal | null> {
  const id = sessionIdOf(cookieValue);
  if (id === null) return null;
  const s = await liveSession(pool(), id);
  if (!s || cookieValue === undefined) return null;
  if (s.userId === null) {
    // An admin-token session lives only as long as the token that opened it.
    const binding = adminTokenBinding(cookieValue, adminToken());
    if (s.tokenBinding === null || !constantTimeEqual(s.tokenBinding, binding)) {
      await endRotatedAdminSession(pool(), s.id);
      return null;
    }
  }
  return {
    kind: s.userId === null ? "admin" : "user",
    via: "session",
    role: s.role,
    actor: s.actor,
    userId: s.userId,
    sessionId: s.id,
    tokenId: null,
    scope: null,
    expiresAt: s.expiresAt.getTime(),
    // Server components pick the project from the URL or cookie themselves (lib/view); authenticate() does for the API.
    project: DEFAULT_PROJECT,
  };
}

/** Browsers label requests another site started; such a request never changes state here. */
export function rejectCrossSite(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") {
    throw new FirebreakError("forbidden", "cross-site requests cannot change state: use the dashboard or a bearer token");
  }
}

export function isSecure(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded === "https";
  return new URL(request.url).protocol === "https:";
}
