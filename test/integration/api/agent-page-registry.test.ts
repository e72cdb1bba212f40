// The agent page reads GET /api/v1/agents/:id with the registry's AgentView:
// a stored entry with a key must read back in that shape, and one with no
// registry entry must be a 404 the page turns into "Not in the registry".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBody, expectError, get, openApiDatabase, params } from "../engine-api/api-harness.ts";

const api = await openApiDatabase();
const agentRoute = await import("@/app/api/v1/agents/[id]/route.ts");
const { AgentView } = await import("@/lib/registry/schema.ts");
const { RegistryAgentReadView } = await import("@/lib/api/fleet-views.ts");
const { dashboardScenario } = await import("../../fixtures/dashboard-scenario.ts");
const { insertStoredAgents } = await import("../../fixtures/stored-records.ts");

describe("registry entry for the agent page", () => {
  beforeAll(async () => {
    await insertStoredAgents(api.pool, dashboardScenario(new Date()).agents);
    await api.pool.query(`INSERT INTO agent_keys (agent_id, key_id, public_key, not_before) VALUES ('planner', 'planner-k1', $1, $2)`, [
      "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      new Date("2026-01-01T00:00:00Z"),
    ]);
  });
  afterAll(() => api.close());

  it("reads back in the AgentView shape with its key and labels", async () => {
    const a = await expectBody(agentRoute.GET(get("/api/v1/agents/planner"), params({ id: "planner" })), 200, AgentView);
    expect(a).toMatchObject({ displayName: "Trip planner", labels: { team: "travel" }, version: "1.4.0", attested: false });
    expect(a.keys.map((k) => k.keyId)).toEqual(["planner-k1"]);
    // The page's own (browser-safe) schema reads the same answer.
    const page = await expectBody(agentRoute.GET(get("/api/v1/agents/planner"), params({ id: "planner" })), 200, RegistryAgentReadView);
    expect(page).toMatchObject({ displayName: "Trip planner", keys: [{ keyId: "planner-k1", notBefore: "2026-01-01T00:00:00.000Z", notAfter: null }] });
  });

  it("an id with no entry is a 404", async () => {
    await expectError(agentRoute.GET(get("/api/v1/agents/rogue-agent"), params({ id: "rogue-agent" })), 404);
  });
});
