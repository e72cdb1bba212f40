// The collector's wiring for a real deployment: one pg pool for ingest, one
// Prisma client for the registry, configuration from the environment.
import { createPool } from "../db/ingest-store.ts";
import { createPrisma } from "../db/prisma.ts";
import { registryConfigFromEnv } from "../config/registry-config.ts";
import { collectorSettings } from "../config/collector-config.ts";
import { loadRegistrySnapshot } from "../registry/service.ts";
import { engineConfig } from "../config/engine-config.ts";
import { startEngineLoop, type EngineLoop } from "../engine/evaluator/engine-loop.ts";
import { groupFindings } from "../engine/incidents/incident-runner.ts";
import { ungroupedFindingIds } from "../db/evaluator-store.ts";
import { startCollector, type Collector } from "./server.ts";
import { startCheckpointer, type Checkpointer } from "../audit/checkpointer.ts";
import { instanceKey } from "../config/instance-key.ts";

export interface RunningCollector extends Collector {
  /** The engine's evaluation loop in this process; null when FIREBREAK_ENGINE=off. */
  engine: EngineLoop | null;
}

// Every collector runs the engine loop too: the loop's advisory lock lets one
// process at a time do the work, and another takes over when it stops.
export async function startCollectorFromEnv(databaseUrl: string, adminToken: string, log: (line: string) => void): Promise<RunningCollector> {
  const settings = collectorSettings(process.env, adminToken);
  const engineSettings = engineConfig(process.env);
  const registryConfig = registryConfigFromEnv();
  const prisma = createPrisma(databaseUrl);
  const pool = createPool(databaseUrl, 20);
  let engine: EngineLoop | null = null;
  const collector = await startCollector({
    settings,
    pool,
    loadSnapshot: () => loadRegistrySnapshot(prisma, registryConfig, log),
    log,
    // `lagSince` (ms since the epoch) narrows the lag figures to a period, for benchmarks.
    health: (query) => (engine ? { engine: engine.stats(Number(query.get("lagSince") ?? "") || undefined) } : { engine: "off" }),
  });
  const enginePool = engineSettings.FIREBREAK_ENGINE === "on" ? createPool(databaseUrl, 4) : null;
  if (enginePool) {
    // Findings a stopped process stored but never grouped go into incidents first.
    const leftover = await ungroupedFindingIds(enginePool, new Date(Date.now() - 86_400_000)).catch(() => []);
    if (leftover.length > 0) await groupFindings(enginePool, leftover).catch((err: unknown) => log(`engine: grouping leftover findings failed: ${(err as Error).message}`));
    engine = startEngineLoop(enginePool, {
      batchSize: engineSettings.FIREBREAK_ENGINE_BATCH,
      log,
      onFindings: async (ids) => {
        await groupFindings(enginePool, ids);
      },
    });
  }
  const checkpointer = startAuditCheckpointer(databaseUrl, log);
  return {
    ...collector,
    engine,
    async close() {
      await collector.close();
      await checkpointer?.stop();
      await engine?.stop();
      await enginePool?.end();
      await pool.end();
      await prisma.$disconnect();
    },
  };
}

// Every collector runs the audit checkpointer as well: its advisory lock lets
// one of them sign each checkpoint. Without an instance key (a collector
// started by hand with no data folder) there is nothing to sign with.
function startAuditCheckpointer(databaseUrl: string, log: (line: string) => void): Checkpointer | null {
  let key;
  try {
    key = instanceKey();
  } catch (err) {
    log(`audit checkpoints off: ${(err as Error).message}`);
    return null;
  }
  const pool = createPool(databaseUrl, 2);
  const running = startCheckpointer(pool, key, { log });
  return {
    written: running.written,
    async stop() {
      await running.stop();
      await pool.end();
    },
  };
}
