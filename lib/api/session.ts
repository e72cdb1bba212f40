// Session cookies for server-side sessions. The cookie carries a random
// secret; the database keeps only its SHA-256 (lib/db/sessions-store.ts),
// which is the session's id. The CSRF token is an HMAC keyed with that
// secret: only the holder of the HttpOnly cookie and the server can derive
// it, so a cookie planted by a sibling site cannot match. Nothing here reads
// the environment or the database.
import { createHmac, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { serializeCookie } from "./cookies.ts";

export const SESSION_COOKIE = "fb_session";
export const CSRF_COOKIE = "fb_csrf";
export const CSRF_HEADER = "x-csrf-token";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const VERSION = "s1";

/** Equal strings in time that depends on neither's content nor their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length inputs, so a length mismatch leaks nothing.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** A new cookie value: 256 random bits. */
export function newSessionValue(): string {
  return `${VERSION}.${randomBytes(32).toString("base64url")}`;
}

/** The stored id of a session: SHA-256 of its cookie value; null when the value is not one of ours. */
export function sessionIdOf(value: string | null | undefined): string | null {
  if (!value || !/^s1\.[A-Za-z0-9_-]{43}$/.test(value)) return null;
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** The CSRF token bound to one session. */
export function csrfTokenFor(sessionValue: string): string {
  return createHmac("sha256", sessionValue).update("firebreak.csrf").digest("base64url");
}

/**
 * What ties a session opened with the admin token to that token: an HMAC of
 * the token keyed with the cookie's secret. Rotating FIREBREAK_TOKEN changes
 * it, so every session the old token opened ends at its next request. Keyed
 * with the cookie, the stored value tells a database reader nothing about
 * the token, not even whether a guess of it is right.
 */
export function adminTokenBinding(sessionValue: string, token: string): string {
  return createHmac("sha256", sessionValue).update(`firebreak.admin-token\0${token}`).digest("base64url");
}

/** Header and cookie must both equal the session's token (double submit, bound to the session). */
export function verifyCsrf(sessionValue: string, header: string | null, cookie: string | undefined): boolean {
  if (!header || !cookie) return false;
  const expected = csrfTokenFor(sessionValue);
  // Both checks always run: no early exit that would time the first.
  const headerOk = constantTimeEqual(header, expected);
  const cookieOk = constantTimeEqual(cookie, expected);
  return headerOk && cookieOk;
}

/** Set-Cookie values that sign a browser in. */
export function sessionCookies(sessionValue: string, expiresAt: number, secure: boolean, now: number = Date.now()): string[] {
  const maxAge = (expiresAt - now) / 1000;
  return [
    serializeCookie(SESSION_COOKIE, sessionValue, { httpOnly: true, secure, maxAge }),
    // Readable by the page's script, which echoes it in the x-csrf-token header.
    serializeCookie(CSRF_COOKIE, csrfTokenFor(sessionValue), { httpOnly: false, secure, maxAge }),
  ];
}

/** Set-Cookie values that sign a browser out. */
export function clearedSessionCookies(secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, "", { httpOnly: true, secure, maxAge: 0 }),
    serializeCookie(CSRF_COOKIE, "", { httpOnly: false, secure, maxAge: 0 }),
  ];
}
