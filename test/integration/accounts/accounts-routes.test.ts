// Accounts, roles, sessions and API tokens through the route handlers, as
// Next calls them, against a real PostgreSQL: who may do what, what ends a
// session or a token, the sign-in throttle, CSRF, and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN_TOKEN = "fbk_accounts-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// The routes' pool reads these on first use; set them before any route runs.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = ADMIN_TOKEN;

const sessionRoute = await import("@/app/api/v1/session/route.ts");
const myTokensRoute = await import("@/app/api/v1/session/tokens/route.ts");
const usersRoute = await import("@/app/api/v1/users/route.ts");
const userRoute = await import("@/app/api/v1/users/[id]/route.ts");
const passwordRoute = await import("@/app/api/v1/users/[id]/password/route.ts");
const userSessionsRoute = await import("@/app/api/v1/users/[id]/sessions/route.ts");
const tokensRoute = await import("@/app/api/v1/tokens/route.ts");
const tokenRoute = await import("@/app/api/v1/tokens/[id]/route.ts");
const recordsRoute = await import("@/app/api/v1/records/route.ts");
const operateRoute = await import("@/app/api/v1/breakers/operate/route.ts");
const notesRoute = await import("@/app/api/v1/incidents/[id]/notes/route.ts");
const contractsRoute = await import("@/app/api/v1/contracts/route.ts");
const webhooksRoute = await import("@/app/api/v1/webhooks/route.ts");
const killSwitchesRoute = await import("@/app/api/v1/kill-switches/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { readAuditEntries } = await import("@/lib/db/audit-store.ts");
const { verifyPassword } = await import("@/lib/accounts/password.ts");
const { groupFindings } = await import("@/lib/engine/incidents/incident-runner.ts");
const { IncidentNoteView } = await import("@/lib/api/incident-views.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { PrincipalView, RevokedSessionsView, SignInView, TokensResponse, TokenView, UsersResponse, UserView } = await import("@/lib/api/account-views.ts");
const { recordRow, store } = await import("../lineage/lineage-fixtures.ts");
const { insertFinding } = await import("../incidents/incident-fixtures.ts");
const { bearerOf, browserFrom, get, makeToken, makeUser, params, send, signInAs } = await import("./account-fixtures.ts");

const admin = bearerOf(ADMIN_TOKEN);
const OPERATE = { sender: "planner", receiver: "buyer", action: "open", reason: "testing who may" };

async function errorOf(res: Response, status: number): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return ErrorView.parse(JSON.parse(text)).error.message;
}

async function auditActions(): Promise<{ actor: string; action: string; target: string; detail: Record<string, unknown> }[]> {
  return readAuditEntries(apiPool(), 0, 10_000);
}

describe("accounts, roles and tokens", () => {
  let incidentId = "";

  beforeAll(async () => {
    const pool = apiPool();
    await store(pool, [recordRow("M", { agent: "planner", at: 1 })]);
    const grouped = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "M", agent: "planner", at: 1 })]);
    incidentId = grouped.opened[0]!;
  });
  afterAll(async () => {
    await apiPool().end();
    await tdb.drop();
  });

  it("an admin creates users; passwords are stored as argon2id, names lower-cased, duplicates refused", async () => {
    const res = await usersRoute.POST(send("POST", "/api/v1/users", { name: "  Vera.Viewer ", role: "viewer", password: "a long enough passphrase" }, admin));
    expect(res.status).toBe(201);
    const vera = UserView.parse(await res.json());
    expect(vera).toMatchObject({ name: "vera.viewer", role: "viewer", disabled: false, createdBy: "admin (bearer)", activeSessions: 0, lastSignInAt: null });
    const stored = await apiPool().query<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [vera.id]);
    expect(stored.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored.rows[0]!.password_hash, "a long enough passphrase")).toBe(true);
    expect(await errorOf(await usersRoute.POST(send("POST", "/api/v1/users", { name: "vera.viewer", role: "admin", password: "another long passphrase" }, admin)), 409)).toMatch(/already exists/);
    const short = await usersRoute.POST(send("POST", "/api/v1/users", { name: "x y", role: "boss", password: "short" }, admin));
    expect(ErrorView.parse(await short.json()).error.details.map((d) => d.path).sort()).toEqual(["body.name", "body.password", "body.role"]);
    const list = UsersResponse.parse(await (await usersRoute.GET(get("/api/v1/users", admin))).json());
    expect(list.items.map((u) => u.name)).toContain("vera.viewer");
  });

  it("a viewer reads, but cannot operate a breaker, nor list users or tokens, nor add a note", async () => {
    const viewer = await makeUser(usersRoute.POST, admin, "viewer");
    const b = await signInAs(sessionRoute.POST, viewer);
    expect((await recordsRoute.GET(get("/api/v1/records?limit=1", b.reads))).status).toBe(200);
    const me = PrincipalView.parse(await (await sessionRoute.GET(get("/api/v1/session", b.reads))).json());
    expect(me).toMatchObject({ name: viewer.name, role: "viewer", kind: "user", via: "session", scope: null });
    expect(await errorOf(await operateRoute.POST(send("POST", "/api/v1/breakers/operate", OPERATE, b.writes)), 403)).toBe(
      `this needs the oncall role; you are signed in as ${viewer.name} (viewer): ask an admin for that role`,
    );
    expect(await errorOf(await tokensRoute.GET(get("/api/v1/tokens", b.reads)), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await usersRoute.GET(get("/api/v1/users", b.reads)), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await notesRoute.POST(send("POST", `/api/v1/incidents/${incidentId}/notes`, { text: "mine" }, b.writes), params({ id: incidentId })), 403)).toMatch(/needs the analyst role/);
    expect(await errorOf(await contractsRoute.PUT(send("PUT", "/api/v1/contracts", { intent: "X", schema: {} }, b.writes)), 403)).toMatch(/needs the admin role/);
    // No kill switch, and no webhook destinations (their URLs and whether they are signed are an admin's business).
    const kill = { scope: "agent", agent: "planner", reason: "a viewer trying" };
    expect(await errorOf(await killSwitchesRoute.POST(send("POST", "/api/v1/kill-switches", kill, b.writes)), 403)).toMatch(/needs the oncall role/);
    expect(await errorOf(await webhooksRoute.GET(get("/api/v1/webhooks", b.reads)), 403)).toMatch(/needs the admin role/);
    expect((await apiPool().query(`SELECT 1 FROM kill_switches`)).rowCount).toBe(0);
  });

  it("an analyst adds an incident note, signed with their name, but cannot operate a breaker", async () => {
    const analyst = await makeUser(usersRoute.POST, admin, "analyst");
    const b = await signInAs(sessionRoute.POST, analyst);
    const res = await notesRoute.POST(send("POST", `/api/v1/incidents/${incidentId}/notes`, { text: "looked at the forged quote" }, b.writes), params({ id: incidentId }));
    expect(res.status).toBe(201);
    expect(IncidentNoteView.parse(await res.json()).author).toBe(analyst.name);
    expect(await errorOf(await operateRoute.POST(send("POST", "/api/v1/breakers/operate", OPERATE, b.writes)), 403)).toMatch(/needs the oncall role; .*\(analyst\)/);
  });

  it("an oncall user gets past the role check on breaker operations", async () => {
    const oncall = await makeUser(usersRoute.POST, admin, "oncall");
    const b = await signInAs(sessionRoute.POST, oncall);
    const res = await operateRoute.POST(send("POST", "/api/v1/breakers/operate", OPERATE, b.writes));
    // Whatever the engine says about this edge, it is not the role check's 401 or 403.
    expect([401, 403]).not.toContain(res.status);
  });

  it("CSRF is still enforced for cookie sessions, and cross-site changes are refused", async () => {
    const analyst = await makeUser(usersRoute.POST, admin, "analyst");
    const b = await signInAs(sessionRoute.POST, analyst);
    const path = `/api/v1/incidents/${incidentId}/notes`;
    expect(await errorOf(await notesRoute.POST(send("POST", path, { text: "no csrf" }, b.reads), params({ id: incidentId })), 403)).toMatch(/x-csrf-token/);
    const other = await signInAs(sessionRoute.POST, analyst);
    expect(await errorOf(await notesRoute.POST(send("POST", path, { text: "csrf of another session" }, { cookie: b.cookie, "x-csrf-token": other.csrf }), params({ id: incidentId })), 403)).toMatch(/x-csrf-token/);
    expect(await errorOf(await notesRoute.POST(send("POST", path, { text: "cross" }, { ...b.writes, "sec-fetch-site": "cross-site" }), params({ id: incidentId })), 403)).toMatch(/cross-site/);
    expect((await notesRoute.POST(send("POST", path, { text: "with csrf" }, b.writes), params({ id: incidentId }))).status).toBe(201);
  });

  it("signing out ends the session on the server: a copied cookie stops working", async () => {
    const viewer = await makeUser(usersRoute.POST, admin, "viewer");
    const b = await signInAs(sessionRoute.POST, viewer);
    const out = await sessionRoute.DELETE(send("DELETE", "/api/v1/session", undefined, b.writes));
    expect(out.headers.getSetCookie().every((c) => c.includes("Max-Age=0"))).toBe(true);
    expect(await errorOf(await recordsRoute.GET(get("/api/v1/records", b.reads)), 401)).toMatch(/session has ended/);
  });

  it("the admin token still signs in, as a session that is admin", async () => {
    const res = await sessionRoute.POST(send("POST", "/api/v1/session", { token: ADMIN_TOKEN }, { "x-forwarded-for": "192.0.2.77" }));
    expect(res.status).toBe(200);
    const body = SignInView.parse(await res.json());
    expect(body.user).toEqual({ name: "admin (token)", role: "admin" });
    const b = browserFrom(res, body);
    expect(UsersResponse.parse(await (await usersRoute.GET(get("/api/v1/users", b.reads))).json()).items.length).toBeGreaterThan(0);
    expect(await errorOf(await sessionRoute.POST(send("POST", "/api/v1/session", { token: "nope" }, {})), 401)).toMatch(/not the admin token/);
    expect(ErrorView.parse(await (await sessionRoute.POST(send("POST", "/api/v1/session", {}, {}))).json()).error.details[0]?.path).toBe("body.name");
  });

  it("rotating the admin token ends every session it opened, audited, and for good; user sessions live on", async () => {
    const res = await sessionRoute.POST(send("POST", "/api/v1/session", { token: ADMIN_TOKEN }, {}));
    const b = browserFrom(res, SignInView.parse(await res.json()));
    const viewer = await makeUser(usersRoute.POST, admin, "viewer");
    const person = await signInAs(sessionRoute.POST, viewer);
    expect((await usersRoute.GET(get("/api/v1/users", b.reads))).status).toBe(200);
    const stored = await apiPool().query<{ token_binding: string | null }>(`SELECT token_binding FROM user_sessions WHERE user_id IS NULL AND revoked_at IS NULL`);
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const row of stored.rows) expect(row.token_binding).toMatch(/^[A-Za-z0-9_-]{43}$/);

    process.env.FIREBREAK_TOKEN = "fbk_accounts-test-token-rotated-987654";
    try {
      expect(await errorOf(await usersRoute.GET(get("/api/v1/users", b.reads)), 401)).toMatch(/the admin token that opened it was rotated/);
      expect((await recordsRoute.GET(get("/api/v1/records", person.reads))).status).toBe(200);
      const ended = (await auditActions()).filter((e) => e.action === "session.end");
      expect(ended).toEqual([expect.objectContaining({ actor: "system (token rotation)", detail: { reason: "the admin token (FIREBREAK_TOKEN) that opened it was rotated" } })]);
      // The new token signs in as before.
      expect((await sessionRoute.POST(send("POST", "/api/v1/session", { token: "fbk_accounts-test-token-rotated-987654" }, {}))).status).toBe(200);
    } finally {
      process.env.FIREBREAK_TOKEN = ADMIN_TOKEN;
    }
    // Rotating back does not revive it: the session was ended, not just refused.
    expect((await usersRoute.GET(get("/api/v1/users", b.reads))).status).toBe(401);
  });

  it("disabling a user kills their sessions at once and stops their tokens; enabling lets them sign in again", async () => {
    const oncall = await makeUser(usersRoute.POST, admin, "oncall");
    const b = await signInAs(sessionRoute.POST, oncall);
    const tok = await makeToken(tokensRoute.POST, admin, { name: "omar-ci", scope: "read", ownerId: oncall.id });
    expect((await recordsRoute.GET(get("/api/v1/records", bearerOf(tok.token)))).status).toBe(200);
    const sessions = (await (await userSessionsRoute.GET(get(`/api/v1/users/${oncall.id}/sessions`, admin), params({ id: oncall.id }))).json()) as { items: unknown[] };
    expect(sessions.items).toHaveLength(1);

    const off = await userRoute.PATCH(send("PATCH", `/api/v1/users/${oncall.id}`, { disabled: true }, admin), params({ id: oncall.id }));
    expect(UserView.parse(await off.json())).toMatchObject({ disabled: true, activeSessions: 0 });
    expect((await recordsRoute.GET(get("/api/v1/records", b.reads))).status).toBe(401);
    expect((await recordsRoute.GET(get("/api/v1/records", bearerOf(tok.token)))).status).toBe(401);
    expect(await errorOf(await sessionRoute.POST(send("POST", "/api/v1/session", { name: oncall.name, password: oncall.password }, { "x-forwarded-for": "192.0.2.20" })), 401)).toMatch(/wrong user name or password/);

    await userRoute.PATCH(send("PATCH", `/api/v1/users/${oncall.id}`, { disabled: false }, admin), params({ id: oncall.id }));
    await signInAs(sessionRoute.POST, oncall, "192.0.2.20");
    expect((await recordsRoute.GET(get("/api/v1/records", bearerOf(tok.token)))).status).toBe(200);
  });

  it("a role change applies to live sessions at once", async () => {
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    const b = await signInAs(sessionRoute.POST, u);
    const path = `/api/v1/incidents/${incidentId}/notes`;
    expect((await notesRoute.POST(send("POST", path, { text: "before" }, b.writes), params({ id: incidentId }))).status).toBe(403);
    await userRoute.PATCH(send("PATCH", `/api/v1/users/${u.id}`, { role: "analyst" }, admin), params({ id: u.id }));
    expect((await notesRoute.POST(send("POST", path, { text: "after" }, b.writes), params({ id: incidentId }))).status).toBe(201);
  });

  it("resetting a password signs the user out and only the new password works", async () => {
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    const b = await signInAs(sessionRoute.POST, u, "192.0.2.30");
    const res = await passwordRoute.PUT(send("PUT", `/api/v1/users/${u.id}/password`, { password: "a brand new passphrase" }, admin), params({ id: u.id }));
    expect(res.status).toBe(200);
    expect((await recordsRoute.GET(get("/api/v1/records", b.reads))).status).toBe(401);
    expect((await sessionRoute.POST(send("POST", "/api/v1/session", { name: u.name, password: u.password }, { "x-forwarded-for": "192.0.2.30" }))).status).toBe(401);
    await signInAs(sessionRoute.POST, { name: u.name, password: "a brand new passphrase" }, "192.0.2.30");
  });

  it("an admin signs a user out everywhere", async () => {
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    const one = await signInAs(sessionRoute.POST, u);
    const two = await signInAs(sessionRoute.POST, u);
    const res = await userSessionsRoute.DELETE(send("DELETE", `/api/v1/users/${u.id}/sessions`, undefined, admin), params({ id: u.id }));
    expect(RevokedSessionsView.parse(await res.json())).toEqual({ revoked: 2 });
    for (const b of [one, two]) expect((await recordsRoute.GET(get("/api/v1/records", b.reads))).status).toBe(401);
  });

  it("the last active admin cannot be demoted or disabled", async () => {
    // The only admin *user*; the admin token is not a user and does not count.
    const rows = await apiPool().query<{ id: string }>("SELECT id::text AS id FROM users WHERE role = 'admin' AND disabled_at IS NULL");
    expect(rows.rows).toHaveLength(0);
    const root = await makeUser(usersRoute.POST, admin, "admin", "root");
    expect(await errorOf(await userRoute.PATCH(send("PATCH", `/api/v1/users/${root.id}`, { role: "viewer" }, admin), params({ id: root.id })), 409)).toMatch(/last active admin/);
    expect(await errorOf(await userRoute.PATCH(send("PATCH", `/api/v1/users/${root.id}`, { disabled: true }, admin), params({ id: root.id })), 409)).toMatch(/last active admin/);
    await makeUser(usersRoute.POST, admin, "admin", "root2");
    expect((await userRoute.PATCH(send("PATCH", `/api/v1/users/${root.id}`, { role: "oncall" }, admin), params({ id: root.id }))).status).toBe(200);
  });

  it("an ingest-only token gets 403 on every read, with what it is for", async () => {
    const ingest = await makeToken(tokensRoute.POST, admin, { name: "prod exporters", scope: "ingest", environment: "prod" });
    expect(ingest.token).toMatch(/^fbt_/);
    expect(ingest.item).toMatchObject({ scope: "ingest", environment: "prod", owner: null, lastUsedAt: null, revokedAt: null });
    const h = bearerOf(ingest.token);
    for (const res of [
      await recordsRoute.GET(get("/api/v1/records", h)),
      await sessionRoute.GET(get("/api/v1/session", h)),
      await myTokensRoute.GET(get("/api/v1/session/tokens", h)),
      await contractsRoute.GET(get("/api/v1/contracts", h)),
    ]) {
      expect(await errorOf(res, 403)).toMatch(/^this token may only send records to the collector/);
    }
  });

  it("a read token reads as a viewer and changes nothing; a control token stops at oncall", async () => {
    const owner = await makeUser(usersRoute.POST, admin, "admin");
    const read = await makeToken(tokensRoute.POST, admin, { name: "dash-export", scope: "read", ownerId: owner.id });
    expect(read.item).toMatchObject({ role: "viewer", owner: owner.name });
    const me = PrincipalView.parse(await (await sessionRoute.GET(get("/api/v1/session", bearerOf(read.token)))).json());
    expect(me).toMatchObject({ name: "token:dash-export", role: "viewer", kind: "token", scope: "read" });
    expect((await recordsRoute.GET(get("/api/v1/records", bearerOf(read.token)))).status).toBe(200);
    expect(await errorOf(await tokenRoute.DELETE(send("DELETE", `/api/v1/tokens/${read.item.id}`, undefined, bearerOf(read.token)), params({ id: read.item.id })), 403)).toMatch(/read scope/);

    const control = await makeToken(tokensRoute.POST, admin, { name: "pager-bot", scope: "control", ownerId: owner.id });
    expect(control.item.role).toBe("oncall");
    const note = await notesRoute.POST(send("POST", `/api/v1/incidents/${incidentId}/notes`, { text: "from the pager bot" }, bearerOf(control.token)), params({ id: incidentId }));
    expect(IncidentNoteView.parse(await note.json()).author).toBe("token:pager-bot");
    expect(await errorOf(await usersRoute.GET(get("/api/v1/users", bearerOf(control.token))), 403)).toMatch(/needs the admin role; the API token "pager-bot" \(scope control\) acts as oncall/);

    // A token never does more than its owner.
    const analyst = await makeUser(usersRoute.POST, admin, "analyst");
    expect(await errorOf(await tokensRoute.POST(send("POST", "/api/v1/tokens", { name: "too much", scope: "control", role: "oncall", ownerId: analyst.id }, admin)), 400)).toMatch(/cannot do more than its owner/);
    expect((await makeToken(tokensRoute.POST, admin, { name: "ana-bot", scope: "control", ownerId: analyst.id })).item.role).toBe("analyst");
  });

  it("a revoked token gets 401; tokens are stored as hashes and record their last use", async () => {
    const t = await makeToken(tokensRoute.POST, admin, { name: "short-lived", scope: "read" });
    expect((await recordsRoute.GET(get("/api/v1/records", bearerOf(t.token)))).status).toBe(200);
    const stored = await apiPool().query<{ hash: string; last_used_at: Date | null }>("SELECT hash, last_used_at FROM api_tokens WHERE id = $1", [t.item.id]);
    expect(stored.rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]!.hash).not.toContain(t.token);
    expect(stored.rows[0]!.last_used_at).not.toBeNull();
    const revoked = TokenView.parse(await (await tokenRoute.DELETE(send("DELETE", `/api/v1/tokens/${t.item.id}`, undefined, admin), params({ id: t.item.id }))).json());
    expect(revoked.revokedAt).not.toBeNull();
    const res = await recordsRoute.GET(get("/api/v1/records", bearerOf(t.token)));
    expect(await errorOf(res, 401)).toMatch(/revoked/);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const unknown = await recordsRoute.GET(get("/api/v1/records", bearerOf(`fbt_${"A".repeat(43)}`)));
    expect(unknown.status).toBe(401);
  });

  it("everyone lists their own tokens; only the owner or an admin revokes one", async () => {
    const a = await makeUser(usersRoute.POST, admin, "viewer");
    const b = await makeUser(usersRoute.POST, admin, "viewer");
    const ta = await makeToken(tokensRoute.POST, admin, { name: "a-script", scope: "read", ownerId: a.id });
    const tb = await makeToken(tokensRoute.POST, admin, { name: "b-script", scope: "read", ownerId: b.id });
    const sa = await signInAs(sessionRoute.POST, a);
    const mine = TokensResponse.parse(await (await myTokensRoute.GET(get("/api/v1/session/tokens", sa.reads))).json());
    expect(mine.items.map((t) => t.name)).toEqual(["a-script"]);
    expect(await errorOf(await tokenRoute.DELETE(send("DELETE", `/api/v1/tokens/${tb.item.id}`, undefined, sa.writes), params({ id: tb.item.id })), 403)).toMatch(/belongs to someone else/);
    expect((await tokenRoute.DELETE(send("DELETE", `/api/v1/tokens/${ta.item.id}`, undefined, sa.writes), params({ id: ta.item.id }))).status).toBe(200);
    const all = TokensResponse.parse(await (await tokensRoute.GET(get("/api/v1/tokens", admin))).json());
    expect(all.items.find((t) => t.name === "a-script")?.revokedAt).not.toBeNull();
    // Nothing secret in a listing: no hash, no token.
    expect(JSON.stringify(all)).not.toMatch(/"hash"|fbt_[A-Za-z0-9_-]{43}/);
  });

  it("locks an account after 5 failed sign-ins with 429, Retry-After and when to retry; the right password waits too", async () => {
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    const attempt = (password: string, address: string) => sessionRoute.POST(send("POST", "/api/v1/session", { name: u.name, password }, { "x-forwarded-for": address }));
    for (let i = 1; i <= 4; i++) expect((await attempt("wrong password!", `198.51.100.${i}`)).status).toBe(401);
    // The fifth failure uses up the last try: it says so at once.
    const fifth = await attempt("wrong password!", "198.51.100.5");
    expect(await errorOf(fifth.clone(), 429)).toMatch(/^too many failed sign-ins: try again in 15 minutes \(after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
    expect(Number(fifth.headers.get("retry-after"))).toBeGreaterThan(890);
    const right = await attempt(u.password, "198.51.100.6");
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeLessThanOrEqual(900);
    // Another account from the same addresses is not locked.
    const other = await makeUser(usersRoute.POST, admin, "viewer");
    await signInAs(sessionRoute.POST, other, "198.51.100.1");
  });

  it("a success resets the account's count: typos spread over a day never lock anyone out", async () => {
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await sessionRoute.POST(send("POST", "/api/v1/session", { name: u.name, password: "typo typo typo" }, { "x-forwarded-for": "203.0.113.50" }))).status).toBe(401);
      await signInAs(sessionRoute.POST, u, "203.0.113.50");
    }
  });

  it("limits failures per client address across account names, in PostgreSQL", async () => {
    const address = "203.0.113.77";
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => sessionRoute.POST(send("POST", "/api/v1/session", { name: `nobody-${i}`, password: "guess guess guess" }, { "x-forwarded-for": address }))),
    );
    const statuses = results.map((r) => r.status);
    // 30 tries per address in the window, however many arrive at once; the rest wait.
    expect(statuses.filter((s) => s === 401).length).toBe(29);
    expect(statuses.filter((s) => s === 429).length).toBe(11);
    const u = await makeUser(usersRoute.POST, admin, "viewer");
    const refused = await sessionRoute.POST(send("POST", "/api/v1/session", { name: u.name, password: u.password }, { "x-forwarded-for": address }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const row = await apiPool().query<{ failures: number }>("SELECT failures FROM login_throttle WHERE key = $1", [`address:${address}`]);
    expect(row.rows[0]!.failures).toBe(30);
  });

  it("every user and token change and every sign-in, good or bad, is in the audit trail", async () => {
    const entries = await auditActions();
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ["user.create", "user.role", "user.disable", "user.enable", "user.password_reset", "session.sign_in", "session.sign_in_failed", "session.sign_out", "session.revoke_all", "token.create", "token.revoke"]) {
      expect(actions, a).toContain(a);
    }
    const failed = entries.filter((e) => e.action === "session.sign_in_failed");
    expect(failed.some((e) => e.detail.reason === "wrong password")).toBe(true);
    expect(failed.some((e) => e.detail.reason === "unknown user")).toBe(true);
    expect(failed.some((e) => e.detail.reason === "throttled")).toBe(true);
    expect(failed.some((e) => e.detail.reason === "user disabled")).toBe(true);
    const created = entries.find((e) => e.action === "token.create" && e.detail.name === "prod exporters");
    expect(created).toMatchObject({ actor: "admin (bearer)", detail: { scope: "ingest", environment: "prod" } });
    // The secret itself never reaches the trail.
    expect(JSON.stringify(entries)).not.toMatch(/fbt_[A-Za-z0-9_-]{43}/);
  });
});
