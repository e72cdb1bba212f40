// Single sign-on end to end: the route handlers as Next calls them, a real
// PostgreSQL, openid-client as the relying party and a real (small) OpenID
// Connect provider over HTTP. The browser's part (following redirects,
// carrying cookies) is played by hand, so each hop can be inspected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOidcProvider, type TestProvider } from "../../helpers/oidc-provider.ts";

const ADMIN_TOKEN = "fbk_oidc-test-token-0123456789abcdef";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = ADMIN_TOKEN;

const startRoute = await import("@/app/api/v1/session/oidc/route.ts");
const callbackRoute = await import("@/app/api/v1/session/oidc/callback/route.ts");
const sessionRoute = await import("@/app/api/v1/session/route.ts");
const usersRoute = await import("@/app/api/v1/users/route.ts");
const userRoute = await import("@/app/api/v1/users/[id]/route.ts");
const passwordRoute = await import("@/app/api/v1/users/[id]/password/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { readAuditEntries } = await import("@/lib/db/audit-store.ts");
const { PrincipalView, UsersResponse } = await import("@/lib/api/account-views.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { BASE, bearerOf, get, makeUser, params, send } = await import("./account-fixtures.ts");

const admin = bearerOf(ADMIN_TOKEN);
let idp: TestProvider;

function configure(extra: Record<string, string> = {}): void {
  for (const k of Object.keys(process.env)) if (k.startsWith("FIREBREAK_OIDC_")) delete process.env[k];
  Object.assign(process.env, {
    FIREBREAK_PUBLIC_URL: BASE,
    FIREBREAK_OIDC_ISSUER: idp.issuer,
    FIREBREAK_OIDC_CLIENT_ID: idp.clientId,
    FIREBREAK_OIDC_CLIENT_SECRET: idp.clientSecret,
    FIREBREAK_OIDC_ALLOW_HTTP: "true",
    FIREBREAK_OIDC_ROLES: "admin=fb-admins,oncall=fb-oncall,analyst=fb-analysts",
    ...extra,
  });
}

const cookieOf = (res: Response, name: string): string | undefined =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);

/** Start -> provider -> the callback URL the provider sends the browser to, and the flow cookie. */
async function toCallback(next = "/incidents"): Promise<{ url: string; cookie: string }> {
  const start = await startRoute.GET(get(`/api/v1/session/oidc?next=${encodeURIComponent(next)}`, { "user-agent": "test browser" }));
  expect(start.status, await start.clone().text()).toBe(302);
  const flow = cookieOf(start, "fb_oidc");
  expect(flow).toBeDefined();
  expect(start.headers.getSetCookie().join()).toMatch(/fb_oidc=[^;]+; Path=\/api\/v1\/session\/oidc; Max-Age=600; SameSite=Lax; HttpOnly/);
  const atProvider = await fetch(start.headers.get("location")!, { redirect: "manual" });
  expect(atProvider.status).toBe(302);
  return { url: atProvider.headers.get("location")!, cookie: flow! };
}

async function signOn(next = "/incidents"): Promise<Response> {
  const { url, cookie } = await toCallback(next);
  return callbackRoute.GET(new Request(url, { headers: { cookie, "x-forwarded-for": "192.0.2.77", "user-agent": "test browser" } }));
}

function refusedWith(res: Response): string {
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location")!, BASE).searchParams.get("sso_error") ?? "";
}

async function whoAmI(res: Response): Promise<{ name: string; role: string }> {
  const session = cookieOf(res, "fb_session");
  expect(session).toBeDefined();
  const me = await sessionRoute.GET(get("/api/v1/session", { cookie: session! }));
  expect(me.status).toBe(200);
  return PrincipalView.parse(await me.json());
}

async function auditSince(seq: number) {
  return (await readAuditEntries(apiPool(), 0, 10_000)).filter((e) => Number(e.seq) > seq);
}

async function lastSeq(): Promise<number> {
  const all = await readAuditEntries(apiPool(), 0, 10_000);
  return all.length === 0 ? 0 : Number(all[all.length - 1]!.seq);
}

describe("single sign-on (OpenID Connect)", () => {
  beforeAll(async () => {
    idp = await startOidcProvider();
  });
  beforeEach(() => {
    configure();
    idp.tamper = "none";
  });
  afterAll(async () => {
    await idp.close();
    await tdb.drop();
  });

  it("signs a new person in with the role their groups map to, creates their user, and audits both", async () => {
    idp.user = { sub: "00u-alice", email: "Alice@Corp.example", groups: ["staff", "fb-oncall"] };
    const from = await lastSeq();
    const res = await signOn("/incidents?status=open");
    const page = await res.text();
    expect(res.status, page).toBe(200);
    // A page that continues with a same-site navigation, so the Strict session cookie is sent.
    expect(page).toContain('content="0;url=/incidents?status=open"');
    expect(res.headers.getSetCookie().join()).toMatch(/fb_session=[^;]+;.*SameSite=Strict; HttpOnly/);
    expect(await whoAmI(res)).toMatchObject({ name: "alice@corp.example", role: "oncall" });
    // The client authenticated and proved PKCE at the token endpoint.
    const tokenRequest = idp.tokenRequests.at(-1)!;
    expect(tokenRequest.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(tokenRequest.get("redirect_uri")).toBe(`${BASE}/api/v1/session/oidc/callback`);

    const users = UsersResponse.parse(await (await usersRoute.GET(get("/api/v1/users", admin))).json()).items;
    expect(users.find((u) => u.name === "alice@corp.example")).toMatchObject({ role: "oncall", createdBy: `oidc:${idp.issuer}`, activeSessions: 1 });
    const entries = await auditSince(from);
    expect(entries.map((e) => e.action)).toEqual(["user.create", "session.sign_in"]);
    expect(entries[1]).toMatchObject({ actor: "alice@corp.example", target: "address:192.0.2.77", detail: { via: "oidc", role: "oncall", subject: "00u-alice" } });
  });

  it("follows the provider's groups at every sign-on, and audits a role change", async () => {
    idp.user = { sub: "00u-bruno", preferredUsername: "bruno", groups: ["fb-analysts"] };
    expect(await whoAmI(await signOn())).toMatchObject({ name: "bruno", role: "analyst" });
    idp.user = { ...idp.user, groups: ["fb-analysts", "fb-admins"] };
    const from = await lastSeq();
    expect(await whoAmI(await signOn())).toMatchObject({ name: "bruno", role: "admin" });
    const synced = (await auditSince(from)).find((e) => e.action === "user.role_synced");
    expect(synced).toMatchObject({ actor: "bruno", detail: { from: "analyst", to: "admin", via: "oidc" } });
  });

  it("refuses someone in no mapped group unless a default role is set", async () => {
    idp.user = { sub: "00u-carol", email: "carol@corp.example", groups: ["staff"] };
    const from = await lastSeq();
    expect(refusedWith(await signOn())).toBe("no_role");
    const failed = (await auditSince(from)).find((e) => e.action === "session.sign_in_failed");
    expect(failed).toMatchObject({ actor: "oidc:00u-carol", detail: { via: "oidc" } });
    expect(String(failed!.detail.reason)).toContain("fb-admins, fb-oncall, fb-analysts");

    configure({ FIREBREAK_OIDC_DEFAULT_ROLE: "viewer" });
    expect(await whoAmI(await signOn())).toMatchObject({ name: "carol@corp.example", role: "viewer" });
  });

  it("uses a flow once: a replayed callback, a missing cookie or a changed state does not sign anyone in", async () => {
    idp.user = { sub: "00u-dana", email: "dana@corp.example", groups: ["fb-analysts"] };
    const { url, cookie } = await toCallback();
    expect((await callbackRoute.GET(new Request(url, { headers: { cookie } }))).status).toBe(200);
    expect(refusedWith(await callbackRoute.GET(new Request(url, { headers: { cookie } })))).toBe("flow");

    const second = await toCallback();
    expect(refusedWith(await callbackRoute.GET(new Request(second.url)))).toBe("flow");

    const third = await toCallback();
    const forged = new URL(third.url);
    forged.searchParams.set("state", "attacker-chosen-state");
    const res = await callbackRoute.GET(new Request(forged, { headers: { cookie: third.cookie } }));
    expect(refusedWith(res)).toBe("token");
    expect(cookieOf(res, "fb_session")).toBeUndefined();
  });

  it.each(["wrong-nonce", "wrong-audience", "foreign-key", "expired"] as const)("refuses an ID token with a %s", async (tamper) => {
    idp.user = { sub: "00u-erin", email: "erin@corp.example", groups: ["fb-admins"] };
    idp.tamper = tamper;
    const from = await lastSeq();
    const res = await signOn();
    expect(refusedWith(res)).toBe("token");
    expect(cookieOf(res, "fb_session")).toBeUndefined();
    const entries = await auditSince(from);
    expect(entries.map((e) => e.action)).toEqual(["session.sign_in_failed"]);
  });

  it("says when the provider itself refused", async () => {
    const { url, cookie } = await toCallback();
    const denied = new URL(url);
    denied.search = "?error=access_denied&error_description=user+cancelled";
    expect(refusedWith(await callbackRoute.GET(new Request(denied, { headers: { cookie } })))).toBe("provider");
  });

  it("never takes over a local account of the same name, keeps no password, and obeys a disable", async () => {
    const local = await makeUser(usersRoute.POST, admin, "viewer", "frank@corp.example");
    idp.user = { sub: "00u-frank", email: "frank@corp.example", groups: ["fb-admins"] };
    expect(refusedWith(await signOn())).toBe("name_taken");

    idp.user = { sub: "00u-gina", email: "gina@corp.example", groups: ["fb-analysts"] };
    await whoAmI(await signOn());
    const gina = UsersResponse.parse(await (await usersRoute.GET(get("/api/v1/users", admin))).json()).items.find((u) => u.name === "gina@corp.example")!;
    // No password sign-in, and an admin cannot give them one.
    const pw = await sessionRoute.POST(send("POST", "/api/v1/session", { name: "gina@corp.example", password: "anything at all 123" }, { "x-forwarded-for": "192.0.2.78" }));
    expect(pw.status).toBe(401);
    const reset = await passwordRoute.PUT(send("PUT", `/api/v1/users/${gina.id}/password`, { password: "a brand new password 42" }, admin), params({ id: gina.id }));
    expect(reset.status).toBe(409);
    expect(ErrorView.parse(await reset.json()).error.message).toContain("single sign-on");

    const off = await userRoute.PATCH(send("PATCH", `/api/v1/users/${gina.id}`, { disabled: true }, admin), params({ id: gina.id }));
    expect(off.status).toBe(200);
    expect(refusedWith(await signOn())).toBe("disabled");
    expect(local.name).toBe("frank@corp.example");
  });

  it("answers 404 when sign-on is off and 503 naming the setting when it is wrong", async () => {
    delete process.env.FIREBREAK_OIDC_ISSUER;
    const off = await startRoute.GET(get("/api/v1/session/oidc", {}));
    expect(off.status).toBe(404);
    expect(ErrorView.parse(await off.json()).error.message).toContain("FIREBREAK_OIDC_ISSUER");

    configure({ FIREBREAK_OIDC_ROLES: "root=fb-admins" });
    const wrong = await startRoute.GET(get("/api/v1/session/oidc", {}));
    expect(wrong.status).toBe(503);
    expect(ErrorView.parse(await wrong.json()).error.message).toContain("FIREBREAK_OIDC_ROLES");

    configure({ FIREBREAK_OIDC_ALLOW_HTTP: "false" });
    const plain = await startRoute.GET(get("/api/v1/session/oidc", {}));
    expect(plain.status).toBe(503);
    expect(ErrorView.parse(await plain.json()).error.message).toContain("https://");
  });
});
