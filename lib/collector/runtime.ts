// The collector's wiring for a real deployment: one pg pool for ingest, one
// Prisma client for the registry, configuration from the environment.
import { createPool } from "../db/ingest-store.ts";
import { createPrisma } from "../db/prisma.ts";
import { registryConfigFromEnv } from "../config/registry-config.ts";
import { collectorSettings } from "../config/collector-config.ts";
import { loadRegistrySnapshot } from "../registry/service.ts";
import { engineConfig } from "../config/engine-config.ts";
import { startEngineThread, type EngineThread } from "../engine/evaluator/engine-thread.ts";
import { startApprovalSweep } from "../approvals/approval-sweep.ts";
import { startCollector, type Collector } from "./server.ts";
import { integrationsConfig } from "../config/integrations-config.ts";
import { metricsAccess } from "../metrics/metrics-access.ts";
import { cached } from "../metrics/cached.ts";
import { readMetricsSnapshot } from "../db/metrics-query.ts";
import { startWebhookDispatcher, type WebhookDispatcher } from "../integrations/webhooks/dispatcher.ts";
import { DEFAULT_BACKOFF } from "../integrations/webhooks/backoff.ts";
import { sealPlaintextWebhooks } from "../integrations/webhooks/webhook-sealing.ts";
import { startCheckpointer, type Checkpointer } from "../audit/checkpointer.ts";
import { instanceKey } from "../config/instance-key.ts";
import { storageConfig } from "../config/storage-config.ts";
import { startStorageMaintainer } from "../storage/storage-maintainer.ts";
import { startTallyMerger } from "../storage/tally-merger.ts";

export interface RunningCollector extends Collector {
  /** The engine's evaluation loop, on its own thread of this process; null when FIREBREAK_ENGINE=off. */
  engine: EngineThread | null;
  /** The webhook dispatcher in this process; null when FIREBREAK_WEBHOOKS=off. */
  webhooks: WebhookDispatcher | null;
}

// Every collector runs the engine loop too unless FIREBREAK_ENGINE=off (the
// engine then runs apart, `npm run engine`): the loop's advisory lock lets one
// process at a time do the work, and another takes over when it stops.
export async function startCollectorFromEnv(databaseUrl: string, adminToken: string, log: (line: string) => void): Promise<RunningCollector> {
  const settings = collectorSettings(process.env, adminToken);
  const engineSettings = engineConfig(process.env);
  const registryConfig = registryConfigFromEnv();
  const integrations = integrationsConfig(process.env);
  const prisma = createPrisma(databaseUrl);
  const pool = createPool(databaseUrl, settings.dbPool ?? 20);
  let engine: EngineThread | null = null;
  const collector = await startCollector({
    settings,
    pool,
    loadSnapshot: (project) => loadRegistrySnapshot(prisma, project, registryConfig, log),
    log,
    // `lagSince` (ms since the epoch) narrows the lag figures to a period, for benchmarks.
    health: async (query) => (engine ? { engine: await engine.stats(Number(query.get("lagSince") ?? "") || undefined) } : { engine: "off" }),
    metrics: {
      access: metricsAccess(integrations, adminToken),
      engine: () => engine?.latest() ?? null,
      snapshot: cached(() => readMetricsSnapshot(pool, integrations.FIREBREAK_METRICS_MAX_EDGES), integrations.FIREBREAK_METRICS_CACHE_MS),
      maxEdges: integrations.FIREBREAK_METRICS_MAX_EDGES,
    },
  });
  engine =
    engineSettings.FIREBREAK_ENGINE === "on"
      ? await startEngineThread(databaseUrl, { batchSize: engineSettings.FIREBREAK_ENGINE_BATCH, log, onPass: (ms) => collector.metrics.observePass(ms / 1000) })
      : null;
  // Its own two connections: a slow receiver holds none, and ingest never waits on it.
  const webhookPool = integrations.FIREBREAK_WEBHOOKS === "on" ? createPool(databaseUrl, 2) : null;
  // Rows from before sealing existed are sealed before anything could send them (idempotent; the first collector does it).
  // A failure here must not keep the collector from ingesting: it says what to fix and the next start tries again.
  const sealed = await sealPlaintextWebhooks(pool).catch((err: unknown) => {
    log(`webhooks: could not seal the webhooks stored in plaintext by an earlier version (${(err as Error).message}); they stay in plaintext until a start that can`);
    return 0;
  });
  if (sealed > 0) log(`webhooks: sealed the URL and secret of ${sealed} webhook(s) stored in plaintext by an earlier version`);
  const webhooks = webhookPool
    ? startWebhookDispatcher(webhookPool, {
        timeoutMs: integrations.FIREBREAK_WEBHOOK_TIMEOUT_MS,
        backoff: { ...DEFAULT_BACKOFF, maxAttempts: integrations.FIREBREAK_WEBHOOK_MAX_ATTEMPTS },
        publicUrl: integrations.FIREBREAK_PUBLIC_URL ?? null,
        log,
      })
    : null;
  if (webhooks) {
    webhooks.onAttempt = (r) => collector.metrics.observeWebhookAttempt(r.settled === "pending" ? "retry" : r.settled, r.result.latencyMs / 1000);
  }
  const approvalSweep = startApprovalSweep(pool, log);
  const checkpointer = startAuditCheckpointer(databaseUrl, log);
  // Every collector maintains partitions and retention too: each step's
  // advisory lock makes a second one a few cheap catalog reads.
  const storage = storageConfig(process.env);
  const storagePool = storage.enabled ? createPool(databaseUrl, 2) : null;
  const storageMaintainer = storagePool ? startStorageMaintainer(storagePool, storage, settings.skewMs, log) : null;
  const tallyMerger = storagePool ? startTallyMerger(storagePool, storage.tallyMergeMs, log) : null;
  return {
    ...collector,
    engine,
    webhooks,
    async close() {
      await webhooks?.stop();
      await webhookPool?.end();
      approvalSweep.stop();
      await storageMaintainer?.stop();
      await tallyMerger?.stop();
      await storagePool?.end();
      await collector.close();
      await checkpointer?.stop();
      await engine?.close();
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
