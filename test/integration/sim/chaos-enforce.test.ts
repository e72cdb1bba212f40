// Containment for real: procurement with a poisoned feed, run twice with one
// seed against a real collector, the engine's loop running beside it and the
// control plane's policy stream served over HTTP. The uncontained run's
// guards never hear of the engine; the enforced twin's guards subscribe to
// the stream (ControlPlanePolicy) and refuse on every edge whose breaker the
// engine trips, while the cascade is under way, and they hold yellow actions
// (and re-check approved red ones) until the control plane has judged what
// they descend from (the lineage gate, ADR 0024). The chaos row then says how
// many downstream decisions got through poisoned in each, on the same
// denominator, and how long the guards took to obey the trip. The goal:
// under 5% enforced (40% before the lineage gate).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { CHAOS_SKEW_MS, chaosPlan, runChaos, type ChaosResult, type FirebreakConnection } from "@/lib/sim/chaos.ts";
import { databaseEngineSource } from "@/lib/db/chaos-engine-source.ts";
import { startEngineLoop, type EngineLoop } from "@/lib/engine/evaluator/engine-loop.ts";
import { ControlPlanePolicy } from "@/lib/guard/control-plane-policy.ts";
import { engineObserver } from "@/lib/sim/engine-observer.ts";
import { serveRoutes, type RouteServer } from "../../helpers/route-server.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";
import { harnessConnection } from "./harness-connection.ts";

vi.mock("server-only", () => ({}));


let h: Harness;
let prisma: PrismaClient;
let loop: EngineLoop;
let server: RouteServer;
let result: ChaosResult;
let closeHub: () => Promise<void> = async () => {};

beforeAll(async () => {
  h = await startHarness({ skewMs: CHAOS_SKEW_MS });
  // The stream route reads the database the env names, as in a Next process.
  process.env.DATABASE_URL = h.db.url;
  process.env.FIREBREAK_TOKEN = TOKEN;
  const streamRoute = await import("@/app/api/v1/control/stream/route.ts");
  const lineageRoute = await import("@/app/api/v1/control/lineage/route.ts");
  const { policyHub } = await import("@/lib/db/policy-hub.ts");
  closeHub = () => policyHub().close();
  server = await serveRoutes({ "GET /api/v1/control/stream": streamRoute.GET, "GET /api/v1/control/lineage": lineageRoute.GET });
  prisma = createPrisma(h.db.url);
  // The engine as a collector runs it: its own loop, judging as records are stored.
  loop = startEngineLoop(h.pool, { idleMs: 100 });
  const conn: FirebreakConnection = {
    ...harnessConnection(h, prisma, "chaos-enforce-test"),
    policy: (caps) => new ControlPlanePolicy({ baseUrl: server.url, token: TOKEN, caps }),
  };
  const engine = engineObserver(databaseEngineSource(h.pool), { catchUpTimeoutMs: 240_000 });
  const plan = chaosPlan({ scenarios: ["procurement"], faults: ["poisoned-feed"], tag: "enf" });
  [result] = (await runChaos(conn, plan, { seed: "chaos-enforce-it", concurrency: 1, engine, enforcedSpeed: 120 })) as [ChaosResult];
}, 900_000);

afterAll(async () => {
  await loop?.stop();
  await server?.close();
  await closeHub();
  await prisma?.$disconnect();
  await h?.close();
});

describe("chaos --enforce: the engine's breakers, obeyed by the guards during the run", () => {
  it("the enforced twin's guards refused on an edge the engine tripped, and the row says how soon", () => {
    const enforced = result.enforced!;
    expect(enforced.namespace).toBe(`${result.case.namespace}-enf`);
    expect(Object.keys(enforced.truth.counts.refused).some((code) => /breaker|open/i.test(code)), JSON.stringify(enforced.truth.counts.refused)).toBe(true);
    // The first cycle's orders descend from the poisoned quote: the gate refused them on their lineage.
    expect(enforced.truth.counts.refused["lineage_tainted"] ?? 0, JSON.stringify(enforced.truth.counts.refused)).toBeGreaterThan(0);
    expect(enforced.enforcementMs).not.toBeNull();
    expect(result.row.enforced).toBe(`${enforced.enforcementMs} ms`);
  });

  it("counts poisoned decisions in both runs on the uncontained run's denominator, and enforcement lets fewer through", () => {
    const c = result.enforced!.containment;
    expect(c.decisions).toBeGreaterThan(0);
    expect(c.poisonedUncontained).toBeGreaterThan(0);
    expect(c.poisonedEnforced).toBeLessThan(c.poisonedUncontained);
    expect(c.enforced).toBe(c.poisonedEnforced / c.decisions);
    expect(result.row.poisonedUncontained).toMatch(new RegExp(`^\\d+(\\.\\d)?% \\(${c.poisonedUncontained}/${c.decisions}\\)$`));
    expect(result.row.poisonedEnforced).toMatch(new RegExp(`^\\d+(\\.\\d)?% \\(${c.poisonedEnforced}/${c.decisions}\\)$`));
    // The goal: under 5% of the downstream decisions poisoned once the guards obey the control plane
    // (the lineage gate holds the first cycle's orders until the engine has judged the quote they came from).
    expect(c.enforced!, `${c.poisonedEnforced}/${c.decisions} poisoned in the enforced twin`).toBeLessThan(0.05);
    if (process.env.FIREBREAK_SIM_PRINT === "1") console.log(JSON.stringify({ row: result.row, containment: c, refused: result.enforced!.truth.counts.refused }));
  });

  it("the uncontained run is the same run: its guards never refused on a breaker", () => {
    expect(Object.keys(result.truth.counts.refused).filter((code) => /breaker|open/i.test(code))).toEqual([]);
  });
});
