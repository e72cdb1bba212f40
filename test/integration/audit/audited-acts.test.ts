// Every human change made through the API lands in the audit trail with its
// actor, in the same transaction as the change: registry, breaker overrides,
// compromise and record marks, incident acknowledgement and notes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";

const TOKEN = "fbk_audited-acts-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
delete process.env.FIREBREAK_REGISTRARS;
delete process.env.FIREBREAK_REGISTRARS_FILE;

const agentsRoute = await import("@/app/api/v1/agents/route.ts");
const contractsRoute = await import("@/app/api/v1/contracts/route.ts");
const operateRoute = await import("@/app/api/v1/breakers/operate/route.ts");
const compromiseRoute = await import("@/app/api/v1/marks/compromise/route.ts");
const compromiseById = await import("@/app/api/v1/marks/compromise/[id]/route.ts");
const ackRoute = await import("@/app/api/v1/incidents/[id]/acknowledge/route.ts");
const notesRoute = await import("@/app/api/v1/incidents/[id]/notes/route.ts");
const { db } = await import("@/lib/db/client.ts");
const { pool } = await import("@/lib/db/pool.ts");
const { readAuditEntries } = await import("@/lib/db/audit-store.ts");
const { findChainBreak } = await import("@/lib/audit/audit-chain.ts");
const { agentEntry, contractInput } = await import("../../fixtures/registry-entries.ts");
const { insertFinding } = await import("../incidents/incident-fixtures.ts");
const { groupFindings } = await import("@/lib/engine/incidents/incident-runner.ts");

const BASE = "http://dash.test";
const send = (method: string, path: string, body?: unknown) =>
  new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

let check: pg.Client;
beforeAll(async () => {
  check = new pg.Client({ connectionString: tdb.url });
  await check.connect();
});
afterAll(async () => {
  await check.end();
  await db().$disconnect();
  await pool().end();
  await tdb.drop();
});

async function lastEntry() {
  const all = await readAuditEntries(pool(), 0, 10_000);
  return all.at(-1);
}

describe("audited acts", () => {
  it("registering an agent and putting a contract are audited with the actor", async () => {
    expect((await agentsRoute.POST(send("POST", "/api/v1/agents", agentEntry("auditor-bot")))).status).toBe(201);
    expect(await lastEntry()).toMatchObject({ actor: "admin (bearer)", action: "registry.register_agent", target: "agent:auditor-bot" });
    expect((await contractsRoute.PUT(send("PUT", "/api/v1/contracts", contractInput("AuditQuote")))).status).toBe(200);
    expect(await lastEntry()).toMatchObject({ action: "registry.put_contract", target: "contract:AuditQuote" });
  });

  it("a refused registration leaves no audit entry behind", async () => {
    const before = (await readAuditEntries(pool(), 0, 10_000)).length;
    expect((await agentsRoute.POST(send("POST", "/api/v1/agents", agentEntry("auditor-bot")))).status).toBe(409);
    expect(await readAuditEntries(pool(), 0, 10_000)).toHaveLength(before);
  });

  it("a breaker override is audited with its reason and the state it left", async () => {
    const res = await operateRoute.POST(send("POST", "/api/v1/breakers/operate", { sender: "auditor-bot", receiver: "buyer", action: "force_open", reason: "poisoned quotes" }));
    expect(res.status).toBe(200);
    expect(await lastEntry()).toMatchObject({
      action: "breaker.force_open",
      target: "edge:auditor-bot->buyer",
      detail: { reason: "poisoned quotes", to: "FORCED_OPEN" },
    });
  });

  it("a compromise mark and its withdrawal are both audited", async () => {
    const res = await compromiseRoute.POST(send("POST", "/api/v1/marks/compromise", { agent: "auditor-bot", from: new Date().toISOString(), reason: "stolen key" }));
    expect(res.status).toBe(201);
    const mark = (await res.json()) as { id: string };
    expect(await lastEntry()).toMatchObject({ action: "mark.compromise", target: "agent:auditor-bot", detail: { reason: "stolen key" } });
    expect((await compromiseById.DELETE(send("DELETE", `/api/v1/marks/compromise/${mark.id}`), params({ id: mark.id }))).status).toBe(200);
    expect(await lastEntry()).toMatchObject({ action: "mark.compromise_withdrawn", target: `mark:${mark.id}` });
  });

  it("acknowledging an incident and writing a note are audited, and the chain stays whole", async () => {
    const finding = await insertFinding(pool(), { agent: "auditor-bot" });
    const { opened } = await groupFindings(pool(), "default", [finding]);
    const id = opened[0]!;
    expect((await ackRoute.POST(send("POST", `/api/v1/incidents/${id}/acknowledge`), params({ id }))).status).toBe(200);
    expect(await lastEntry()).toMatchObject({ action: "incident.acknowledge", target: `incident:${id}`, detail: { from: "open", to: "acknowledged" } });
    expect((await notesRoute.POST(send("POST", `/api/v1/incidents/${id}/notes`, { text: "quotes traced to the feed" }), params({ id }))).status).toBe(201);
    expect(await lastEntry()).toMatchObject({ action: "incident.note", detail: { text: "quotes traced to the feed" } });
    expect(findChainBreak(await readAuditEntries(pool(), 0, 10_000))).toBeNull();
  });
});
