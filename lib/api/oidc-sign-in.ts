import "server-only";
import { createHash, randomBytes } from "node:crypto";
import * as client from "openid-client";
import { identityFromClaims, oidcSettings, type OidcSettings } from "../accounts/oidc.ts";
import { audit } from "../audit/audit-log.ts";
import { withTransaction } from "../db/ingest-store.ts";
import { insertOidcFlow, oidcUser, takeOidcFlow } from "../db/oidc-store.ts";
import { pool } from "../db/pool.ts";
import { safeNextPath } from "../view/safe-next.ts";
import type { SsoErrorCode } from "../view/sso-errors.ts";
import { isSecure } from "./auth.ts";
import { clientAddress } from "./client-address.ts";
import { parseCookies, serializeCookie } from "./cookies.ts";
import { FirebreakError } from "./errors.ts";
import { openSession } from "./sign-in.ts";

// Single sign-on with an OpenID Connect provider: authorization code flow
// with PKCE, state and nonce (openid-client checks the ID token's signature,
// issuer, audience, expiry and nonce). The browser holds only a random
// secret in a short-lived cookie; the flow's secrets stay in oidc_flows.
// Every outcome, good or bad, is audited; the browser is told what went
// wrong by a fixed message (lib/view/sso-errors.ts), never by text from the
// provider, which the audit entry keeps.

export const FLOW_COOKIE = "fb_oidc";
const FLOW_PATH = "/api/v1/session/oidc";
const FLOW_TTL_MS = 10 * 60 * 1000;

type SsoFailure = SsoErrorCode;

/** The settings, or the error a caller gets when sign-on is off or misconfigured. */
export function ssoSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings {
  const r = oidcSettings(env);
  if ("off" in r) throw new FirebreakError("not_found", "single sign-on is not configured here: sign in with a user name and password, or ask an admin to set FIREBREAK_OIDC_ISSUER (docs/accounts.md)");
  if ("error" in r) throw new FirebreakError("unavailable", `single sign-on is misconfigured: ${r.error}`);
  return r.settings;
}

let discovered: { key: string; config: Promise<client.Configuration> } | null = null;

/** The provider's metadata, read once per process; a failed read is retried at the next sign-on. */
function providerConfig(s: OidcSettings): Promise<client.Configuration> {
  const key = `${s.issuer}\u0000${s.clientId}\u0000${s.clientSecret}\u0000${s.allowHttp}`;
  if (discovered?.key === key) return discovered.config;
  const config = client
    // The ID token's signature is checked against the provider's keys even over TLS
    // (OIDC lets a client skip it): the sign-in's audit entry then rests on the provider's signature.
    .discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, {
      execute: [client.enableNonRepudiationChecks, ...(s.allowHttp ? [client.allowInsecureRequests] : [])],
    })
    .catch((err: unknown) => {
      discovered = null;
      throw new FirebreakError("unavailable", `cannot read the identity provider's configuration at ${s.issuer}: ${(err as Error).message}. Check FIREBREAK_OIDC_ISSUER and that the provider is reachable from this server.`);
    });
  discovered = { key, config };
  return config;
}

const flowIdOf = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

/** GET /api/v1/session/oidc?next=/path: to the provider's sign-in page. */
export async function startOidcSignIn(request: Request): Promise<Response> {
  const s = ssoSettings();
  const config = await providerConfig(s);
  const secret = randomBytes(32).toString("base64url");
  const codeVerifier = client.randomPKCECodeVerifier();
  const flow = {
    id: flowIdOf(secret),
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    nextPath: safeNextPath(new URL(request.url).searchParams.get("next")),
  };
  await insertOidcFlow(pool(), flow, new Date(Date.now() + FLOW_TTL_MS));
  const to = client.buildAuthorizationUrl(config, {
    redirect_uri: s.redirectUri,
    scope: s.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  // Lax: the cookie must come back with the provider's redirect, a navigation from another site.
  const cookie = serializeCookie(FLOW_COOKIE, secret, { httpOnly: true, secure: isSecure(request), maxAge: FLOW_TTL_MS / 1000, sameSite: "Lax", path: FLOW_PATH });
  return new Response(null, { status: 302, headers: [["location", to.href], ["set-cookie", cookie], ["cache-control", "no-store"]] });
}

/** GET /api/v1/session/oidc/callback: the provider sends the browser back here with a code. */
export async function finishOidcSignIn(request: Request): Promise<Response> {
  const s = ssoSettings();
  const db = pool();
  const here = new URL(request.url);
  const address = clientAddress(request);
  const clearFlow = serializeCookie(FLOW_COOKIE, "", { httpOnly: true, secure: isSecure(request), maxAge: 0, sameSite: "Lax", path: FLOW_PATH });
  const fail = async (code: SsoFailure, reason: string, actor = "unknown (single sign-on)"): Promise<Response> => {
    await audit(db, { actor, action: "session.sign_in_failed", target: `address:${address}`, detail: { reason, via: "oidc", issuer: s.issuer } });
    return new Response(null, { status: 303, headers: [["location", `/login?sso_error=${code}`], ["set-cookie", clearFlow], ["cache-control", "no-store"]] });
  };

  const providerError = here.searchParams.get("error");
  if (providerError) return fail("provider", `the identity provider answered ${providerError}: ${here.searchParams.get("error_description") ?? "(no description)"}`);
  const secret = parseCookies(request.headers.get("cookie")).get(FLOW_COOKIE);
  if (!secret) return fail("flow", "no sign-on cookie: this browser did not start the sign-on here, or the cookie expired");
  const flow = await takeOidcFlow(db, flowIdOf(secret));
  if (!flow) return fail("flow", "the sign-on expired or was already used");

  let claims: Record<string, unknown>;
  try {
    // The registered redirect URI, not this request's URL: behind a proxy they differ, and the provider checks it.
    const current = new URL(s.redirectUri);
    current.search = here.search;
    const tokens = await client.authorizationCodeGrant(await providerConfig(s), current, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = { ...(tokens.claims() ?? {}) };
  } catch (err) {
    return fail("token", `the identity provider's answer did not check out: ${(err as Error).message}`);
  }

  const identity = identityFromClaims(claims, s);
  if ("refused" in identity) return fail("no_role", identity.refused, typeof claims.sub === "string" ? `oidc:${claims.sub}` : undefined);
  const subject = String(claims.sub);
  const opened = await withTransaction(db, async (tx) => {
    const user = await oidcUser(tx, { issuer: s.issuer, subject, name: identity.name, role: identity.role, groups: identity.groups });
    if ("refused" in user) return user;
    return openSession(tx, request, { userId: user.userId, role: user.role, actor: user.name }, "oidc", { issuer: s.issuer, subject });
  });
  if ("refused" in opened) return fail(opened.code, opened.refused, identity.name);
  // A page, not a redirect: the session cookie is SameSite=Strict, and a browser
  // would not send it on a redirect that began at the provider's site.
  return new Response(continuePage(flow.nextPath), {
    status: 200,
    headers: [["content-type", "text/html; charset=utf-8"], ["cache-control", "no-store"], ["set-cookie", clearFlow], ...opened.cookies.map((c) => ["set-cookie", c] as [string, string])],
  });
}

function continuePage(next: string): string {
  const href = next.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signed in</title></head><body><p>Signed in. <a href="${href}">Continue to Firebreak</a>.</p></body></html>`;
}
