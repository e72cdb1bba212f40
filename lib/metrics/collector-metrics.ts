// The collector process's /metrics: its own counters (ingest, verdicts,
// OTLP request latency, the engine loop, the webhook dispatcher) and the
// database-derived gauges (breakers, incidents, findings, the outbox),
// read through a short cache. One registry per collector; the names, labels
// and their bounds are listed in docs/integrations.md.
import client from "prom-client";
import type { IngestStats } from "../collector/stats.ts";
import type { MetricsSnapshot } from "../db/metrics-query.ts";
import { BREAKER_STATES } from "../engine/breaker/states.ts";
import type { LagSummary } from "../engine/evaluator/lag-stats.ts";
import type { Cached } from "./cached.ts";
import { BoundedLabel } from "./bounded-labels.ts";

/** The most record kinds and verdicts each with a series of their own; see bounded-labels.ts. */
const MAX_KINDS = 16;
const MAX_VERDICTS = 32;

export interface CollectorMetricSources {
  stats: IngestStats;
  /** Requests in progress right now. */
  inflight: () => number;
  /** Body bytes those requests hold. */
  inflightBytes?: () => number;
  /** False while the collector holds the database for away (503s at the door). */
  databaseUp?: () => boolean;
  /** The engine loop's counters, or null when FIREBREAK_ENGINE=off. */
  engine: () => { passes: number; records: number; findings: number; transitions: number; errors: number; lag: LagSummary } | null;
  /** The database-derived gauges; null leaves them out (a collector without a database connection for them). */
  snapshot: Cached<MetricsSnapshot> | null;
  /** The edge cap the snapshot was read with, to report truncation. */
  maxEdges: number;
}

export interface CollectorMetrics {
  registry: client.Registry;
  /** One OTLP request: its status and how long it took, seconds. */
  observeRequest(handler: string, status: number, seconds: number): void;
  observePass(seconds: number): void;
  observeWebhookAttempt(outcome: "delivered" | "retry" | "failed", seconds: number): void;
  render(): Promise<string>;
}

