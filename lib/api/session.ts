// Stateless sessions for the admin token: the cookie carries its own issue
// and expiry times and an HMAC-SHA256 over them keyed with the admin token,
// so any number of Next processes accept it and rotating the token signs
// everyone out. Nothing here reads the environment; callers pass the key.
import { createHmac, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { serializeCookie } from "./cookies.ts";

export const SESSION_COOKIE = "fb_session";
export const CSRF_COOKIE = "fb_csrf";
export const CSRF_HEADER = "x-csrf-token";
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Clock drift tolerated between the processes that issue and check a cookie. */
const ISSUE_SKEW_MS = 60 * 1000;
const VERSION = "v1";

export interface Session {
  issuedAt: number;
  expiresAt: number;
  /** The cookie value, as the CSRF token is derived from it. */
  value: string;
}

function mac(key: string, purpose: string, message: string): string {
  return createHmac("sha256", key).update(`firebreak.${purpose}.${message}`).digest("base64url");
}

/** Equal strings in time that depends on neither's content nor their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length inputs, so a length mismatch leaks nothing.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function issueSession(key: string, now: number = Date.now(), ttlMs: number = SESSION_TTL_MS): Session {
  // A random part keeps two sign-ins in the same millisecond distinct.
  const nonce = randomBytes(9).toString("base64url");
  const body = `${VERSION}.${now}.${now + ttlMs}.${nonce}`;
  return { issuedAt: now, expiresAt: now + ttlMs, value: `${body}.${mac(key, "session", body)}` };
}

/** The session a cookie value stands for, or null when it is forged, malformed or expired. */
export function verifySession(key: string, value: string | null | undefined, now: number = Date.now()): Session | null {
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 5) return null;
  const [version, iat, exp, nonce, sig] = parts as [string, string, string, string, string];
  if (version !== VERSION || !/^\d{1,15}$/.test(iat) || !/^\d{1,15}$/.test(exp) || nonce === "") return null;
  const body = `${version}.${iat}.${exp}.${nonce}`;
  if (!constantTimeEqual(sig, mac(key, "session", body))) return null;
  const issuedAt = Number(iat);
  const expiresAt = Number(exp);
  if (issuedAt > now + ISSUE_SKEW_MS || expiresAt <= now || expiresAt <= issuedAt) return null;
  return { issuedAt, expiresAt, value };
}

/** The CSRF token bound to one session: a planted fb_csrf cookie from elsewhere cannot match it. */
export function csrfTokenFor(key: string, session: Session): string {
  return mac(key, "csrf", session.value);
}

export function verifyCsrf(key: string, session: Session, header: string | null, cookie: string | undefined): boolean {
  if (!header || !cookie) return false;
  const expected = csrfTokenFor(key, session);
  // Both checks always run: no early exit that would time the first.
  const headerOk = constantTimeEqual(header, expected);
  const cookieOk = constantTimeEqual(cookie, expected);
  return headerOk && cookieOk;
}

/** Set-Cookie values that sign a browser in. */
export function sessionCookies(key: string, session: Session, secure: boolean, now: number = Date.now()): string[] {
  const maxAge = (session.expiresAt - now) / 1000;
  return [
    serializeCookie(SESSION_COOKIE, session.value, { httpOnly: true, secure, maxAge }),
    // Readable by the page's script, which echoes it in the x-csrf-token header.
    serializeCookie(CSRF_COOKIE, csrfTokenFor(key, session), { httpOnly: false, secure, maxAge }),
  ];
}

/** Set-Cookie values that sign a browser out. */
export function clearedSessionCookies(secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, "", { httpOnly: true, secure, maxAge: 0 }),
    serializeCookie(CSRF_COOKIE, "", { httpOnly: false, secure, maxAge: 0 }),
  ];
}
