// End-to-end: a real PostgreSQL, a production build of the dashboard, and
// Debian's Chromium driving it. Run with `npx tsx test/e2e/run.ts` (or
// `npm run test:e2e`). Prints `e2e: N passed, M failed` last and exits
// non-zero on any failure; child processes are stopped on every path out.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { AgentsSummaryResponse, EdgesResponse, RecordDetail, RecordsPage } from "../../lib/api/views.ts";
import { EXPECTED, dashboardScenario } from "../fixtures/dashboard-scenario.ts";
import { insertStoredAgents, insertStoredRecords } from "../fixtures/stored-records.ts";
import { E2E_INSTANCE_SEED, ROOT, build, buildReason, freePort, startDatabase, startNext, type Child } from "./harness.ts";
import { SCREENSHOTS, TOKEN, WAIT_MS, apiFetch, check, gone, results, row, see, shot, type Suite } from "./kit.ts";
import { spawnReady } from "../../lib/process/spawn-ready.ts";
import { makeSignedRecord } from "../fixtures/records.ts";
import { makeAgent } from "../fixtures/registry.ts";
import { sendRecords } from "../helpers/otlp-client.ts";
import { startOidcProvider, type TestProvider } from "../helpers/oidc-provider.ts";

const CHROMIUM = process.env.FIREBREAK_CHROMIUM ?? "/usr/bin/chromium";

