// The procurement scenario with every door-level fault, against a real
// collector over a real PostgreSQL: every record a door fault injects must
// be flagged, and no clean record may be. The fleet is registered through
// the registry service and attested by a registrar, and the registry
// requires attestation, as a production one would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { loadRegistrySnapshot } from "@/lib/registry/service.ts";
import type { RegistryConfig } from "@/lib/config/registry-config.ts";
import { FAULTS } from "@/lib/sim/faults/catalog.ts";
import { parseFaultArg } from "@/lib/sim/faults/schedule.ts";
import { simKey } from "@/lib/sim/fleet.ts";
import { GroundTruth } from "@/lib/sim/ground-truth.ts";
import { registerFleetViaService } from "@/lib/sim/register.ts";
import { createRun, type RunResult } from "@/lib/sim/runner.ts";
import { fetchSettled, scoreRun, type RunScore } from "@/lib/sim/score.ts";
import { otlpSink } from "@/lib/sim/sink.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";
import { databaseVerdicts } from "./stored-verdicts.ts";

const registrarKey = simKey("door-faults-test", "registrar", "sim-registrar");
const config: RegistryConfig = { registrars: new Map([[registrarKey.keyId, registrarKey.publicKey]]), allowUnattested: false };

// Spread out in simulated time and over agents, so no fault's template is
// another fault's record: each injected record then shows its own verdict.
const DOOR_FAULTS = [
  "forged-signature@20m:price-monitor",
  "forged-signature@25m:price-monitor,variant=garbage",
  "spoof@30m:price-monitor",
  "spoof@35m:price-monitor,variant=impersonate",
  "injection@40m:price-monitor",
  "downgrade@50m:recommender",
  "downgrade@53m:recommender,variant=unlisted",
  "replay@80m:recommender",
  "capability-abuse@100m:recommender",
  "capability-abuse@105m:recommender,variant=action",
  "broken-authority@110m:executor",
  "broken-authority@115m:executor,variant=wrong-root",
  "memory-violation@120m:recommender",
  "memory-violation@125m:price-monitor,variant=read",
].map(parseFaultArg);

const ENGINE_FAULTS = ["poisoned-feed@30m:price-monitor,duration=30m", "key-compromise@70m:recommender", "fan-out-storm@100m:recommender,count=10", "feedback-loop@90m:recommender", "injection@45m:price-monitor,variant=free-text"].map(parseFaultArg);

let h: Harness;
let prisma: PrismaClient;

async function runAgainstCollector(namespace: string, faults: typeof DOOR_FAULTS): Promise<{ result: RunResult; score: RunScore }> {
  const run = createRun({
    scenario: "procurement",
    seed: `it-${namespace}`,
    namespace,
    faults,
    duration: 150 * 60_000,
    clock: { mode: "live" },
    sink: otlpSink(h.url, TOKEN),
    allowUnattested: false,
    registrar: { keyId: registrarKey.keyId, privateKey: registrarKey.privateKey },
  });
  await registerFleetViaService(prisma, run.fleet, config);
  await h.setSnapshot(await loadRegistrySnapshot(prisma, "default", config));
  const result = await run.start();
  const stored = await fetchSettled(databaseVerdicts(h.pool), result.truth, { timeoutMs: 30_000 });
  return { result, score: scoreRun(result.truth, stored, (handle) => result.world.emittedAt.get(handle)) };
}

beforeAll(async () => {
  h = await startHarness();
  prisma = createPrisma(h.db.url);
});
afterAll(async () => {
  await prisma.$disconnect();
  await h.close();
});

describe("procurement with every door-level fault, against a real collector", () => {
  let score: RunScore;
  let result: RunResult;

  beforeAll(async () => {
    ({ result, score } = await runAgainstCollector("door", DOOR_FAULTS));
  }, 120_000);

  it("writes a ground truth that parses with its schema", () => {
    expect(() => GroundTruth.parse(JSON.parse(JSON.stringify(result.truth)))).not.toThrow();
    expect(result.truth.faults).toHaveLength(DOOR_FAULTS.length);
  });

  it("stores every record of the run, none left pending", () => {
    expect(score.missing).toBe(0);
    expect(score.pending).toBe(0);
  });

  it("flags 100% of the records each door fault injected, with the fault's verdict", () => {
    for (const f of score.faults) {
      expect(f.detection, f.id).toBe("door");
      expect(f.fired, `${f.fault}/${f.variant} fired`).toBe(true);
      expect(f.injected, `${f.fault}/${f.variant} injected`).toBeGreaterThan(0);
      expect({ fault: `${f.fault}/${f.variant}`, flagged: f.flagged, expected: f.expected, missed: f.missed }).toEqual({
        fault: `${f.fault}/${f.variant}`,
        flagged: f.injected,
        expected: f.injected,
        missed: [],
      });
      expect(f.firstFlagMs).not.toBeNull();
    }
  });

  it("covers every door-level fault and variant in the catalog", () => {
    const covered = new Set(score.faults.map((f) => `${f.fault}/${f.variant}`));
    const door = Object.values(FAULTS).flatMap((info) => info.variants.filter((v) => v.detection === "door").map((v) => `${info.name}/${v.name}`));
    expect([...covered].sort()).toEqual(door.sort());
  });

  it("flags no clean record", () => {
    expect(score.clean.total).toBeGreaterThan(100);
    expect(score.clean.stored).toBe(score.clean.total);
    expect(score.clean.falseFlags).toEqual([]);
  });
});

describe("engine-only faults pass the door", () => {
  it("stores their records verified: only an engine can see them, and the chaos table says so", async () => {
    const { result, score } = await runAgainstCollector("engine", ENGINE_FAULTS);
    expect(score.missing).toBe(0);
    expect(score.clean.falseFlags).toEqual([]);
    for (const f of score.faults) {
      expect(f.detection).toBe("engine");
      expect(f.fired).toBe(true);
      expect(f.flagged, `${f.fault} flagged at the door`).toBe(0);
    }
    const poisoned = result.truth.faults.find((f) => f.fault === "poisoned-feed");
    expect(poisoned?.corrupted.length).toBeGreaterThan(0);
    expect(poisoned?.downstream.actions.length).toBeGreaterThan(0);
  }, 120_000);
});
