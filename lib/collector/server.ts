// OTLP/HTTP receiver for traces: POST /v1/traces, protobuf or JSON, gzip.
// A 200 leaves only after the batch is committed; overload is refused with
// 429 + Retry-After rather than queued without bound (admission.ts), and a
// database that is away or refuses writes gets 503 + Retry-After
// (database-gate.ts), never a 500 and never an acknowledgement.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import type { CollectorSettings } from "../config/collector-config.ts";
import { FirebreakError } from "../api/errors.ts";
import { parseContentType, readRequestBody, type BodyFormat } from "../otlp/body.ts";
import { encodeExportResponse, encodeErrorStatus } from "../otlp/response.ts";
import { WorkerPool, PoolSaturatedError } from "./worker-pool.ts";
import type { DecodeJob, DecodeResult } from "./decode-job.ts";
import { persistBatch, type BatchOutcome } from "./ingest.ts";
import { RegistrySync, type SnapshotLoader } from "./registry-sync.ts";
import { Settler } from "./settle.ts";
import { IngestStats } from "./stats.ts";
import { watchHeap } from "../process/heap-watch.ts";
import { createCollectorMetrics, type CollectorMetrics, type CollectorMetricSources } from "../metrics/collector-metrics.ts";
import { mayReadMetrics, type MetricsAccess } from "../metrics/metrics-access.ts";
import client from "prom-client";
import { IngestKeys, type IngestGrant, type IngestTokenLookup } from "./ingest-keys.ts";
import { DEFAULT_PROJECT, PROJECT_HEADER } from "../accounts/project.ts";
import { liveToken } from "../db/tokens-store.ts";
import { databaseUnavailableReason, unavailableMessage } from "../db/db-errors.ts";
import { Admission } from "./admission.ts";
import { DatabaseGate, isGateRefusal } from "./database-gate.ts";

const DEFAULT_MAX_INFLIGHT_BYTES = 256 * 1024 * 1024;

export interface Collector {
  port: number;
  stats: IngestStats;
  /** Served at GET /metrics; the runtime feeds it the engine's passes and the webhook attempts. */
  metrics: CollectorMetrics;
  /** Reloads the registry now instead of at the next poll. */
  reloadRegistry(): Promise<void>;
  close(): Promise<void>;
}

