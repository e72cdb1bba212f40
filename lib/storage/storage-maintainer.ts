// The loop every collector runs: partitions ahead, retention, the edges of
// removed records, old nonces. Each step locks for itself (lib/db/partitions.ts),
// so running it in many processes costs a few cheap catalog reads each.
import type pg from "pg";
import { applyRetention, ensurePartitions, pruneNonces, sweepEdges, type RetentionResult } from "../db/partitions.ts";
import type { StorageConfig } from "../config/storage-config.ts";
import { startTicker, type Ticker } from "../process/ticker.ts";
import { nonceKeepMs } from "./partition-plan.ts";

export interface StoragePass {
  created: string[];
  retention: RetentionResult;
  edgesDeleted: number;
  noncesDeleted: number;
}

/** tick(now): one pass now (as at `now`, for tests); concurrent calls share the pass under way. */
export type StorageMaintainer = Ticker<StoragePass | null>;

export async function storagePass(pool: pg.Pool, config: StorageConfig, skewMs: number, now = Date.now()): Promise<StoragePass> {
  // Partitions first: a week without one sends its rows to the default partition.
  const created = await ensurePartitions(pool, { now, ahead: config.ahead });
  const retention = await applyRetention(pool, { now, defaultDays: config.retentionDays });
  const edgesDeleted = await sweepEdges(pool);
  const noncesDeleted = await pruneNonces(pool, { before: now - nonceKeepMs(skewMs) });
  return { created, retention, edgesDeleted, noncesDeleted };
}

export function startStorageMaintainer(pool: pg.Pool, config: StorageConfig, skewMs: number, log: (line: string) => void): StorageMaintainer {
  return startTicker(
    (now) =>
      storagePass(pool, config, skewMs, now)
        .then((pass) => {
          const { created, retention } = pass;
          if (created.length > 0) log(`storage: created partitions ${created.join(", ")}`);
          if (retention.dropped.length > 0) log(`storage: dropped partitions past retention ${retention.dropped.join(", ")}`);
          if (retention.heldBack.length > 0) log(`storage: kept ${retention.heldBack.join(", ")} past retention: they hold evidence of an incident not yet resolved and exported`);
          return pass;
        })
        .catch((err: unknown) => {
          log(`storage: maintenance pass failed, the next one retries: ${(err as Error).message}`);
          return null;
        }),
    config.intervalMs,
    { now: true },
  );
}