const children: Child[] = [];
let browser: Browser | null = null;
let dataDir: string | null = null;
let idp: TestProvider | null = null;

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set FIREBREAK_CHROMIUM)`);
  mkdirSync(SCREENSHOTS, { recursive: true });

  dataDir = mkdtempSync(path.join(tmpdir(), "fb-e2e-"));
  console.log("e2e: starting PostgreSQL");
  const database = await startDatabase(dataDir);
  children.push(database);

  const db = new pg.Client({ connectionString: database.url });
  // Stopping the database at the end (or after a failure) ends this connection: that is not news worth a crash.
  db.on("error", () => {});
  await db.connect();
  const now = new Date();
  const scenario = dashboardScenario(now);
  // Agents first: the dashboard's first look is a new install with a registry and no records.
  await insertStoredAgents(db, scenario.agents);

  const reason = buildReason();
  if (reason) {
    console.log(`e2e: next build (${reason})`);
    build();
  } else {
    console.log("e2e: .next is current; not rebuilding (FIREBREAK_E2E_REBUILD=1 forces it)");
  }

  const port = await freePort();
  console.log(`e2e: next start on port ${port}`);
  // A real OpenID Connect provider on localhost, so single sign-on runs in the browser too (suites/65-sso.ts).
  const provider = await startOidcProvider();
  idp = provider;
  const web = await startNext(port, {
    DATABASE_URL: database.url,
    FIREBREAK_TOKEN: TOKEN,
    TZ: "UTC",
    FIREBREAK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    FIREBREAK_OIDC_ISSUER: provider.issuer,
    FIREBREAK_OIDC_CLIENT_ID: provider.clientId,
    FIREBREAK_OIDC_CLIENT_SECRET: provider.clientSecret,
    FIREBREAK_OIDC_ALLOW_HTTP: "true",
    FIREBREAK_OIDC_LABEL: "Test IdP",
    FIREBREAK_OIDC_ROLES: "oncall=e2e-oncall,viewer=e2e-staff",
  });
  children.push(web);
  const base = web.baseUrl;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const context: BrowserContext = await browser.newContext({
    baseURL: base,
    viewport: { width: 1440, height: 900 },
    timezoneId: "UTC",
    locale: "en-US",
    colorScheme: "light",
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  // Anything the page's Content-Security-Policy refused (Chromium reports each as a console error).
  const cspViolations: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
  });

  console.log("e2e: checks");

  await check("an unauthenticated API call gets 401 with WWW-Authenticate: Bearer", async () => {
    const res = await apiFetch(base, "/api/v1/edges");
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer /);
    const body = (await res.json()) as { error?: { message?: string } };
    assert.match(body.error?.message ?? "", /sign in|Bearer/);
    const wrong = await apiFetch(base, "/api/v1/records", { headers: { authorization: "Bearer not-the-token-at-all" } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
  });

  await check("every page carries a Content-Security-Policy with a fresh nonce, and no inline script runs without it", async () => {
    const policies = await Promise.all([1, 2].map(async () => (await fetch(`${base}/login`)).headers.get("content-security-policy") ?? ""));
    const nonces = policies.map((p) => /'nonce-([^']+)'/.exec(p)?.[1]);
    assert.ok(nonces[0] && nonces[1], `a nonce in the policy: ${policies[0]}`);
    assert.notEqual(nonces[0], nonces[1], "each response has its own nonce");
    assert.match(policies[0]!, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'; /);
    assert.doesNotMatch(policies[0]!, /unsafe-eval/);
    const html = await (await fetch(`${base}/login`)).text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1] ?? "");
    assert.ok(inline.length > 0, "the sign-in page has inline scripts (Next's and the theme's)");
    for (const attrs of inline) assert.match(attrs, /nonce="[^"]+"/, `an inline script without a nonce: <script${attrs}>`);
  });

  await check("a signed-out visit to a page redirects to /login and keeps the page as `next`", async () => {
    await page.goto("/?window=24h");
    const url = new URL(page.url());
    assert.equal(url.pathname, "/login");
    assert.equal(url.searchParams.get("next"), "/?window=24h");
    await see(page.getByRole("heading", { name: "Sign in to Firebreak" }), "the sign-in heading");
    await shot(page, "login-light");
  });

  await check("a wrong token shows the API's message", async () => {
    await page.getByRole("button", { name: "Use the admin token instead" }).click();
    await page.getByLabel("Admin token").fill("definitely-not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await see(page.getByRole("alert").filter({ hasText: "not the admin token" }), "the wrong-token message");
  });

  await check("signing in with the admin token lands on the page asked for", async () => {
    await page.getByLabel("Admin token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/" && u.searchParams.get("window") === "24h", { timeout: WAIT_MS });
    await see(page.getByRole("heading", { name: "Agents & edges" }), "the overview heading");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "fb_session");
    assert.ok(session, "fb_session cookie set");
    assert.equal(session.httpOnly, true, "fb_session is HttpOnly");
    assert.equal(session.sameSite, "Strict");
    assert.equal(cookies.find((c) => c.name === "fb_csrf")?.httpOnly, false, "fb_csrf readable by the page");
  });

  await check("with agents registered but no records, the overview says how to send records", async () => {
    await see(page.getByTestId("no-records").filter({ hasText: "No records yet." }), "the no-records empty state");
    await see(page.getByTestId("no-records").filter({ hasText: `:4318/v1/traces` }), "the collector endpoint");
    await see(row(page, "data-agent", "executor").filter({ hasText: "Unattested" }), "the registered agents listed");
    await see(page.getByText("No messages between agents in the last 24 hours"), "the empty edges state");
    await shot(page, "overview-empty-light");
  });

  await insertStoredRecords(db, scenario.records);

  await check("the agents table shows the seeded numbers, badges and verdict chips", async () => {
    await page.reload();
    const exp = EXPECTED["24h"].agents;
    const planner = row(page, "data-agent", "planner");
    await see(planner.filter({ hasText: "Trip planner" }), "planner with its display name");
    await see(planner.getByTestId("share").filter({ hasText: new RegExp(`^${exp.planner.percent}$`) }), `planner verified ${exp.planner.percent}`);
    await see(planner.locator('[data-verdict="bad_signature"]').filter({ hasText: "Bad signature" }), "a Bad signature chip on planner");
    await see(planner.locator('[data-verdict="replay"]').filter({ hasText: "Replay" }), "a Replay chip on planner");
    await see(planner.filter({ hasText: "Registered" }).filter({ hasText: "Attested" }), "planner's Registered and Attested badges");
    await see(row(page, "data-agent", "researcher").getByTestId("share").filter({ hasText: exp.researcher.percent }), `researcher ${exp.researcher.percent}`);
    await see(row(page, "data-agent", "researcher").locator('[data-verdict="pending"]'), "researcher's Pending chip");
    await see(row(page, "data-agent", "executor").getByTestId("share").filter({ hasText: exp.executor.percent }), `executor ${exp.executor.percent}`);
    const rogue = row(page, "data-agent", "rogue-agent");
    await see(rogue.filter({ hasText: "Unregistered" }), "rogue-agent marked Unregistered");
    await see(rogue.getByTestId("share").filter({ hasText: /^0%$/ }), "rogue-agent 0% verified");
    await see(rogue.locator('[data-verdict="unknown_agent"]').filter({ hasText: "×3" }), "rogue-agent Unknown agent ×3");
    await see(page.getByText(/UTC/).first(), "a last-seen time with its zone");
    await gone(page.getByTestId("no-records"), "the no-records state");
  });

  await check("the edges table shows sender -> receiver counts and shares", async () => {
    for (const [key, e] of Object.entries(EXPECTED["24h"].edges)) {
      const r = row(page, "data-edge", key);
      await see(r.getByTestId("share").filter({ hasText: new RegExp(`^${e.percent}$`) }), `edge ${key} at ${e.percent}`);
      await see(r.locator("td").nth(1).filter({ hasText: new RegExp(`^${e.total}$`) }), `edge ${key} with ${e.total} messages`);
    }
    await see(row(page, "data-edge", "planner->researcher").locator('[data-verdict="bad_signature"]'), "the forged copy on planner -> researcher");
    await shot(page, "overview-light");
  });

  await check("the window lives in the URL: 1h drops older edges, 7d adds older agents", async () => {
    await page.getByRole("link", { name: "1h" }).click();
    await page.waitForURL((u) => u.searchParams.get("window") === "1h", { timeout: WAIT_MS });
    await see(page.locator('nav[aria-label="Time window"] a[aria-current="page"]').filter({ hasText: "1h" }), "1h marked current");
    for (const key of EXPECTED["1h"].absentEdges) await gone(row(page, "data-edge", key), `edge ${key} in the 1h window`);
    await see(row(page, "data-agent", "executor").getByTestId("share").filter({ hasText: EXPECTED["1h"].agents.executor.percent }), "executor 100% in 1h");
    await page.goto("/?window=7d");
    await see(row(page, "data-agent", "approver").getByTestId("share").filter({ hasText: EXPECTED["7d"].agents.approver.percent }), "approver 100% in 7d");
    await page.goto("/?window=24h");
    await see(row(page, "data-edge", "executor->planner"), "edge executor->planner back in 24h");
  });

  await check("a phone-sized screen has no sideways scrolling outside the tables", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/?window=24h");
    await see(row(page, "data-agent", "planner"), "the agents table on a phone");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await see(page.getByRole("button", { name: "Sign out" }), "sign out on a phone");
    await shot(page, "overview-mobile-light");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await check("the API answers bearer calls in the shapes the schemas describe", async () => {
    const summary = AgentsSummaryResponse.parse(await (await apiFetch(base, "/api/v1/agents/summary?window=24h", { bearer: true })).json());
    const planner = summary.items.find((a) => a.id === "planner");
    assert.equal(planner?.sent, EXPECTED["24h"].agents.planner.sent);
    assert.equal(planner?.verified, EXPECTED["24h"].agents.planner.verified);
    const edges = EdgesResponse.parse(await (await apiFetch(base, "/api/v1/edges?window=24h", { bearer: true })).json());
    assert.equal(edges.items.length, Object.keys(EXPECTED["24h"].edges).length);
    const replays = RecordsPage.parse(await (await apiFetch(base, "/api/v1/records?verdict=replay", { bearer: true })).json());
    assert.equal(replays.items.length, 1);
    const forged = RecordDetail.parse(await (await apiFetch(base, `/api/v1/records/${scenario.forgedId}`, { bearer: true })).json());
    assert.deepEqual(forged.records.map((r) => r.verified), [true, false]);
    const missing = await apiFetch(base, "/api/v1/records/no-such-id", { bearer: true });
    assert.equal(missing.status, 404);
    const doc = (await (await apiFetch(base, "/api/v1/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, "3.1.0");
    for (const p of ["/api/v1/records", "/api/v1/records/{id}", "/api/v1/edges", "/api/v1/agents/summary", "/api/v1/agents", "/api/v1/agents/{id}", "/api/v1/contracts", "/api/v1/contracts/{intent}"]) {
      assert.ok(doc.paths[p], `openapi.json documents ${p}`);
    }
  });

  await check("cookie-authenticated changes need the CSRF header", async () => {
    const status = await page.evaluate(async () => {
      const body = JSON.stringify({ intent: "E2eProbe", schema: { type: "object" } });
      const without = await fetch("/api/v1/contracts", { method: "PUT", headers: { "content-type": "application/json" }, body });
      const token = /(?:^|;\s*)fb_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? "";
      const withToken = await fetch("/api/v1/contracts", { method: "PUT", headers: { "content-type": "application/json", "x-csrf-token": token }, body });
      return [without.status, withToken.status];
    });
    assert.deepEqual(status, [403, 200]);
  });

  await check("the records screen lists filtered records and shows the API's error for a bad filter", async () => {
    await page.goto("/records?verdict=bad_signature");
    await see(row(page, "data-record", scenario.forgedId).locator('[data-verdict="bad_signature"]'), "the forged record");
    assert.equal(await page.locator("tbody tr").count(), 1);
    await shot(page, "records-light");
    await page.goto("/records?kind=bogus");
    await see(page.getByTestId("error-message").filter({ hasText: "kind must be one of" }), "the API's validation message");
  });

  await check("dark theme: system preference, and a stored choice that survives a reload", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/?window=24h");
    assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
    await see(row(page, "data-agent", "planner"), "the agents table in dark");
    await shot(page, "overview-dark");
    await page.goto("/records");
    await see(page.locator("tbody tr").first(), "records in dark");
    await shot(page, "records-dark");
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByRole("button", { name: "Light" }).click();
    assert.equal(await page.locator("html").getAttribute("data-theme"), "light");
    await page.reload();
    assert.equal(await page.locator("html").getAttribute("data-theme"), "light", "stored choice beats the system preference");
    await page.getByRole("button", { name: "System" }).click();
    assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
    await page.emulateMedia({ colorScheme: "light" });
  });

  await check("the whole loop: agents registered through the API, records sent by the OTel exporter to the collector, seen on the dashboard", async () => {
    const sender = makeAgent({ id: "live-sender", displayName: "Live sender", capabilities: [{ intent: "PriceQuote", to: ["live-receiver"] }] });
    const entries = [makeAgent({ id: "live-gateway", kind: "gateway" }), sender, makeAgent({ id: "live-receiver" })];
    for (const a of entries) {
      const res = await apiFetch(base, "/api/v1/agents", {
        method: "POST",
        bearer: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: a.id, displayName: a.displayName, kind: a.kind, keys: a.keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey })), capabilities: a.capabilities }),
      });
      assert.equal(res.status, 201, `registering ${a.id}: ${await res.text()}`);
    }
    const contract = await apiFetch(base, "/api/v1/contracts", {
      method: "PUT",
      bearer: true,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ intent: "PriceQuote", schema: { type: "object", required: ["unit_price"], properties: { unit_price: { type: "number" } } } }),
    });
    assert.ok(contract.ok, `contract: ${await contract.text()}`);
    const collector = await spawnReady("scripts/collector.ts", {
      cwd: ROOT,
      // The same instance key as the dashboard: the collector signs audit checkpoints with it.
      env: { DATABASE_URL: database.url, FIREBREAK_TOKEN: TOKEN, FIREBREAK_INSTANCE_KEY: E2E_INSTANCE_SEED, FIREBREAK_COLLECTOR_PORT: "0", FIREBREAK_COLLECTOR_HOST: "127.0.0.1" },
    });
    children.push({ proc: collector.child, output: collector.output, stop: () => collector.stop() });
    const ts = new Date().toISOString();
    const request = makeSignedRecord({ kind: "request", agent: "live-gateway", to: undefined, intent: "restock", payload: '{"text":"restock"}', timestamp: ts });
    const quotes = [1, 2, 3].map((n) =>
      makeSignedRecord({ agent: "live-sender", to: ["live-receiver"], intent: "PriceQuote", payload: `{"unit_price":${n}}`, parents: [request.id], authority: [request.id], timestamp: ts }),
    );
    await sendRecords(`http://127.0.0.1:${collector.value}/v1/traces`, TOKEN, [request, ...quotes]);
    await page.goto("/?window=1h");
    const live = row(page, "data-agent", "live-sender");
    await see(live, "the live sender's row");
    await see(live.getByText("100%"), "the live sender at 100% verified");
    await see(row(page, "data-edge", "live-sender->live-receiver"), "the live edge");
    await shot(page, "overview-live-light");
  });

  // Screens beyond the first cut bring their own checks, run in file-name order.
  const suiteDir = path.join(ROOT, "test", "e2e", "suites");
  // FIREBREAK_E2E_SUITES=65-sso,20-graph runs only those (while working on one screen); CI runs all.
  const only = (process.env.FIREBREAK_E2E_SUITES ?? "").split(",").filter(Boolean);
  const suiteFiles = (existsSync(suiteDir) ? readdirSync(suiteDir).filter((f) => f.endsWith(".ts")).sort() : []).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  for (const file of suiteFiles) {
    console.log(`e2e: suite ${file}`);
    const mod = (await import(pathToFileURL(path.join(suiteDir, file)).href)) as { default: Suite };
    await mod.default({ base, page, context, db, databaseUrl: database.url, scenario, children, idp: provider });
  }

  await check("signing out returns to /login and the dashboard stays closed", async () => {
    await page.goto("/");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/login", { timeout: WAIT_MS });
    assert.equal((await context.cookies()).find((c) => c.name === "fb_session"), undefined);
    await page.goto("/records");
    assert.equal(new URL(page.url()).pathname, "/login");
  });

  await check("no uncaught errors in the browser", async () => {
    assert.deepEqual(pageErrors, []);
  });

  await check("nothing on any screen was refused by the Content-Security-Policy", async () => {
    assert.deepEqual(cspViolations, []);
  });

  await db.end();
}

async function cleanup(): Promise<void> {
  await browser?.close().catch(() => {});
  browser = null;
  await idp?.close().catch(() => {});
  idp = null;
  // Next first, then the database it talks to.
  for (const child of children.reverse()) await child.stop().catch(() => {});
  children.length = 0;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
}

let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`e2e: ${sig}, stopping children`);
    void cleanup().finally(() => process.exit(130));
  });
}

let fatal: unknown = null;
try {
  await main();
} catch (err) {
  fatal = err;
} finally {
  if (fatal || results.some((r) => !r.ok)) {
    const web = children.find((c) => c.proc.spawnargs.includes("start"));
    if (web) console.log(`--- next start output (tail) ---\n${web.output().slice(-4000)}`);
  }
  await cleanup();
}
if (fatal) {
  console.error(`e2e: could not run: ${fatal instanceof Error ? (fatal.stack ?? fatal.message) : String(fatal)}`);
  results.push({ name: "setup", ok: false, error: String(fatal) });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