export interface CollectorOptions {
  settings: CollectorSettings;
  pool: pg.Pool;
  /** Reads one project's registry (agents, keys, contracts) into a snapshot. */
  loadSnapshot: SnapshotLoader;
  log?: (line: string) => void;
  /** More for /healthz's counters (the engine's); the query string is passed on. */
  health?: (query: URLSearchParams) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** /metrics: who may read it, and what beyond the collector's own counters it shows. Default: the admin token only, no database gauges. */
  metrics?: { access: MetricsAccess } & Partial<Pick<CollectorMetricSources, "engine" | "snapshot" | "maxEdges">>;
  /** Checks ingest-scoped API tokens; defaults to the api_tokens table, null accepts only the configured keys. */
  lookupIngestToken?: IngestTokenLookup | null;
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const { settings, pool } = opts;
  const log = opts.log ?? (() => {});
  const workers = new WorkerPool<DecodeJob, DecodeResult>(
    new URL("./decode-worker-entry.mjs", import.meta.url),
    settings.workers,
    settings.workers * 2,
    { nice: settings.verifyNice ?? 0 },
  );
  await workers.ready();
  const registry = new RegistrySync(pool, opts.loadSnapshot, (snapshots) => workers.broadcast(snapshots), log);
  await registry.start();
  const settler = new Settler(pool, registry, settings.pendingWaitMs, log);
  settler.start();
  const stats = new IngestStats();
  const heap = watchHeap();
  const startedAt = new Date().toISOString();
  const keys = new IngestKeys(settings.ingestKeys, opts.lookupIngestToken === undefined ? databaseIngestLookup(pool) : opts.lookupIngestToken, settings.ingestTokenTtlMs);
  const admission = new Admission({
    maxRequests: settings.maxInflight,
    maxBytes: settings.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES,
    retryAfterSeconds: settings.overloadRetryAfterSeconds ?? 1,
  });
  const overloadRetryAfter = admission.limits.retryAfterSeconds;
  const databaseRetryAfter = settings.databaseRetryAfterSeconds ?? 2;
  const gate = new DatabaseGate(databaseRetryAfter * 1000, log);
  const metricsAccess: MetricsAccess = opts.metrics?.access ?? { public: false, tokens: settings.ingestKeys.slice(0, 1) };
  const metrics = createCollectorMetrics({
    stats,
    inflight: () => admission.requests,
    inflightBytes: () => admission.bytes,
    databaseUp: () => gate.status.state === "up",
    engine: opts.metrics?.engine ?? (() => null),
    heap: () => heap.report(),
    snapshot: opts.metrics?.snapshot ?? null,
    maxEdges: opts.metrics?.maxEdges ?? 0,
  });

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log(`collector: unexpected error: ${(err as Error).stack ?? String(err)}`);
      sendError(res, "json", new FirebreakError("internal", "internal error"));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url?.split("?")[0] ?? "";
    if (url === "/healthz" && req.method === "GET") {
      const query = new URLSearchParams(req.url?.split("?")[1] ?? "");
      const grant = await keys.grant(req.headers.authorization);
      // Asked only of a caller who may see the instance (the engine answers from its own thread).
      const more = typeof grant === "object" && !grant.fixed ? await opts.health?.(query) : undefined;
      const body = healthBody(grant, () => ({
        instance: { inflight: admission.requests, inflightBytes: admission.bytes, ...stats.toJSON(), memory: { rssBytes: process.memoryUsage.rss(), heap: heap.report() }, ...(more ?? {}) },
        database: gate.status,
        since: startedAt,
        project: (p) => stats.projectJSON(p),
      }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (url === "/metrics" && req.method === "GET") {
      req.resume();
      if (!mayReadMetrics(metricsAccess, req.headers.authorization)) {
        res.setHeader("www-authenticate", 'Bearer realm="firebreak-metrics"');
        return sendError(res, "json", new FirebreakError("unauthorized", "Send `Authorization: Bearer <metrics token>` (FIREBREAK_METRICS_TOKEN or the admin token), or set FIREBREAK_METRICS_PUBLIC=true."));
      }
      const text = await metrics.render();
      res.writeHead(200, { "content-type": client.Registry.PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" }).end(text);
      return;
    }
    if (url !== "/v1/traces") {
      req.resume();
      return sendError(res, "json", new FirebreakError("not_found", `No such endpoint ${url}. OTLP traces go to POST /v1/traces.`));
    }
    if (req.method !== "POST") {
      req.resume();
      res.setHeader("allow", "POST");
      return sendError(res, "json", new FirebreakError("bad_request", `Use POST for /v1/traces, not ${req.method}.`), 405);
    }
    let format: BodyFormat = "json";
    try {
      format = parseContentType(req.headers["content-type"]);
    } catch (err) {
      req.resume();
      return sendError(res, "json", asFirebreakError(err));
    }
    const grant = await keys.grant(req.headers.authorization);
    if (typeof grant !== "object") {
      req.resume();
      if (grant === "unknown") {
        stats.refuse("database");
        res.setHeader("retry-after", String(databaseRetryAfter));
        return sendError(res, format, new FirebreakError("unavailable", "Cannot check this API token now: the database is unreachable. Retry after the delay in Retry-After."));
      }
      res.setHeader("www-authenticate", 'Bearer realm="firebreak-ingest"');
      return sendError(res, format, new FirebreakError("unauthorized", "Missing or wrong ingest key. Send `Authorization: Bearer <ingest key>`."));
    }
    const project = ingestProject(grant, req.headers[PROJECT_HEADER], (p) => registry.has(p));
    if (project instanceof FirebreakError) {
      req.resume();
      return sendError(res, format, project);
    }
    // The database first: while it is away nothing is read, decoded or verified.
    const pass = gate.enter();
    if (isGateRefusal(pass)) {
      req.resume();
      stats.refuse("database", project);
      res.setHeader("retry-after", String(pass.retryAfterSeconds));
      return sendError(res, format, new FirebreakError("unavailable", unavailableMessage(pass.reason)));
    }
    const ticket = admission.tryAdmit(Number(req.headers["content-length"]) || 0);
    if (!ticket.admitted) {
      pass.done();
      req.resume();
      stats.refuse(ticket.reason, project);
      res.setHeader("retry-after", String(ticket.retryAfterSeconds));
      return sendError(res, format, new FirebreakError("too_many_requests", ticket.message));
    }
    const started = performance.now();
    res.once("finish", () => metrics.observeRequest("/v1/traces", res.statusCode, (performance.now() - started) / 1000));
    try {
      const raw = await readRequestBody(req, {
        maxBytes: settings.maxBodyBytes,
        contentEncoding: req.headers["content-encoding"],
      });
      ticket.resize(raw.byteLength);
      // Judge by a registry at least as new as every change committed before
      // this batch arrived, whichever process (dashboard, another collector) made it.
      await registry.fresh();
      let decoded: DecodeResult;
      try {
        decoded = await workers.run({
          input: { project, body: raw, format, receivedAt: Date.now(), skewMs: settings.skewMs },
        });
      } catch (err) {
        if (err instanceof PoolSaturatedError) {
          stats.refuse("workers", project);
          res.setHeader("retry-after", String(overloadRetryAfter));
          return sendError(res, format, new FirebreakError("too_many_requests", "Verification workers saturated. The batch was not stored; retry after the delay in Retry-After."));
        }
        throw err;
      }
      if (decoded.error) return sendError(res, format, new FirebreakError(decoded.error.code, decoded.error.message));
      let outcome: BatchOutcome;
      try {
        outcome = await persistBatch(pool, project, decoded, registry.current(project));
      } catch (err) {
        const reason = databaseUnavailableReason(err);
        if (!reason) throw err;
        pass.unavailable(reason);
        log(`collector: could not commit a batch (${reason}): ${(err as Error).message}`);
        res.setHeader("retry-after", String(databaseRetryAfter));
        return sendError(res, format, new FirebreakError("unavailable", unavailableMessage(reason)));
      }
      pass.committed();
      const rejected = decoded.rejected.length;
      stats.recordBatch(project, outcome, rejected);
      const message = summarize(outcome, decoded.rejected);
      // The only 200 on this path, and it follows the commit: partial success
      // included, what is acknowledged is what is stored.
      res.writeHead(200, { "content-type": contentTypeFor(format) });
      res.end(encodeExportResponse(format, rejected, message));
    } catch (err) {
      const mapped = asFirebreakError(err);
      if (mapped.status >= 500) log(`collector: request failed: ${(err as Error).stack ?? String(err)}`);
      sendError(res, format, mapped.status === 500 ? new FirebreakError("internal", "Internal error; the batch was not stored. The collector's log has the cause.") : mapped);
    } finally {
      pass.done();
      ticket.release();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  log(`collector: OTLP/HTTP on http://${settings.host}:${port}/v1/traces (${settings.workers} verification workers)`);

  return {
    port,
    stats,
    metrics,
    async reloadRegistry() {
      await registry.refresh(true);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      settler.stop();
      heap.stop();
      registry.stop();
      await workers.close();
    },
  };
}

interface HealthSources {
  /** Totals, every project's counters, load and the engine: instance-wide. */
  instance: Record<string, unknown>;
  database: unknown;
  since: string;
  project: (project: string) => Record<string, unknown>;
}

/**
 * Liveness for anyone. Counters only for an ingest key, and only its own: a
 * configured key serves every project and sees the instance; a project's
 * ingest token sees that project's counters and the database's state (to
 * explain its 503s), never another tenant's traffic, the load or the engine.
 */
export function healthBody(grant: IngestGrant | "refused" | "unknown", read: () => HealthSources): Record<string, unknown> {
  if (typeof grant !== "object") return { status: "ok" };
  const sources = read();
  if (!grant.fixed) return { status: "ok", database: sources.database, since: sources.since, ...sources.instance };
  return { status: "ok", database: sources.database, since: sources.since, project: grant.project, ...sources.project(grant.project) };
}

/**
 * The project a batch is stored in: an API token's own (a header naming
 * another is refused, never silently ignored), else the header's, else default.
 */
export function ingestProject(grant: IngestGrant, header: string | string[] | undefined, known: (project: string) => boolean): string | FirebreakError {
  const named = typeof header === "string" && header !== "" ? header : null;
  if (grant.fixed) {
    if (named !== null && named !== grant.project) {
      return new FirebreakError("forbidden", `This ingest key belongs to the project ${JSON.stringify(grant.project)}: it cannot send into ${JSON.stringify(named)}. Drop the ${PROJECT_HEADER} header or use that project's key.`);
    }
    return grant.project;
  }
  const project = named ?? DEFAULT_PROJECT;
  if (!known(project)) return new FirebreakError("bad_request", `No project ${JSON.stringify(project)}: create it on the admin screen (or POST /api/v1/projects) before sending to it.`);
  return project;
}

/** Ingest-scoped API tokens, as stored by the dashboard (lib/db/tokens-store.ts): the project they send into. */
function databaseIngestLookup(pool: pg.Pool): IngestTokenLookup {
  return async (hash) => {
    const token = await liveToken(pool, hash);
    return token?.scope === "ingest" ? token.project : null;
  };
}

function contentTypeFor(format: BodyFormat): string {
  return format === "protobuf" ? "application/x-protobuf" : "application/json";
}

function sendError(res: http.ServerResponse, format: BodyFormat, err: FirebreakError, status = err.status): void {
  if (res.headersSent) return;
  // After an oversized body, do not let the client keep streaming on this connection.
  if (status === 413) res.setHeader("connection", "close");
  res.writeHead(status, { "content-type": contentTypeFor(format) });
  res.end(encodeErrorStatus(format, status, err.message));
}

function asFirebreakError(err: unknown): FirebreakError {
  if (err instanceof FirebreakError) return err;
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? "invalid request";
  if (status === 400) return new FirebreakError("bad_request", message);
  if (status === 413) return new FirebreakError("payload_too_large", message);
  if (status === 415) return new FirebreakError("unsupported_media_type", message);
  return new FirebreakError("internal", "internal error");
}

function summarize(outcome: BatchOutcome, rejected: { path: string; reason: string }[]): string {
  const parts: string[] = [];
  if (rejected.length > 0) {
    const shown = rejected.slice(0, 5).map((r) => `${r.path}: ${r.reason}`);
    parts.push(`rejected ${rejected.length} span(s): ${shown.join("; ")}${rejected.length > 5 ? "; ..." : ""}`);
  }
  const counts = Object.entries(outcome.verdictCounts).filter(([v]) => v !== "verified");
  if (counts.length > 0) {
    parts.push(`firebreak verdicts: ${counts.map(([v, n]) => `${n} ${v}`).join(", ")} (${outcome.verdictCounts.verified ?? 0} verified)`);
  }
  return parts.join(" | ");
}