export function createCollectorMetrics(sources: CollectorMetricSources): CollectorMetrics {
  const registry = new client.Registry();
  const registers = [registry];
  client.collectDefaultMetrics({ register: registry, prefix: "firebreak_collector_" });
  const kinds = new BoundedLabel(MAX_KINDS);
  const verdicts = new BoundedLabel(MAX_VERDICTS);

  // Counters mirrored from the collector's own totals (lib/collector/stats.ts) at scrape time.
  const mirror = <L extends string>(name: string, help: string, labelNames: readonly L[], values: () => [Partial<Record<L, string>>, number][]) =>
    new client.Counter<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, n] of values()) this.inc(labels, n);
      },
    });

  const { stats } = sources;
  mirror("firebreak_ingest_batches_total", "OTLP export requests stored.", [], () => [[{}, stats.batches]]);
  mirror("firebreak_ingest_spans_total", "Spans received, by outcome: accepted (decoded and stored) or rejected (malformed, never stored).", ["outcome"], () => [
    [{ outcome: "accepted" }, stats.spans],
    [{ outcome: "rejected" }, stats.rejectedSpans],
  ]);
  mirror("firebreak_ingest_records_total", "Provenance records stored (each judged; see firebreak_verdicts_total).", [], () => [[{}, stats.records]]);
  mirror("firebreak_ingest_refused_total", "Export requests refused, by reason: requests or bytes (in-flight limits) and workers (verification queue full) answer 429; database (away or refusing writes) answers 503. All carry Retry-After.", ["reason"], () =>
    Object.entries(stats.refusedBy).map(([reason, n]) => [{ reason }, n]),
  );
  mirror("firebreak_verdicts_total", "Records judged at the door, by verdict and record kind. A record with several verdicts counts once for each.", ["verdict", "kind"], () => {
    const merged = new Map<string, [{ verdict: string; kind: string }, number]>();
    for (const [kind, counts] of Object.entries(stats.verdictsByKind)) {
      for (const [verdict, n] of Object.entries(counts)) {
        const labels = { verdict: verdicts.of(verdict), kind: kinds.of(kind) };
        const key = `${labels.verdict}\u0000${labels.kind}`;
        const prev = merged.get(key);
        merged.set(key, [labels, (prev?.[1] ?? 0) + n]);
      }
    }
    return [...merged.values()];
  });
  new client.Gauge({ name: "firebreak_ingest_inflight_requests", help: "Export requests being worked on now.", registers, collect() {
    this.set(sources.inflight());
  } });
  new client.Gauge({ name: "firebreak_ingest_inflight_bytes", help: "Body bytes held by the export requests being worked on now (bounded by FIREBREAK_MAX_INFLIGHT_BYTES).", registers, collect() {
    this.set(sources.inflightBytes?.() ?? 0);
  } });
  new client.Gauge({ name: "firebreak_ingest_database_writable", help: "1 while the collector commits batches; 0 while it holds the database for away and answers 503.", registers, collect() {
    this.set(sources.databaseUp?.() === false ? 0 : 1);
  } });

  const requests = new client.Histogram<"handler" | "code">({
    name: "firebreak_http_request_duration_seconds",
    help: "Collector HTTP requests, from the first byte read to the response written, by handler and status code.",
    labelNames: ["handler", "code"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  // The engine loop runs in every collector; the advisory lock lets one at a time work, so sum over instances.
  const engine = sources.engine;
  mirror("firebreak_engine_passes_total", "Evaluation passes this process ran.", [], () => [[{}, engine()?.passes ?? 0]]);
  mirror("firebreak_engine_records_total", "Records this process's engine evaluated.", [], () => [[{}, engine()?.records ?? 0]]);
  mirror("firebreak_engine_findings_total", "Findings this process's engine stored.", [], () => [[{}, engine()?.findings ?? 0]]);
  mirror("firebreak_engine_transitions_total", "Breaker transitions this process's engine stored.", [], () => [[{}, engine()?.transitions ?? 0]]);
  mirror("firebreak_engine_errors_total", "Engine passes that failed (database errors and the like).", [], () => [[{}, engine()?.errors ?? 0]]);
  new client.Gauge<"quantile">({
    name: "firebreak_engine_lag_seconds",
    help: "Evaluation lag, from a record being stored to the commit of the pass that judged it, over the latest samples.",
    labelNames: ["quantile"],
    registers,
    collect() {
      this.reset();
      const lag = engine()?.lag;
      if (!lag || lag.samples === 0) return;
      this.set({ quantile: "0.5" }, lag.p50 / 1000);
      this.set({ quantile: "0.99" }, lag.p99 / 1000);
      this.set({ quantile: "1" }, lag.max / 1000);
    },
  });
  const passes = new client.Histogram({
    name: "firebreak_engine_pass_duration_seconds",
    help: "How long each evaluation pass this process ran took.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new client.Gauge({ name: "firebreak_engine_enabled", help: "1 when this process runs the engine loop (FIREBREAK_ENGINE=on).", registers, collect() {
    this.set(engine() ? 1 : 0);
  } });

  const attempts = new client.Counter<"outcome">({
    name: "firebreak_webhook_attempts_total",
    help: "Webhook POSTs this process made, by outcome: delivered, retry (failed, will be tried again) or failed (gave up).",
    labelNames: ["outcome"],
    registers,
  });
  const attemptTime = new client.Histogram({
    name: "firebreak_webhook_attempt_duration_seconds",
    help: "How long each webhook POST took, timeouts included.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  for (const outcome of ["delivered", "retry", "failed"]) attempts.inc({ outcome }, 0);

  if (sources.snapshot) registerDatabaseGauges(registry, sources.snapshot, sources.maxEdges);

  return {
    registry,
    observeRequest: (handler, status, seconds) => requests.observe({ handler, code: String(status) }, seconds),
    observePass: (seconds) => passes.observe(seconds),
    observeWebhookAttempt: (outcome, seconds) => {
      attempts.inc({ outcome });
      attemptTime.observe(seconds);
    },
    render: () => registry.metrics(),
  };
}

/**
 * Gauges read from the database. Every collector exports the same values:
 * aggregate them with max (not sum) across instances. When the read fails
 * they are left out and firebreak_metrics_database_up says 0, so a scrape
 * still returns the process's own metrics.
 */
function registerDatabaseGauges(registry: client.Registry, snapshot: Cached<MetricsSnapshot>, maxEdges: number): void {
  const registers = [registry];
  // The registry collects all metrics at once: each gauge asks the cache, which reads once for all of them.
  const read = () => snapshot.get().catch(() => null);
  new client.Gauge({
    name: "firebreak_metrics_database_up",
    help: "1 when the database-derived gauges were read on this scrape (or within the cache period), 0 when the read failed and they are left out.",
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new client.Gauge({ name: "firebreak_metrics_database_age_seconds", help: "Age of the cached database read the gauges below come from.", registers, async collect() {
    this.reset();
    const current = await read();
    if (current) this.set((Date.now() - current.readAt) / 1000);
  } });
  new client.Gauge<"project" | "from" | "to" | "state">({
    name: "firebreak_breaker_state",
    help: `Circuit breaker state per edge (project, from = sender, to = receiver): 1 for the current state, 0 for the others. At most FIREBREAK_METRICS_MAX_EDGES edges (${maxEdges}), first by name; see firebreak_breaker_edges_truncated.`,
    labelNames: ["project", "from", "to", "state"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      for (const e of current?.value.edges ?? []) for (const s of BREAKER_STATES) this.set({ project: e.project, from: e.sender, to: e.receiver, state: s }, e.state === s ? 1 : 0);
    },
  });
  new client.Gauge<"state">({ name: "firebreak_breakers", help: "Edges whose breaker is in each state, over all edges.", labelNames: ["state"], registers, async collect() {
    this.reset();
    const current = await read();
    if (!current) return;
    for (const s of BREAKER_STATES) this.set({ state: s }, current.value.breakerCounts[s] ?? 0);
  } });
  new client.Gauge({ name: "firebreak_breaker_edges_truncated", help: "Edges left out of firebreak_breaker_state by the edge cap (0 when all are there).", registers, async collect() {
    this.reset();
    const current = await read();
    if (current) this.set(Math.max(0, current.value.totalEdges - current.value.edges.length));
  } });
  new client.Gauge<"scope">({
    name: "firebreak_kill_switches_active",
    help: "Kill switches thrown now, by scope. scope=edge counts edges forced open (FORCED_OPEN).",
    labelNames: ["scope"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      if (current) this.set({ scope: "edge" }, current.value.breakerCounts.FORCED_OPEN ?? 0);
    },
  });
  new client.Gauge<"severity" | "status">({
    name: "firebreak_incidents_open",
    help: "Incidents not yet resolved, by severity and status (open or acknowledged).",
    labelNames: ["severity", "status"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      if (!current) return;
      for (const severity of ["low", "medium", "high", "critical"]) for (const status of ["open", "acknowledged"]) this.set({ severity, status }, 0);
      for (const i of current.value.incidents) this.set({ severity: i.severity, status: i.status }, i.n);
    },
  });
  new client.Gauge<"detector">({
    name: "firebreak_findings_last_hour",
    help: "Findings stored in the last hour, by detector.",
    labelNames: ["detector"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      for (const f of current?.value.findingsLastHour ?? []) this.set({ detector: f.detector }, f.n);
    },
  });
  new client.Gauge({ name: "firebreak_webhook_deliveries_pending", help: "Webhook deliveries waiting to be sent or retried.", registers, async collect() {
    this.reset();
    const current = await read();
    if (current) this.set(current.value.webhookPending);
  } });
  new client.Gauge({ name: "firebreak_webhook_oldest_pending_seconds", help: "Age of the oldest pending webhook delivery (0 when none).", registers, async collect() {
    this.reset();
    const current = await read();
    if (current) this.set(current.value.webhookOldestPendingSeconds);
  } });
}
