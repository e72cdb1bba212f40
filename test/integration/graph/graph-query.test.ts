import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";

const { createPool } = await import("@/lib/db/ingest-store.ts");
const { agentGraph, agentGraphAnswer } = await import("@/lib/db/graph-query.ts");
const { GraphColumns, fromGraphColumns } = await import("@/lib/api/graph-columns.ts");
const { GraphQuery, GraphResponse } = await import("@/lib/api/graph-views.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { EXPECTED, dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents, insertStoredRecords } = await import("../../fixtures/stored-records.ts");

const NOW = new Date("2026-11-21T12:00:00.000Z");
const MIN = 60_000;

describe("the agent graph over the seeded system", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let client: pg.Client;
  const graph = async (q: Record<string, string>, now = NOW) => GraphResponse.parse(await agentGraph(pool, "default", GraphQuery.parse(q), now));
  const event = (sender: string, receiver: string, from: string, to: string, at: Date, cause: string, actor: string | null = null) =>
    client.query(`INSERT INTO breaker_events (sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor) VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8)`, [
      sender,
      receiver,
      from,
      to,
      at,
      cause,
      `test: ${cause}`,
      actor,
    ]);
  const state = (sender: string, receiver: string, machine: Record<string, unknown>) =>
    client.query(`INSERT INTO breaker_states (sender, receiver, state, since, machine) VALUES ($1, $2, $3, $4, $5::jsonb)`, [sender, receiver, machine.state, new Date(machine.since as number), JSON.stringify(machine)]);

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 2);
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    const scenario = dashboardScenario(NOW);
    await insertStoredAgents(client, scenario.agents);
    await insertStoredRecords(client, scenario.records);
  });
  afterAll(async () => {
    await pool.end();
    await client.end();
    await tdb.drop();
  });

  it("lists every agent and the 24 h links with counts worked out by hand; no breaker row reads CLOSED", async () => {
    const g = await graph({});
    expect(g.replay).toBe(false);
    expect(g.nodes.map((n) => n.id)).toEqual(["approver", "executor", "planner", "researcher", "rogue-agent"]);
    for (const [key, e] of Object.entries(EXPECTED["24h"].edges)) {
      const [sender, receiver] = key.split("->");
      const l = g.links.find((x) => x.sender === sender && x.receiver === receiver);
      expect(l, key).toMatchObject({ messages: e.total, verified: e.verified });
      expect(l?.breaker.state).toBe("CLOSED");
    }
    // One forged copy on planner -> researcher, one replay on planner -> executor.
    expect(g.links.find((l) => l.sender === "planner" && l.receiver === "researcher")).toMatchObject({ forgedOrReplayed: 1, unverified: 0 });
    expect(g.links.find((l) => l.sender === "planner" && l.receiver === "executor")).toMatchObject({ forgedOrReplayed: 1, unverified: 0 });
    expect(g.links.find((l) => l.sender === "rogue-agent")).toMatchObject({ unverified: 3, forgedOrReplayed: 0 });
    expect(g.nodes.find((n) => n.id === "rogue-agent")).toMatchObject({ registered: false, attested: false, sent: 3 });
    expect(g.nodes.find((n) => n.id === "planner")).toMatchObject({ sent: 8, received: 9, labels: { team: "travel" } });
    expect(g.labelValues).toEqual({ team: ["travel"] });
  });

  it("filters by label and keeps only links among the kept agents", async () => {
    const g = await graph({ label: "team=travel" });
    expect(g.nodes.map((n) => n.id)).toEqual(["planner"]);
    expect(g.links).toEqual([]);
    expect((await graph({ label: "team" })).nodes).toHaveLength(1);
    expect((await graph({ label: "team=ops" })).nodes).toHaveLength(0);
  });

  it("reads live breakers from breaker_states: OPEN with its countdown, FORCED_OPEN on every outgoing link kills the agent", async () => {
    await state("planner", "executor", { state: "OPEN", since: NOW.getTime() - MIN, until: NOW.getTime() + 4 * MIN, awaitingReview: false });
    await state("rogue-agent", "executor", { state: "FORCED_OPEN", since: NOW.getTime() - 2 * MIN, actor: "alice", reason: "rogue" });
    // Blocked edge with no traffic in the window: still shown.
    await state("rogue-agent", "planner", { state: "FORCED_OPEN", since: NOW.getTime() - 2 * MIN, actor: "alice", reason: "rogue" });
    await state("researcher", "planner", { state: "OPEN", since: NOW.getTime() - 10 * MIN, until: NOW.getTime() - MIN, awaitingReview: false });
    const g = await graph({});
    expect(g.links.find((l) => l.sender === "planner" && l.receiver === "executor")?.breaker).toEqual({
      state: "OPEN",
      since: new Date(NOW.getTime() - MIN).toISOString(),
      openUntil: new Date(NOW.getTime() + 4 * MIN).toISOString(),
      awaitingReview: false,
      reason: null,
    });
    expect(g.links.find((l) => l.sender === "researcher" && l.receiver === "planner")?.breaker.state).toBe("HALF_OPEN");
    expect(g.links.find((l) => l.sender === "rogue-agent" && l.receiver === "planner")).toMatchObject({ messages: 0, breaker: { state: "FORCED_OPEN", reason: "alice: rogue" } });
    expect(g.nodes.find((n) => n.id === "rogue-agent")?.killed).toBe(true);
    expect(g.nodes.find((n) => n.id === "planner")?.killed).toBe(false);
  });

  it("replays breaker states from breaker_events as they stood at `at`", async () => {
    await event("planner", "executor", "CLOSED", "OPEN", new Date(NOW.getTime() - 30 * MIN), "failures");
    await event("planner", "executor", "OPEN", "HALF_OPEN", new Date(NOW.getTime() - 20 * MIN), "timer");
    await event("planner", "executor", "HALF_OPEN", "CLOSED", new Date(NOW.getTime() - 15 * MIN), "probe_clean");
    const at = (msAgo: number) => graph({ window: "1h", at: new Date(NOW.getTime() - msAgo).toISOString() });
    const pe = (g: Awaited<ReturnType<typeof graph>>) => g.links.find((l) => l.sender === "planner" && l.receiver === "executor")?.breaker;
    expect(pe(await at(25 * MIN))).toMatchObject({ state: "OPEN", reason: "test: failures", openUntil: null });
    expect(pe(await at(18 * MIN))).toMatchObject({ state: "HALF_OPEN" });
    expect(pe(await at(10 * MIN))).toMatchObject({ state: "CLOSED" });
    const before = await at(40 * MIN);
    expect(before.replay).toBe(true);
    expect(before.to).toBe(new Date(NOW.getTime() - 40 * MIN).toISOString());
    // The window ends before `at`: 40 minutes ago only the original (50 min) and the forged copy (49 min) had gone out.
    expect(before.links.find((l) => l.sender === "planner" && l.receiver === "researcher")).toMatchObject({ messages: 2, forgedOrReplayed: 1 });
  });

  it("answers as columns (format=columns) exactly what it answers as objects, live and replayed, breaker details included", async () => {
    for (const q of [{}, { label: "team=travel" }, { window: "1h", at: new Date(NOW.getTime() - 25 * MIN).toISOString() }]) {
      const objects = GraphResponse.parse(await agentGraphAnswer(pool, "default", GraphQuery.parse(q), NOW));
      const columns = GraphColumns.parse(JSON.parse(JSON.stringify(await agentGraphAnswer(pool, "default", GraphQuery.parse({ ...q, format: "columns" }), NOW))));
      // The label keeps one agent and no link; the others have links with breakers set by the tests above.
      if (!("label" in q)) expect(objects.links.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(fromGraphColumns(columns), JSON.stringify(q)).toEqual(objects);
    }
  });

  it("refuses an `at` in the future and a malformed label", async () => {
    await expect(graph({ at: new Date(NOW.getTime() + MIN).toISOString() })).rejects.toThrow(/future/);
    expect(GraphQuery.safeParse({ label: "=x" }).success).toBe(false);
    expect(GraphQuery.safeParse({ window: "1y" }).success).toBe(false);
  });
});
