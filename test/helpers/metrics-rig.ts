// A collector with the real engine loop over a test database, its /metrics
// behind a read token, for the /metrics integration tests.
import { startCollector, type Collector } from "@/lib/collector/server.ts";
import { createPool } from "@/lib/db/ingest-store.ts";
import { readMetricsSnapshot } from "@/lib/db/metrics-query.ts";
import { startEngineLoop, type EngineLoop } from "@/lib/engine/evaluator/engine-loop.ts";
import { cached } from "@/lib/metrics/cached.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface MetricsRig {
  tdb: TestDatabase;
  pool: ReturnType<typeof createPool>;
  collector: Collector;
  engine: EngineLoop;
  /** http://127.0.0.1:<collector port> */
  base: string;
  close(): Promise<void>;
}

/** `maxEdges` caps the per-edge breaker gauge; `before` runs before the engine and the collector start (projects they should find at once). */
export async function startMetricsRig(opts: { ingestKey: string; metricsToken: string; maxEdges: number; before?: (pool: MetricsRig["pool"]) => Promise<void> }): Promise<MetricsRig> {
  const tdb = await createTestDatabase();
  const pool = createPool(tdb.url, 8);
  await opts.before?.(pool);
  // The engine starts once the collector can count its passes; a scrape before then sees it off.
  let engine: EngineLoop | null = null;
  const collector = await startCollector({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 * 1024 * 1024, skewMs: 300_000, pendingWaitMs: 500, workers: 1, maxInflight: 8, ingestKeys: [opts.ingestKey] },
    pool,
    loadSnapshot: async () => ({ agents: new Map(), contracts: new Map(), allowUnattested: false }),
    metrics: {
      access: { public: false, tokens: [opts.metricsToken] },
      engine: () => engine?.stats() ?? null,
      // No caching here, so each scrape sees the rows just written (the cache has its own unit test).
      snapshot: cached(() => readMetricsSnapshot(pool, opts.maxEdges), 0),
      maxEdges: opts.maxEdges,
    },
  });
  const loop = startEngineLoop(pool, { idleMs: 50, onPass: (ms) => collector.metrics.observePass(ms / 1000) });
  engine = loop;
  return {
    tdb,
    pool,
    collector,
    engine: loop,
    base: `http://127.0.0.1:${collector.port}`,
    async close() {
      await collector.close();
      await loop.stop();
      await pool.end();
      await tdb.drop();
    },
  };
}

/** Polls `check` every 100 ms until it holds; throws after `ms`. */
export async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not met in time");
}
