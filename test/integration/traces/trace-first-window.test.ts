// The first window the trace page renders into its HTML (ADR 0039), read on
// the server with the page's cookies, against a real database: it is the
// API's first window exactly, the windows the browser pages in after it make
// the whole trace, and whoever the API would refuse gets nothing (the
// waterfall then asks the API and shows its message).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";

const TOKEN = "fbk_first-window-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;

const traceRoute = await import("@/app/api/v1/traces/[traceId]/route.ts");
const sessionRoute = await import("@/app/api/v1/session/route.ts");
const projectsRoute = await import("@/app/api/v1/projects/route.ts");
const { db } = await import("@/lib/db/client.ts");
const { traceFirstWindow } = await import("@/lib/api/trace-first-window.ts");
const { TRACE_HEAD_SPANS, TraceView, traceHeadUrl, tracePageUrl } = await import("@/lib/api/trace-views.ts");
const { PROJECT_COOKIE } = await import("@/lib/accounts/project.ts");
const { joinTraceWindows, nextTraceCursor } = await import("@/components/waterfall/trace-pages.ts");
const { bearerOf, browserFrom, get, params, send } = await import("../accounts/account-fixtures.ts");
const { SignInView } = await import("@/lib/api/account-views.ts");
const { insertGeneratedTrace, insertSmallTrace, smallTrace } = await import("./trace-fixtures.ts");

const admin = bearerOf(TOKEN);
const BIG = "3".repeat(32);
const N = 5_000;
const small = smallTrace("checkout", new Date(Date.UTC(2026, 10, 21, 12, 0, 0)));
const elsewhere = smallTrace("elsewhere", new Date(Date.UTC(2026, 10, 21, 13, 0, 0)));

/** The API's answer for `path` with `headers`, checked with its schema. */
async function apiTrace(path: string, traceId: string, headers: Record<string, string> = admin) {
  const res = await traceRoute.GET(get(path, headers), params({ traceId }));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return TraceView.parse(JSON.parse(text));
}

describe("the trace page's first window", () => {
  let client: pg.Client;
  let cookie: string;
  const page = (c: string = cookie) => new Headers({ cookie: c });
  beforeAll(async () => {
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    await insertSmallTrace(client, small);
    await insertGeneratedTrace(client, { traceId: BIG, spans: N, shape: "tree", recordEvery: 10 });
    // A trace of another project.
    const created = await projectsRoute.POST(send("POST", "/api/v1/projects", { id: "staging", name: "Staging" }, admin));
    expect(created.status, await created.text()).toBe(201);
    await insertSmallTrace(client, elsewhere);
    await client.query(`UPDATE records SET project_id = 'staging' WHERE trace_id = $1`, [elsewhere.traceId]);
    await client.query(`UPDATE spans SET project_id = 'staging' WHERE trace_id = $1`, [elsewhere.traceId]);
    await client.query("ANALYZE spans; ANALYZE records");
    const signIn = await sessionRoute.POST(send("POST", "/api/v1/session", { token: TOKEN }, {}));
    expect(signIn.status).toBe(200);
    cookie = browserFrom(signIn, SignInView.parse(await signIn.json())).cookie;
  });
  afterAll(async () => {
    await client.end();
    await db().$disconnect();
    await tdb.drop();
  });

  it("is the API's first window exactly, for a trace bigger than a window", async () => {
    const first = await traceFirstWindow(page(), BIG);
    expect(first).not.toBeNull();
    expect(TraceView.parse(first)).toEqual(first);
    expect(first).toEqual(await apiTrace(traceHeadUrl(BIG), BIG, { cookie }));
    expect(first!.spans.id).toHaveLength(TRACE_HEAD_SPANS);
    expect(first!.truncated).toBe(true);
  });

  it("skips counting the trace: the same rows as a counted first window, its total only the lower bound", async () => {
    const first = (await traceFirstWindow(page(), BIG))!;
    const counted = await apiTrace(`/api/v1/traces/${BIG}?limit=${TRACE_HEAD_SPANS}`, BIG);
    expect(counted.total).toBe(N);
    expect(first.total).toBe(TRACE_HEAD_SPANS + 1);
    expect({ ...first, total: counted.total }).toEqual(counted);
  });

  it("with the windows the browser pages in after it, makes the whole trace", async () => {
    const pages = [(await traceFirstWindow(page(), BIG))!];
    for (let cursor = nextTraceCursor(pages[0]!); cursor; cursor = nextTraceCursor(pages.at(-1)!)) pages.push(await apiTrace(tracePageUrl(BIG, cursor), BIG));
    expect(pages.length).toBeGreaterThan(1);
    const whole = await apiTrace(`/api/v1/traces/${BIG}`, BIG);
    expect(joinTraceWindows(pages)).toEqual(whole);
  });

  it("is the whole trace when it fits in one window, with its count", async () => {
    const first = await traceFirstWindow(page(), small.traceId);
    expect(first).toEqual(await apiTrace(`/api/v1/traces/${small.traceId}`, small.traceId));
    expect(first).toMatchObject({ truncated: false, total: 6 });
  });

  it("reads the project the dashboard's cookie names, as the API does", async () => {
    expect(await traceFirstWindow(page(), elsewhere.traceId)).toBeNull();
    const inStaging = `${cookie}; ${PROJECT_COOKIE}=staging`;
    const first = await traceFirstWindow(page(inStaging), elsewhere.traceId);
    expect(first).toEqual(await apiTrace(traceHeadUrl(elsewhere.traceId), elsewhere.traceId, { cookie: inStaging }));
    expect(first!.spans.id).toHaveLength(6);
    // The default project's trace is not in staging.
    expect(await traceFirstWindow(page(inStaging), small.traceId)).toBeNull();
  });

  it("is null where the API refuses or has nothing: signed out, an ended session, an unknown project, no such trace, a malformed id", async () => {
    expect(await traceFirstWindow(new Headers(), BIG)).toBeNull();
    expect(await traceFirstWindow(page("fb_session=not-a-session"), BIG)).toBeNull();
    expect(await traceFirstWindow(page(`${cookie}; ${PROJECT_COOKIE}=nowhere`), BIG)).toBeNull();
    expect(await traceFirstWindow(page(), "9".repeat(32))).toBeNull();
    expect(await traceFirstWindow(page(), "not-a-trace")).toBeNull();
    // The API says why, in the browser.
    const res = await traceRoute.GET(get(`/api/v1/traces/${"9".repeat(32)}`, { cookie }), params({ traceId: "9".repeat(32) }));
    expect(res.status).toBe(404);
  });

  it("takes an upper-case trace id as the API does", async () => {
    expect(await traceFirstWindow(page(), small.traceId.toUpperCase())).toEqual(await traceFirstWindow(page(), small.traceId));
  });
});
