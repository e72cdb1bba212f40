import "server-only";
import { adminToken } from "../config/token.ts";
import { parseCookies } from "./cookies.ts";
import { FirebreakError } from "./errors.ts";
import { Reply } from "./reply.ts";
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  clearedSessionCookies,
  constantTimeEqual,
  csrfTokenFor,
  issueSession,
  sessionCookies,
  verifyCsrf,
  verifySession,
} from "./session.ts";

// The first cut of auth: one admin token, presented as a bearer token by
// programs or exchanged for a session cookie by the browser. Accounts
// replace what is behind `authenticate`, not its callers: a route names the
// least role it needs and receives a principal that carries its actor name.

/** Roles, least to most: each includes everything the one before it may do. */
export const ROLES = ["viewer", "analyst", "oncall", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The least role a route needs. */
export type AuthLevel = Role;

export interface Principal {
  kind: "admin";
  via: "bearer" | "session";
  role: Role;
  /** The name stored beside every change this principal makes (audit, notes, breaker events). */
  actor: string;
}

/** Does `role` include everything `needed` may do? */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

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
 * Who sent the request. Throws 401 with no or wrong credentials, 403 when a
 * cookie-authenticated request that changes state fails the CSRF check.
 * Every principal may read and write today; `level` is where roles will bite.
 */
export function authenticate(request: Request, _level: AuthLevel = "viewer"): Principal {
  const key = adminToken();
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (!m?.[1]) throw new UnauthorizedError("the Authorization header must be `Bearer <admin token>`", "invalid_token");
    // A wrong bearer token never falls back to the cookie: the caller meant the header.
    if (!constantTimeEqual(m[1], key)) throw new UnauthorizedError("the bearer token is not valid", "invalid_token");
    return { kind: "admin", via: "bearer", role: "admin", actor: "admin (bearer)" };
  }
  const cookies = parseCookies(request.headers.get("cookie"));
  const session = verifySession(key, cookies.get(SESSION_COOKIE));
  if (!session) {
    throw new UnauthorizedError(
      cookies.has(SESSION_COOKIE)
        ? "your session has expired or is no longer valid: sign in again"
        : "sign in, or send `Authorization: Bearer <admin token>`",
      null,
    );
  }
  if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
    rejectCrossSite(request);
    if (!verifyCsrf(key, session, request.headers.get(CSRF_HEADER), cookies.get(CSRF_COOKIE))) {
      throw new FirebreakError("forbidden", `missing or wrong ${CSRF_HEADER} header: send the value of the ${CSRF_COOKIE} cookie with every change`);
    }
  }
  return { kind: "admin", via: "session", role: "admin", actor: "admin (session)" };
}

/** For server components: is this `fb_session` cookie value a live session? */
export function hasValidSession(cookieValue: string | undefined): boolean {
  return verifySession(adminToken(), cookieValue) !== null;
}

export interface SignedIn {
  expiresAt: string;
  /** Echo it as the x-csrf-token header on changes (also in the fb_csrf cookie). */
  csrfToken: string;
}

/** Exchanges the admin token for session cookies. */
export function signIn(request: Request, token: string): Reply<SignedIn> {
  rejectCrossSite(request);
  const key = adminToken();
  if (!constantTimeEqual(token.trim(), key)) {
    throw new UnauthorizedError("that is not the admin token: copy it from the output of `npm start` or from .firebreak/admin-token", "invalid_token");
  }
  const session = issueSession(key);
  return new Reply<SignedIn>(
    { expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: csrfTokenFor(key, session) },
    200,
    sessionCookies(key, session, isSecure(request)).map((c) => ["set-cookie", c] as const),
  );
}

/** Clears the session cookies. Sessions are stateless: this signs out this browser only. */
export function signOut(request: Request): Reply<{ signedOut: true }> {
  return new Reply({ signedOut: true as const }, 200, clearedSessionCookies(isSecure(request)).map((c) => ["set-cookie", c] as const));
}

/** Browsers label requests another site started; such a request never changes state here. */
function rejectCrossSite(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") {
    throw new FirebreakError("forbidden", "cross-site requests cannot change state: use the dashboard or a bearer token");
  }
}

function isSecure(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (forwarded) return forwarded === "https";
  return new URL(request.url).protocol === "https:";
}
