// The collector's wiring for a real deployment: one pg pool for ingest, one
// Prisma client for the registry, configuration from the environment.
import { createPool } from "../db/ingest-store.ts";
import { createPrisma } from "../db/prisma.ts";
import { registryConfigFromEnv } from "../config/registry-config.ts";
import { collectorSettings } from "../config/collector-config.ts";
import { loadRegistrySnapshot } from "../registry/service.ts";
import { startCollector, type Collector } from "./server.ts";

export async function startCollectorFromEnv(databaseUrl: string, adminToken: string, log: (line: string) => void): Promise<Collector> {
  const settings = collectorSettings(process.env, adminToken);
  const registryConfig = registryConfigFromEnv();
  const prisma = createPrisma(databaseUrl);
  const pool = createPool(databaseUrl, 20);
  const collector = await startCollector({
    settings,
    pool,
    loadSnapshot: () => loadRegistrySnapshot(prisma, registryConfig, log),
    log,
  });
  return {
    ...collector,
    async close() {
      await collector.close();
      await pool.end();
      await prisma.$disconnect();
    },
  };
}
