// The chaos run (every fault against one scenario) end to end against a real
// collector: the table it prints is true to what the door decided.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import type { RegistryConfig } from "@/lib/config/registry-config.ts";
import { loadRegistrySnapshot } from "@/lib/registry/service.ts";
import { chaosPlan, runChaos, type ChaosResult, type FirebreakConnection } from "@/lib/sim/chaos.ts";
import { FAULT_NAMES } from "@/lib/sim/faults/catalog.ts";
import { simKey } from "@/lib/sim/fleet.ts";
import { registerFleetViaService } from "@/lib/sim/register.ts";
import { formatTable } from "@/lib/sim/report.ts";
import { otlpSink } from "@/lib/sim/sink.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";
import { databaseVerdicts } from "./stored-verdicts.ts";

const registrar = simKey("chaos-test", "registrar", "sim-registrar");
const config: RegistryConfig = { registrars: new Map([[registrar.keyId, registrar.publicKey]]), allowUnattested: false };

let h: Harness;
let prisma: PrismaClient;
let results: ChaosResult[];

beforeAll(async () => {
  h = await startHarness();
  prisma = createPrisma(h.db.url);
  const conn: FirebreakConnection = {
    register: (fleet) => registerFleetViaService(prisma, fleet, config),
    registryReady: async () => h.setSnapshot(await loadRegistrySnapshot(prisma, config)),
    sink: () => otlpSink(h.url, TOKEN),
    verdicts: databaseVerdicts(h.pool),
    allowUnattested: false,
    registrar: { keyId: registrar.keyId, privateKey: registrar.privateKey },
  };
  results = await runChaos(conn, chaosPlan({ scenarios: ["procurement", "trading"], tag: "it" }), { seed: "chaos-it", concurrency: 4 });
}, 180_000);

afterAll(async () => {
  await prisma.$disconnect();
  await h.close();
});

describe("npm run chaos, against a real collector", () => {
  it("runs every fault in each scenario", () => {
    expect(results.map((r) => `${r.case.scenario}/${r.case.fault}`).sort()).toEqual(
      ["procurement", "trading"].flatMap((s) => FAULT_NAMES.map((f) => `${s}/${f}`)).sort(),
    );
    for (const r of results) expect(r.truth.faults[0]?.fired, `${r.case.scenario}/${r.case.fault}`).toBe(true);
  });

  it("door faults: every injected record flagged, with a time to first flag", () => {
    for (const r of results.filter((x) => x.row.detection === "door")) {
      const f = r.score.faults[0]!;
      expect(f.injected, r.case.namespace).toBeGreaterThan(0);
      expect(r.row.flagged, r.case.namespace).toBe(`${f.injected}/${f.injected} (100%)`);
      expect(r.row.firstFlag, r.case.namespace).toMatch(/^\d+ ms$/);
    }
  });

  it("engine faults show as not yet detected, and the engine columns say there is no engine", () => {
    for (const r of results.filter((x) => x.row.detection === "engine")) {
      expect(r.row.firstFlag, r.case.namespace).toBe("not yet detected");
      expect(r.row.breakerTrip).toBe("n/a (no engine yet)");
      expect(r.row.tainted).toBe("n/a (no engine yet)");
    }
  });

  it("no clean record is flagged in any run, and nothing is lost", () => {
    for (const r of results) {
      expect(r.score.clean.falseFlags, r.case.namespace).toEqual([]);
      expect(r.score.missing, r.case.namespace).toBe(0);
      expect(r.row.falseFlags).toMatch(/^0\/\d+$/);
    }
  });

  it("prints one table row per run under a header", () => {
    const text = formatTable(results.map((r) => r.row));
    if (process.env.FIREBREAK_SIM_PRINT === "1") console.log(text);
    const table = text.split("\n");
    expect(table[0]).toMatch(/^scenario\s+fault\s+variant\s+seen by\s+records injected\s+flagged at door\s+time to first flag\s+time to breaker trip/);
    expect(table).toHaveLength(results.length + 2);
  });
});
