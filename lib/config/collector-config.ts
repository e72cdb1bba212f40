import { availableParallelism } from "node:os";
import { z } from "zod";

const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

/** The collector's settings, from the environment. Every one has a safe default. */
export const CollectorConfig = z.object({
  FIREBREAK_COLLECTOR_PORT: intFrom(4318, 0, 65535),
  FIREBREAK_COLLECTOR_HOST: z.string().default("0.0.0.0"),
  /** Largest request body after decompression. */
  FIREBREAK_MAX_BODY_BYTES: intFrom(20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** Allowed distance between a record's timestamp and arrival. */
  FIREBREAK_SKEW_MS: intFrom(5 * 60_000, 0, 24 * 3600_000),
  /** How long a verdict waits for an out-of-order record before it is settled without it. */
  FIREBREAK_PENDING_WAIT_MS: intFrom(30_000, 0, 3600_000),
  FIREBREAK_VERIFY_WORKERS: intFrom(Math.max(1, availableParallelism()), 1, 256),
  /**
   * Linux nice of the verification threads: when the machine is busy they
   * yield to the engine's thread and the request path, so judging what is
   * stored keeps up instead of falling behind what is being verified
   * (ADR 0044). 0: no yielding.
   */
  FIREBREAK_VERIFY_NICE: intFrom(5, 0, 19),
  /** Requests being worked on at once; more get 429 with Retry-After. */
  FIREBREAK_MAX_INFLIGHT: intFrom(Math.max(4, availableParallelism() * 4), 1, 10_000),
  /** Body bytes those requests may hold at once (decoded); more get 429 with Retry-After. */
  FIREBREAK_MAX_INFLIGHT_BYTES: intFrom(256 * 1024 * 1024, 1024 * 1024, 16 * 1024 * 1024 * 1024),
  /** Retry-After, seconds, when the collector is at capacity. */
  FIREBREAK_OVERLOAD_RETRY_AFTER_S: intFrom(1, 1, 600),
  /** Retry-After, seconds, when the database is away; also how often a trial batch tests whether it is back. */
  FIREBREAK_DB_RETRY_AFTER_S: intFrom(2, 1, 600),
  /** Extra ingest keys, comma separated (FIREBREAK_TOKEN is always one). */
  FIREBREAK_INGEST_KEYS: z.string().default(""),
  /** How long the collector trusts its answer about an ingest-scoped API token: a revoked key stops within this. */
  FIREBREAK_INGEST_TOKEN_TTL_MS: intFrom(5_000, 0, 300_000),
  /** PostgreSQL connections for storing batches (the engine, webhooks and checkpoints have a few more of their own). */
  FIREBREAK_DB_POOL: intFrom(20, 2, 500),
});
export type CollectorConfig = z.infer<typeof CollectorConfig>;

export interface CollectorSettings {
  port: number;
  host: string;
  maxBodyBytes: number;
  skewMs: number;
  pendingWaitMs: number;
  workers: number;
  /** Nice of the verification threads (Linux); 0 when absent. */
  verifyNice?: number;
  maxInflight: number;
  /** Body bytes in flight at once; 256 MiB when absent. */
  maxInflightBytes?: number;
  /** Retry-After when at capacity, seconds; 1 when absent. */
  overloadRetryAfterSeconds?: number;
  /** Retry-After when the database is away, seconds; 2 when absent. */
  databaseRetryAfterSeconds?: number;
  ingestKeys: string[];
  /** Cache lifetime of database answers about ingest tokens; 5 s when absent. */
  ingestTokenTtlMs?: number;
  /** Size of the ingest connection pool; 20 when absent. */
  dbPool?: number;
}

export function collectorSettings(env: Record<string, string | undefined>, adminToken: string): CollectorSettings {
  const parsed = CollectorConfig.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid collector configuration: ${problems}`);
  }
  const c = parsed.data;
  const extra = c.FIREBREAK_INGEST_KEYS.split(",").map((k) => k.trim()).filter(Boolean);
  return {
    port: c.FIREBREAK_COLLECTOR_PORT,
    host: c.FIREBREAK_COLLECTOR_HOST,
    maxBodyBytes: c.FIREBREAK_MAX_BODY_BYTES,
    skewMs: c.FIREBREAK_SKEW_MS,
    pendingWaitMs: c.FIREBREAK_PENDING_WAIT_MS,
    workers: c.FIREBREAK_VERIFY_WORKERS,
    verifyNice: c.FIREBREAK_VERIFY_NICE,
    maxInflight: c.FIREBREAK_MAX_INFLIGHT,
    maxInflightBytes: c.FIREBREAK_MAX_INFLIGHT_BYTES,
    overloadRetryAfterSeconds: c.FIREBREAK_OVERLOAD_RETRY_AFTER_S,
    databaseRetryAfterSeconds: c.FIREBREAK_DB_RETRY_AFTER_S,
    ingestKeys: [adminToken, ...extra],
    ingestTokenTtlMs: c.FIREBREAK_INGEST_TOKEN_TTL_MS,
    dbPool: c.FIREBREAK_DB_POOL,
  };
}
