// The route handlers themselves, as Next calls them (a Web Request and a
// promised params object), against a real database: auth, parsing, the lib
// call and the response shape together.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";


const TOKEN = "fbk_routes-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// db() reads these on first use; set them before any route runs.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
delete process.env.FIREBREAK_REGISTRARS;
delete process.env.FIREBREAK_REGISTRARS_FILE;

const records = await import("@/app/api/v1/records/route.ts");
const recordById = await import("@/app/api/v1/records/[id]/route.ts");
const edgesRoute = await import("@/app/api/v1/edges/route.ts");
const summaryRoute = await import("@/app/api/v1/agents/summary/route.ts");
const agentsRoute = await import("@/app/api/v1/agents/route.ts");
const agentRoute = await import("@/app/api/v1/agents/[id]/route.ts");
const contractsRoute = await import("@/app/api/v1/contracts/route.ts");
const contractRoute = await import("@/app/api/v1/contracts/[intent]/route.ts");
const sessionRoute = await import("@/app/api/v1/session/route.ts");
const openapiRoute = await import("@/app/api/v1/openapi.json/route.ts");
const { db } = await import("@/lib/db/client.ts");
const { AgentsSummaryResponse, EdgesResponse, ErrorView, RecordDetail, RecordsPage } = await import("@/lib/api/views.ts");
const { SignInView } = await import("@/lib/api/account-views.ts");
const { AgentView, ContractView } = await import("@/lib/registry/schema.ts");
const { dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents, insertStoredRecords } = await import("../../fixtures/stored-records.ts");
const { agentEntry, contractInput } = await import("../../fixtures/registry-entries.ts");

