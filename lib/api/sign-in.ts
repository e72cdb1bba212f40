import "server-only";
import type { Principal } from "../accounts/access.ts";
import { ACCOUNT_POLICY, ADDRESS_POLICY, retryMessage } from "../accounts/login-throttle.ts";
import { burnPasswordCheck, verifyPassword } from "../accounts/password.ts";
import { audit, auditInTransaction } from "../audit/audit-log.ts";
import { adminToken } from "../config/token.ts";
import { withTransaction, type Tx } from "../db/ingest-store.ts";
import { claimSignInAttempt, pruneThrottle, settleSuccessfulSignIn, type ThrottleKey } from "../db/login-throttle-store.ts";
import { pool } from "../db/pool.ts";
import { insertSession, pruneSessions, revokeSession } from "../db/sessions-store.ts";
import { userForSignIn } from "../db/users-store.ts";
import type { PrincipalView, SignedOutView, SignInBody, SignInView } from "./account-views.ts";
import { isSecure, rejectCrossSite, sessionPrincipal, UnauthorizedError } from "./auth.ts";
import { parseCookies } from "./cookies.ts";
import { TooManyRequestsError } from "./errors.ts";
import { Reply } from "./reply.ts";
import { SESSION_COOKIE, SESSION_TTL_MS, adminTokenBinding, clearedSessionCookies, constantTimeEqual, csrfTokenFor, newSessionValue, sessionCookies, sessionIdOf } from "./session.ts";
import { clientAddress } from "./client-address.ts";

// Sign-in with a user name and password, or with the admin token as before
// accounts existed; sign-out; and who the caller is. Every attempt, good or
// bad, goes to the audit trail. Failed attempts are throttled per account
// and per client address in PostgreSQL (lib/accounts/login-throttle.ts).

const WRONG_PASSWORD = "wrong user name or password: check both, or ask an admin to reset your password";
const WRONG_TOKEN = "that is not the admin token: copy it from the output of `npm start` or from .firebreak/admin-token";

export async function signIn(request: Request, body: SignInBody): Promise<Reply<SignInView>> {
  rejectCrossSite(request);
  const db = pool();
  const address = clientAddress(request);
  const byToken = body.token !== undefined;
  const name = byToken ? "admin (token)" : (body.name ?? "").trim().toLowerCase().slice(0, 64);
  const keys: ThrottleKey[] = [{ key: `address:${address}`, policy: ADDRESS_POLICY }];
  if (!byToken) keys.push({ key: `account:${name}`, policy: ACCOUNT_POLICY });
  const failed = (reason: string) => audit(db, { actor: name, action: "session.sign_in_failed", target: `address:${address}`, detail: { reason, via: byToken ? "admin token" : "password" } });

  const claim = await claimSignInAttempt(db, keys);
  if (!claim.allowed) {
    await failed("throttled");
    throw tooMany(claim.retryAfterMs);
  }

  let who: SignedIn | null = null;
  let reason = "wrong admin token";
  if (byToken) {
    if (constantTimeEqual(body.token ?? "", adminToken())) who = { userId: null, role: "admin", actor: "admin (session)" };
  } else {
    const user = await userForSignIn(db, name);
    if (!user) {
      await burnPasswordCheck(body.password ?? "");
      reason = "unknown user";
    } else if (!(await verifyPassword(user.passwordHash, body.password ?? ""))) {
      reason = "wrong password";
    } else if (user.disabled) {
      reason = "user disabled";
    } else {
      who = { userId: user.id, role: user.role, actor: user.name };
    }
  }

  if (who === null) {
    await failed(reason);
    // The failure that used up the last try says so at once, with when to retry.
    const lockedFor = [...claim.states.values()].reduce((ms, s) => Math.max(ms, (s.lockedUntil ?? 0) - Date.now()), 0);
    if (lockedFor > 0) throw tooMany(lockedFor);
    throw new UnauthorizedError(byToken ? WRONG_TOKEN : WRONG_PASSWORD, "invalid_token");
  }

  const signedIn = who;
  const session = await withTransaction(db, async (tx) => {
    await settleSuccessfulSignIn(tx, keys, byToken ? [] : [`account:${name}`]);
    return openSession(tx, request, signedIn, byToken ? "admin token" : "password");
  });
  // Old rows go now and then, on a sign-in rather than on a timer.
  if (Math.random() < 0.05) await Promise.all([pruneSessions(db), pruneThrottle(db)]).catch(() => null);
  return new Reply<SignInView>(
    { expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: csrfTokenFor(session.value), user: { name: byToken ? "admin (token)" : signedIn.actor, role: signedIn.role } },
    200,
    session.cookies.map((c) => ["set-cookie", c] as const),
  );
}

export interface SignedIn {
  userId: string | null;
  role: Principal["role"];
  actor: string;
}

/**
 * Stores a new session for someone whose credentials checked out, and its
 * audit entry, in the caller's transaction. Returns the cookie value and
 * the Set-Cookie headers that carry it to the browser.
 */
export async function openSession(
  tx: Tx,
  request: Request,
  who: SignedIn,
  via: "password" | "admin token" | "oidc",
  detail: Record<string, unknown> = {},
): Promise<{ value: string; expiresAt: number; cookies: string[] }> {
  const value = newSessionValue();
  const expiresAt = Date.now() + SESSION_TTL_MS;
  const address = clientAddress(request);
  await insertSession(tx, {
    id: sessionIdOf(value)!,
    userId: who.userId,
    role: who.role,
    actor: who.actor,
    expiresAt: new Date(expiresAt),
    address,
    userAgent: request.headers.get("user-agent") ?? "",
    tokenBinding: via === "admin token" ? adminTokenBinding(value, adminToken()) : null,
  });
  await auditInTransaction(tx, { actor: who.actor, action: "session.sign_in", target: `address:${address}`, detail: { via, role: who.role, ...detail } });
  return { value, expiresAt, cookies: sessionCookies(value, expiresAt, isSecure(request)) };
}

function tooMany(ms: number): TooManyRequestsError {
  const { seconds, message } = retryMessage(ms, Date.now());
  return new TooManyRequestsError(message, seconds);
}

/** Ends this browser's session on the server and clears its cookies. */
export async function signOut(request: Request): Promise<Reply<SignedOutView>> {
  const value = parseCookies(request.headers.get("cookie")).get(SESSION_COOKIE);
  const principal = await sessionPrincipal(value);
  if (principal?.sessionId) await revokeSession(pool(), principal.sessionId, principal.actor);
  return new Reply({ signedOut: true as const }, 200, clearedSessionCookies(isSecure(request)).map((c) => ["set-cookie", c] as const));
}

/** The caller, as the dashboard shows it and hides controls by. */
export function principalView(p: Principal): PrincipalView {
  return {
    name: p.kind === "admin" ? "admin (token)" : p.kind === "token" ? p.actor : p.actor,
    role: p.role,
    kind: p.kind,
    via: p.via,
    scope: p.scope,
    expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString(),
    project: p.project,
  };
}
