// The demo path of `npm run demo` (lib/sim/demo.ts, the code scripts/demo.ts
// runs) against the real route handlers and a real collector: the fleet
// registers through the API and obeys the control plane; when the feed is
// poisoned the demo prints how to stop the agent that reads it; running that
// very request trips the kill switch, the demo says when it reached the
// guard, and the poisoned agent's own records stop arriving while the rest
// of the fleet keeps going.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningCollector } from "@/lib/collector/runtime.ts";
import type { DemoHandle } from "@/lib/sim/demo.ts";
import { serveRoutes, type RouteServer } from "../../helpers/route-server.ts";

const TOKEN = "fbk_demo-kill-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// Read by the routes and the collector on first use.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = TOKEN;
process.env.FIREBREAK_COLLECTOR_PORT = "0";
process.env.FIREBREAK_COLLECTOR_HOST = "127.0.0.1";
process.env.FIREBREAK_ALLOW_UNATTESTED = "true";
// The kill switch alone must stop the agent: no engine breakers, no webhooks in this run.
process.env.FIREBREAK_ENGINE = "off";
process.env.FIREBREAK_WEBHOOKS = "off";
delete process.env.FIREBREAK_REGISTRARS;
delete process.env.FIREBREAK_REGISTRARS_FILE;

const agents = await import("@/app/api/v1/agents/route.ts");
const agent = await import("@/app/api/v1/agents/[id]/route.ts");
const contracts = await import("@/app/api/v1/contracts/route.ts");
const policyRoute = await import("@/app/api/v1/control/policy/route.ts");
const streamRoute = await import("@/app/api/v1/control/stream/route.ts");
const lineageRoute = await import("@/app/api/v1/control/lineage/route.ts");
const switches = await import("@/app/api/v1/kill-switches/route.ts");
const { startCollectorFromEnv } = await import("@/lib/collector/runtime.ts");
const { startDemo } = await import("@/lib/sim/demo.ts");
const { pool } = await import("@/lib/db/pool.ts");
const { policyHub } = await import("@/lib/db/policy-hub.ts");

let api: RouteServer;
/** Lineage checks the demo's guards asked for, and how they were answered. */
const lineageAnswers: number[] = [];
let collector: RunningCollector;
let demo: DemoHandle | null = null;
const lines: string[] = [];

beforeAll(async () => {
  api = await serveRoutes({
    "GET /api/v1/contracts": contracts.GET,
    "PUT /api/v1/contracts": contracts.PUT,
    "POST /api/v1/agents": agents.POST,
    "GET /api/v1/agents/{id}": agent.GET,
    "PUT /api/v1/agents/{id}": agent.PUT,
    "GET /api/v1/control/policy": policyRoute.GET,
    "GET /api/v1/control/stream": streamRoute.GET,
    "GET /api/v1/control/lineage": async (request, context) => {
      const res = await lineageRoute.GET(request, context);
      lineageAnswers.push(res.status);
      return res;
    },
    "POST /api/v1/kill-switches": switches.POST,
  });
  collector = await startCollectorFromEnv(tdb.url, TOKEN, () => {});
});

afterAll(async () => {
  await demo?.stop().catch(() => null);
  await collector.close();
  await api.close();
  await policyHub().close();
  await pool().end();
  await tdb.drop();
});

async function verifiedFrom(agentId: string): Promise<{ n: number; last: Date | null }> {
  const res = await pool().query<{ n: number; last: Date | null }>(`SELECT count(*)::int AS n, max(ts) AS last FROM records WHERE agent = $1 AND verified`, [agentId]);
  return res.rows[0]!;
}

async function totalRecords(): Promise<number> {
  return (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM records`)).rows[0]!.n;
}

describe("the demo's kill switch", () => {
  it("prints how to stop the poisoned agent; doing so stops its records while the rest of the fleet goes on", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "fb-demo-")), "truth.json");
    demo = startDemo({
      target: { apiBase: api.url, collector: `http://127.0.0.1:${collector.port}/v1/traces`, token: TOKEN, allowUnattested: true },
      // Ten simulated minutes a second: the feed is poisoned 50 simulated minutes in, five seconds after the start.
      speed: 600,
      seed: "demo-kill",
      namespace: "dk",
      approvals: "local",
      out,
      log: (line) => lines.push(line),
    });
    await expect.poll(() => lines.find((l) => l.includes("curl -X POST")), { timeout: 90_000, interval: 100 }).toBeDefined();
    const poisoned = "dk.price-monitor";
    expect(lines.join("\n")).toContain(`${poisoned} now reads a poisoned feed`);
    await expect.poll(async () => (await verifiedFrom(poisoned)).n, { timeout: 20_000 }).toBeGreaterThan(0);

    // Run the printed request as a user would (the token from the environment).
    const curl = lines.find((l) => l.includes("curl -X POST"))!;
    const url = /curl -X POST (\S+)/.exec(curl)![1]!;
    const body = /-d '([^']+)'/.exec(curl)![1]!;
    expect(JSON.parse(body)).toMatchObject({ scope: "agent", agent: poisoned });
    const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body });
    expect(res.status, await res.clone().text()).toBe(201);

    await expect.poll(() => lines.some((l) => l.startsWith(`demo: kill switch on ${poisoned} reached its guard`)), { timeout: 10_000, interval: 50 }).toBe(true);
    const applied = Date.now();
    // Let what was sent before the kill reach the collector, then watch.
    await new Promise((r) => setTimeout(r, 3_000));
    const atKill = await verifiedFrom(poisoned);
    const fleetAtKill = await totalRecords();
    await new Promise((r) => setTimeout(r, 4_000));
    const later = await verifiedFrom(poisoned);
    expect(later.n).toBe(atKill.n);
    // Nothing it signed is newer than the moment the kill reached its guard.
    expect(later.last!.getTime()).toBeLessThanOrEqual(applied);
    // The demo itself runs on: the other agents' traffic still arrives.
    expect(await totalRecords()).toBeGreaterThan(fleetAtKill);
    // Its actions asked for their lineage before they ran, and were answered.
    expect(lines).toContain("demo: actions check their lineage first: yellow ones wait for the engine's word, red ones are checked again once approved");
    expect(lineageAnswers.length).toBeGreaterThan(0);
    expect(lineageAnswers.every((status) => status === 200)).toBe(true);

    await demo.stop();
    demo = null;
  }, 150_000);
});
