import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";


const { createPrisma } = await import("@/lib/db/prisma.ts");
const { edgeSummary } = await import("@/lib/db/edges-query.ts");
const { agentsSummary } = await import("@/lib/db/agents-summary-query.ts");
const { WindowQuery } = await import("@/lib/api/params.ts");
const { AgentsSummaryResponse, EdgesResponse } = await import("@/lib/api/views.ts");
const { formatPercent } = await import("@/lib/view/format.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { EXPECTED, dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents, insertStoredRecords, storedAgent, storedRecord } = await import("../../fixtures/stored-records.ts");

type Prisma = ReturnType<typeof createPrisma>;
const NOW = new Date("2026-11-21T12:00:00.000Z");

describe("summaries over a seeded system", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: Prisma;
  let client: pg.Client;

  const agents = async (q: Record<string, string>, now = NOW) => AgentsSummaryResponse.parse(await agentsSummary(prisma, "default", WindowQuery.parse(q), now));
  const edges = async (q: Record<string, string>, now = NOW) => EdgesResponse.parse(await edgeSummary(prisma, "default", WindowQuery.parse(q), now));

  beforeAll(async () => {
    tdb = await createTestDatabase();
    prisma = createPrisma(tdb.url, { max: 2 });
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await client.end();
    await tdb.drop();
  });

  it("on an empty database: no records, no edges, a default 24 h window", async () => {
    const a = await agents({});
    expect(a).toEqual({ from: "2026-11-20T12:00:00.000Z", to: NOW.toISOString(), hasRecords: false, items: [] });
    expect((await edges({})).items).toEqual([]);
  });

  it("lists registered agents that sent nothing, with no share", async () => {
    const scenario = dashboardScenario(NOW);
    await insertStoredAgents(client, scenario.agents);
    const a = await agents({});
    expect(a.hasRecords).toBe(false);
    expect(a.items.map((x) => x.id).sort()).toEqual(["approver", "executor", "planner", "researcher"]);
    expect(a.items.every((x) => x.sent === 0 && x.verifiedShare === null && x.lastSeen === null && x.registered)).toBe(true);
    expect(a.items.find((x) => x.id === "planner")).toMatchObject({ displayName: "Trip planner", kind: "agent", attested: true, version: "1.4.0", labels: { team: "travel" } });
    await insertStoredRecords(client, scenario.records);
  });

  it("counts agents over 24 h as worked out by hand", async () => {
    const a = await agents({ window: "24h" });
    expect(a.hasRecords).toBe(true);
    for (const [id, exp] of Object.entries(EXPECTED["24h"].agents)) {
      const got = a.items.find((x) => x.id === id);
      expect(got, id).toBeDefined();
      expect(got?.sent, `${id} sent`).toBe(exp.sent);
      expect(got?.verified, `${id} verified`).toBe(exp.verified);
      expect(formatPercent(got?.verifiedShare), `${id} percent`).toBe(exp.percent);
      const failures = Object.fromEntries(Object.entries(got?.byVerdict ?? {}).filter(([v]) => v !== "verified"));
      expect(failures, `${id} failures`).toEqual(exp.failures);
    }
    const rogue = a.items.find((x) => x.id === "rogue-agent");
    expect(rogue).toMatchObject({ registered: false, displayName: null, kind: null, attested: false, labels: {} });
    expect(a.items.find((x) => x.id === "executor")?.attested).toBe(false);
    // Busiest first.
    expect(a.items[0]?.id).toBe("planner");
  });

  it("reports last seen at any time, even outside the window", async () => {
    const a = await agents({ window: "1h" });
    const approver = a.items.find((x) => x.id === "approver");
    expect(approver?.sent).toBe(0);
    expect(approver?.lastSeen).toBe(new Date(NOW.getTime() - 48 * 3_600_000).toISOString());
  });

  it("narrows and widens with the window", async () => {
    expect((await agents({ window: "1h" })).items.find((x) => x.id === "executor")).toMatchObject({ sent: 1, verified: 1 });
    expect((await agents({ window: "7d" })).items.find((x) => x.id === "approver")).toMatchObject({ sent: 1, verified: 1, verifiedShare: 1 });
    const e1 = await edges({ window: "1h" });
    expect(e1.items.map((e) => `${e.sender}->${e.receiver}`)).not.toContain("executor->planner");
  });

  it("counts edges of message records over 24 h as worked out by hand", async () => {
    const e = await edges({ window: "24h" });
    const byKey = new Map(e.items.map((x) => [`${x.sender}->${x.receiver}`, x]));
    expect([...byKey.keys()].sort()).toEqual(Object.keys(EXPECTED["24h"].edges).sort());
    for (const [key, exp] of Object.entries(EXPECTED["24h"].edges)) {
      const got = byKey.get(key);
      expect(got?.total, key).toBe(exp.total);
      expect(got?.verified, key).toBe(exp.verified);
      expect(formatPercent(got?.verifiedShare), key).toBe(exp.percent);
    }
    expect(byKey.get("planner->researcher")?.byVerdict).toEqual({ verified: 5, bad_signature: 1 });
    expect(byKey.get("rogue-agent->executor")?.byVerdict).toEqual({ unknown_agent: 3, unsigned: 1 });
    // Busiest first, ties by sender then receiver.
    expect(e.items[0]?.total).toBe(6);
  });

  it("counts a message to several receivers once on each edge, and ignores other kinds", async () => {
    const at = new Date(NOW.getTime() - 60_000);
    await insertStoredAgents(client, [storedAgent("fanout")]);
    await insertStoredRecords(client, [
      storedRecord({ agent: "fanout", receivers: ["r1", "r2", "r3"], ts: at }),
      storedRecord({ agent: "fanout", kind: "action", receivers: ["r1"], ts: at }),
    ]);
    const e = await edges({ window: "1h" });
    const fan = e.items.filter((x) => x.sender === "fanout");
    expect(fan.map((x) => [x.receiver, x.total])).toEqual([
      ["r1", 1],
      ["r2", 1],
      ["r3", 1],
    ]);
    expect((await agents({ window: "1h" })).items.find((x) => x.id === "fanout")?.sent).toBe(2);
  });

  it("takes explicit from/to and rejects a window that makes no sense", async () => {
    const e = await edges({ from: "2026-11-21T08:00:00Z", to: "2026-11-21T10:00:00Z" });
    expect(e.items.map((x) => `${x.sender}->${x.receiver}`)).toEqual(["executor->planner"]);
    await expect(edgeSummary(prisma, "default", WindowQuery.parse({ from: "2026-11-21T10:00:00Z", to: "2026-11-21T08:00:00Z" }), NOW)).rejects.toThrow(/before `to`/);
    await expect(agentsSummary(prisma, "default", WindowQuery.parse({ window: "1h", from: "2026-11-21T10:00:00Z" }), NOW)).rejects.toThrow(/either/);
  });
});