const BASE = "http://dash.test";
const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = bearer) => new Request(`${BASE}${path}`, { headers });
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = bearer) =>
  new Request(`${BASE}${path}`, { method, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

describe("/api/v1 route handlers", () => {
  let scenario: ReturnType<typeof dashboardScenario>;

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    scenario = dashboardScenario(new Date());
    await insertStoredAgents(client, scenario.agents);
    await insertStoredRecords(client, scenario.records);
    await client.end();
  });
  afterAll(async () => {
    await db().$disconnect();
    await (await import("@/lib/db/pool.ts")).pool().end();
    await tdb.drop();
  });

  it("GET /api/v1/records pages through everything in the RecordsPage shape", async () => {
    const first = await records.GET(get("/api/v1/records?limit=10"));
    expect(first.status).toBe(200);
    const page = RecordsPage.parse(await first.json());
    expect(page.items).toHaveLength(10);
    const next = RecordsPage.parse(await (await records.GET(get(`/api/v1/records?limit=500&cursor=${page.nextCursor}`))).json());
    expect(page.items.length + next.items.length).toBe(scenario.records.length);
  });

  it("GET /api/v1/records 400s on bad filters with paths under query.", async () => {
    const res = await records.GET(get("/api/v1/records?limit=501&verdict=nope"));
    expect(res.status).toBe(400);
    const body = ErrorView.parse(await res.json());
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["query.limit", "query.verdict[0]"]);
  });

  it("GET /api/v1/records needs credentials", async () => {
    const res = await records.GET(get("/api/v1/records", {}));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("GET /api/v1/records/:id returns the original and the forged copy; 404 otherwise", async () => {
    const res = await recordById.GET(get(`/api/v1/records/${scenario.forgedId}`), params({ id: scenario.forgedId }));
    expect(RecordDetail.parse(await res.json()).records).toHaveLength(2);
    const missing = await recordById.GET(get("/api/v1/records/nope"), params({ id: "nope" }));
    expect(missing.status).toBe(404);
  });

  it("GET /api/v1/edges and /api/v1/agents/summary answer in their view shapes", async () => {
    const e = EdgesResponse.parse(await (await edgesRoute.GET(get("/api/v1/edges?window=24h"))).json());
    expect(e.items.find((x) => x.sender === "planner" && x.receiver === "researcher")).toMatchObject({ total: 6, verified: 5 });
    const a = AgentsSummaryResponse.parse(await (await summaryRoute.GET(get("/api/v1/agents/summary?window=7d"))).json());
    expect(a.items.find((x) => x.id === "approver")).toMatchObject({ sent: 1, registered: true });
    const bad = await edgesRoute.GET(get("/api/v1/edges?window=forever"));
    expect(bad.status).toBe(400);
    expect(ErrorView.parse(await bad.json()).error.message).toMatch(/window must be a length like 1h, 24h or 7d/);
  });

  it("the registry routes register, read, list and replace agents and contracts", async () => {
    const entry = agentEntry("route-agent");
    const created = await agentsRoute.POST(send("POST", "/api/v1/agents", entry));
    expect(created.status).toBe(201);
    expect(AgentView.parse(await created.json()).id).toBe("route-agent");
    const again = await agentsRoute.POST(send("POST", "/api/v1/agents", entry));
    expect(again.status).toBe(409);
    const one = AgentView.parse(await (await agentRoute.GET(get("/api/v1/agents/route-agent"), params({ id: "route-agent" }))).json());
    expect(one.displayName).toBe("Agent route-agent");
    const { id: _id, ...withoutId } = entry;
    const replaced = await agentRoute.PUT(send("PUT", "/api/v1/agents/route-agent", { ...withoutId, displayName: "Renamed" }), params({ id: "route-agent" }));
    expect(replaced.status).toBe(200);
    expect(AgentView.parse(await replaced.json()).displayName).toBe("Renamed");
    const list = await (await agentsRoute.GET(get("/api/v1/agents?label=team=pricing"))).json();
    expect(AgentView.array().parse(list).map((x) => x.id)).toEqual(["route-agent"]);
    const invalid = await agentsRoute.POST(send("POST", "/api/v1/agents", { id: "x" }));
    expect(invalid.status).toBe(400);
    expect(ErrorView.parse(await invalid.json()).error.details.length).toBeGreaterThan(0);

    const put = await contractsRoute.PUT(send("PUT", "/api/v1/contracts", contractInput("PriceQuote")));
    expect(put.status).toBe(200);
    expect(ContractView.parse(await put.json()).intent).toBe("PriceQuote");
    const c = await contractRoute.GET(get("/api/v1/contracts/PriceQuote"), params({ intent: "PriceQuote" }));
    expect(ContractView.parse(await c.json()).description).toBe("The PriceQuote message");
    expect(ContractView.array().parse(await (await contractsRoute.GET(get("/api/v1/contracts"))).json())).toHaveLength(1);
    expect((await contractRoute.GET(get("/api/v1/contracts/Nope"), params({ intent: "Nope" }))).status).toBe(404);
  });

  it("a session from POST /api/v1/session reads with the cookie and writes only with the CSRF header", async () => {
    const signIn = await sessionRoute.POST(send("POST", "/api/v1/session", { token: TOKEN }, {}));
    expect(signIn.status).toBe(200);
    const { csrfToken } = SignInView.parse(await signIn.json());
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect((await records.GET(get("/api/v1/records?limit=1", { cookie }))).status).toBe(200);
    const noCsrf = await contractsRoute.PUT(send("PUT", "/api/v1/contracts", contractInput("Other"), { cookie }));
    expect(noCsrf.status).toBe(403);
    const withCsrf = await contractsRoute.PUT(send("PUT", "/api/v1/contracts", contractInput("Other"), { cookie, "x-csrf-token": csrfToken }));
    expect(withCsrf.status).toBe(200);
    const out = await sessionRoute.DELETE(new Request(`${BASE}/api/v1/session`, { method: "DELETE", headers: { cookie } }));
    expect(out.headers.getSetCookie().every((c) => c.includes("Max-Age=0"))).toBe(true);
    // Sessions live on the server now: after sign-out the same cookie is refused.
    expect((await records.GET(get("/api/v1/records?limit=1", { cookie }))).status).toBe(401);
    const wrong = await sessionRoute.POST(send("POST", "/api/v1/session", { token: "nope" }, {}));
    expect(wrong.status).toBe(401);
    const empty = await sessionRoute.POST(send("POST", "/api/v1/session", {}, {}));
    expect(ErrorView.parse(await empty.json()).error.details[0]).toEqual({ path: "body.name", message: "name is required: enter your user name and password, or paste the admin token" });
  });

  it("GET /api/v1/openapi.json is public", async () => {
    const res = await openapiRoute.GET(get("/api/v1/openapi.json", {}));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
