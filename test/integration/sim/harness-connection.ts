// How chaos tests reach Firebreak: fleets registered through the registry
// service on the harness database, records sent to the harness collector,
// verdicts read back from its database.
import type { RegistryConfig } from "@/lib/config/registry-config.ts";
import { databaseEngineSource, scoringPool } from "@/lib/db/chaos-engine-source.ts";
import { Evaluator } from "@/lib/engine/evaluator/evaluator.ts";
import type { PrismaClient } from "@/lib/db/prisma.ts";
import { loadRegistrySnapshot } from "@/lib/registry/service.ts";
import type { FirebreakConnection } from "@/lib/sim/chaos.ts";
import { engineObserver } from "@/lib/sim/engine-observer.ts";
import type { EngineObserver } from "@/lib/sim/report.ts";
import { simKey } from "@/lib/sim/fleet.ts";
import { registerFleetViaService } from "@/lib/sim/register.ts";
import { otlpSink } from "@/lib/sim/sink.ts";
import { TOKEN, type Harness } from "../collector/collector-harness.ts";
import { databaseVerdicts } from "./stored-verdicts.ts";

export function harnessConnection(h: Harness, prisma: PrismaClient, label: string): FirebreakConnection {
  const registrar = simKey(label, "registrar", "sim-registrar");
  const config: RegistryConfig = { registrars: new Map([[registrar.keyId, registrar.publicKey]]), allowUnattested: false };
  return {
    register: (fleet) => registerFleetViaService(prisma, fleet, config),
    registryReady: async () => h.setSnapshot(await loadRegistrySnapshot(prisma, "default", config)),
    sink: () => otlpSink(h.url, TOKEN),
    verdicts: databaseVerdicts(h.pool),
    allowUnattested: false,
    registrar: { keyId: registrar.keyId, privateKey: registrar.privateKey },
  };
}

/**
 * An engine observer whose catch-up drains the harness database with the
 * evaluator here, one pass at a time (runs finishing together queue their
 * drains), until a pass finds nothing new.
 */
export function drainingEngine(h: Harness): EngineObserver {
  const evaluator = new Evaluator(h.pool);
  let draining: Promise<void> = Promise.resolve();
  const drive = (): Promise<void> =>
    (draining = draining.then(async () => {
      for (;;) {
        const pass = await evaluator.pass();
        if (pass.ran && pass.records === 0) return;
      }
    }));
  // Scored on a pool of its own: the harness's is the collector's, shared with the evaluator, and gives up after 10 s.
  return engineObserver(databaseEngineSource(scoringPool(h.db.url, 8)), { drive });
}
