// The collector process's /metrics: its own counters (ingest, verdicts,
// OTLP request latency, the engine loop, the webhook dispatcher) and the
// database-derived gauges (breakers, incidents, findings, the outbox),
// read through a short cache. One registry per collector; the names, labels
// and their bounds are listed in docs/integrations.md. What belongs to a
// project (ingest, verdicts, engine work and lag, breakers, incidents,
// findings) carries a `project` label; agent ids are labels only on the
// capped per-edge breaker gauge.
import client from "prom-client";
import type { IngestStats } from "../collector/stats.ts";
import type { MetricsSnapshot } from "../db/metrics-query.ts";
import { BREAKER_STATES } from "../engine/breaker/states.ts";
import type { Cached } from "./cached.ts";
import { BoundedLabel } from "./bounded-labels.ts";
import type { HeapReport } from "../process/heap-watch.ts";
import type { ProjectEngineStats } from "../engine/evaluator/engine-loop.ts";

/** The most record kinds and verdicts each with a series of their own; see bounded-labels.ts. */
const MAX_KINDS = 16;
const MAX_VERDICTS = 32;
/**
 * The most projects with series of their own in this process; the rest are
 * summed under `_other` (no project id can start with `_`). Projects are few
 * (environments, customers): the cap only guards the scraper against a
 * misuse such as a project per agent.
 */
export const MAX_PROJECT_LABELS = 50;
export const OTHER_PROJECT = "_other";

type Labels = Record<string, string>;

/** Sums values whose labels fold into the same set (several projects or kinds past a cap become one `other` series). */
export function sumByLabels(entries: Iterable<[Labels, number]>): [Labels, number][] {
  const merged = new Map<string, [Labels, number]>();
  for (const [labels, n] of entries) {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const prev = merged.get(key);
    merged.set(key, [labels, (prev?.[1] ?? 0) + n]);
  }
  return [...merged.values()];
}

export interface CollectorMetricSources {
  stats: IngestStats;
  /** Requests in progress right now. */
  inflight: () => number;
  /** Body bytes those requests hold. */
  inflightBytes?: () => number;
  /** False while the collector holds the database for away (503s at the door). */
  databaseUp?: () => boolean;
  /** The engine loop's counters (the whole loop's, and each project's), or null when FIREBREAK_ENGINE=off. */
  engine: () => { passes: number; errors: number; projects: ProjectEngineStats[]; heap?: HeapReport } | null;
  /** The main thread's heap (the engine's comes with its counters). */
  heap?: () => HeapReport;
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
  // One for the whole registry: a project keeps the same label in every metric, counters and database gauges alike.
  const projects = new BoundedLabel(MAX_PROJECT_LABELS, OTHER_PROJECT);

  // Counters mirrored from the collector's own totals (lib/collector/stats.ts) at scrape time.
  const mirror = <L extends string>(name: string, help: string, labelNames: readonly L[], values: () => [Partial<Record<L, string>>, number][]) =>
    new client.Counter<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, n] of sumByLabels(values() as [Labels, number][])) this.inc(labels as Partial<Record<L, string>>, n);
      },
    });

  const { stats } = sources;
  const ingest = () => [...stats.byProject].map(([project, c]) => [projects.of(project), c] as const);
  mirror("firebreak_ingest_batches_total", "OTLP export requests stored, by project.", ["project"], () => ingest().map(([project, c]) => [{ project }, c.batches]));
  mirror("firebreak_ingest_spans_total", "Spans received, by project and outcome: accepted (decoded and stored) or rejected (malformed, never stored).", ["project", "outcome"], () =>
    ingest().flatMap(([project, c]) => [
      [{ project, outcome: "accepted" }, c.spans],
      [{ project, outcome: "rejected" }, c.rejectedSpans],
    ]),
  );
  mirror("firebreak_ingest_records_total", "Provenance records stored, by project (each judged; see firebreak_verdicts_total). rate() of it is the ingest rate.", ["project"], () =>
    ingest().map(([project, c]) => [{ project }, c.records]),
  );
  mirror("firebreak_ingest_refused_total", "Export requests refused, by project and reason: requests or bytes (in-flight limits) and workers (verification queue full) answer 429; database (away or refusing writes) answers 503. All carry Retry-After. An empty project: refused before its key could be checked.", ["project", "reason"], () => {
    const projects = ingest();
    return Object.entries(stats.refusedBy).flatMap(([reason, total]) => {
      const cause = reason as keyof typeof stats.refusedBy;
      const known = projects.map(([project, c]): [Labels, number] => [{ project, reason }, c.refusedBy[cause]]);
      const unknown = total - known.reduce((sum, [, n]) => sum + n, 0);
      // Refused before its key was checked (the database could not say whose it was): no project to name.
      return unknown > 0 ? [...known, [{ project: "", reason }, unknown] as [Labels, number]] : known;
    });
  });
  mirror("firebreak_verdicts_total", "Records judged at the door, by project, verdict and record kind. A record with several verdicts counts once for each.", ["project", "verdict", "kind"], () =>
    ingest().flatMap(([project, c]) =>
      Object.entries(c.verdictsByKind).flatMap(([kind, counts]) => Object.entries(counts).map(([verdict, n]): [Labels, number] => [{ project, verdict: verdicts.of(verdict), kind: kinds.of(kind) }, n])),
    ),
  );
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
  // Read once per scrape: its lag quantiles sort every project's samples, and seven metrics ask.
  let engineNow: ReturnType<CollectorMetricSources["engine"]> | undefined;
  const engine = () => (engineNow === undefined ? sources.engine() : engineNow);
  mirror("firebreak_engine_passes_total", "Evaluation passes this process ran (one per project per round).", [], () => [[{}, engine()?.passes ?? 0]]);
  const engineProjects = () => (engine()?.projects ?? []).map((p) => [projects.of(p.project), p] as const);
  mirror("firebreak_engine_records_total", "Records this process's engine evaluated, by project.", ["project"], () => engineProjects().map(([project, p]) => [{ project }, p.records]));
  mirror("firebreak_engine_findings_total", "Findings this process's engine stored, by project.", ["project"], () => engineProjects().map(([project, p]) => [{ project }, p.findings]));
  mirror("firebreak_engine_transitions_total", "Breaker transitions this process's engine stored, by project.", ["project"], () => engineProjects().map(([project, p]) => [{ project }, p.transitions]));
  mirror("firebreak_engine_errors_total", "Engine passes that failed (database errors and the like).", [], () => [[{}, engine()?.errors ?? 0]]);
  new client.Gauge<"project" | "quantile">({
    name: "firebreak_engine_lag_seconds",
    help: "Evaluation lag per project, from a record being stored to the commit of the pass that judged it, over the latest samples. Projects past the label cap are left out (quantiles do not add up).",
    labelNames: ["project", "quantile"],
    registers,
    collect() {
      this.reset();
      for (const [project, p] of engineProjects()) {
        if (project === OTHER_PROJECT || p.lag.samples === 0) continue;
        this.set({ project, quantile: "0.5" }, p.lag.p50 / 1000);
        this.set({ project, quantile: "0.99" }, p.lag.p99 / 1000);
        this.set({ project, quantile: "1" }, p.lag.max / 1000);
      }
    },
  });
  const passes = new client.Histogram({
    name: "firebreak_engine_pass_duration_seconds",
    help: "How long each evaluation pass this process ran took.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new client.Gauge<"thread">({
    name: "firebreak_heap_live_bytes",
    help: "Heap in use just after the thread's last full garbage collection: what it holds, garbage left out (RSS and the heap's used size count garbage V8 has not collected yet). Absent before the first full collection.",
    labelNames: ["thread"],
    registers,
    collect() {
      this.reset();
      const threads: [string, HeapReport | undefined][] = [["main", sources.heap?.()], ["engine", engine()?.heap]];
      for (const [thread, h] of threads) if (h?.liveBytes != null) this.set({ thread }, h.liveBytes);
    },
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

  if (sources.snapshot) registerDatabaseGauges(registry, sources.snapshot, sources.maxEdges, projects);

  return {
    registry,
    observeRequest: (handler, status, seconds) => requests.observe({ handler, code: String(status) }, seconds),
    observePass: (seconds) => passes.observe(seconds),
    observeWebhookAttempt: (outcome, seconds) => {
      attempts.inc({ outcome });
      attemptTime.observe(seconds);
    },
    render: async () => {
      engineNow = sources.engine();
      try {
        return await registry.metrics();
      } finally {
        engineNow = undefined;
      }
    },
  };
}

/**
 * Gauges read from the database. Every collector exports the same values:
 * aggregate them with max (not sum) across instances. When the read fails
 * they are left out and firebreak_metrics_database_up says 0, so a scrape
 * still returns the process's own metrics.
 */
function registerDatabaseGauges(registry: client.Registry, snapshot: Cached<MetricsSnapshot>, maxEdges: number, projects: BoundedLabel): void {
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
      // Capped by FIREBREAK_METRICS_MAX_EDGES, so the project is named as stored (never folded: two edges must not share a series).
      for (const e of current?.value.edges ?? []) for (const s of BREAKER_STATES) this.set({ project: e.project, from: e.sender, to: e.receiver, state: s }, e.state === s ? 1 : 0);
    },
  });
  /** Every project gets each series, at 0 when it has nothing to count; then the counts, folded past the cap. */
  const perProject = (current: MetricsSnapshot, zero: (project: string) => Labels[], counts: [Labels & { project: string }, number][]): [Labels, number][] =>
    sumByLabels([
      ...current.projects.flatMap((p) => zero(projects.of(p)).map((l): [Labels, number] => [l, 0])),
      ...counts.map(([l, n]): [Labels, number] => [{ ...l, project: projects.of(l.project) }, n]),
    ]);
  new client.Gauge<"project" | "state">({ name: "firebreak_breakers", help: "Edges whose breaker is in each state, per project, over all edges.", labelNames: ["project", "state"], registers, async collect() {
    this.reset();
    const current = await read();
    if (!current) return;
    const counts = current.value.breakerCounts.map((c): [{ project: string; state: string }, number] => [{ project: c.project, state: c.state }, c.n]);
    for (const [labels, n] of perProject(current.value, (project) => BREAKER_STATES.map((state) => ({ project, state })), counts)) this.set(labels, n);
  } });
  new client.Gauge({ name: "firebreak_breaker_edges_truncated", help: "Edges left out of firebreak_breaker_state by the edge cap (0 when all are there).", registers, async collect() {
    this.reset();
    const current = await read();
    if (current) this.set(Math.max(0, current.value.totalEdges - current.value.edges.length));
  } });
  new client.Gauge<"project" | "scope">({
    name: "firebreak_kill_switches_active",
    help: "Kill switches thrown now, per project and scope. scope=edge counts edges forced open (FORCED_OPEN).",
    labelNames: ["project", "scope"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      if (!current) return;
      const forced = current.value.breakerCounts.filter((c) => c.state === "FORCED_OPEN").map((c): [{ project: string; scope: string }, number] => [{ project: c.project, scope: "edge" }, c.n]);
      for (const [labels, n] of perProject(current.value, (project) => [{ project, scope: "edge" }], forced)) this.set(labels, n);
    },
  });
  new client.Gauge<"project" | "severity" | "status">({
    name: "firebreak_incidents_open",
    help: "Incidents not yet resolved, per project, severity and status (open or acknowledged).",
    labelNames: ["project", "severity", "status"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      if (!current) return;
      const zero = (project: string) => ["low", "medium", "high", "critical"].flatMap((severity) => ["open", "acknowledged"].map((status) => ({ project, severity, status })));
      const counts = current.value.incidents.map((i): [{ project: string; severity: string; status: string }, number] => [{ project: i.project, severity: i.severity, status: i.status }, i.n]);
      for (const [labels, n] of perProject(current.value, zero, counts)) this.set(labels, n);
    },
  });
  new client.Gauge<"project" | "detector">({
    name: "firebreak_findings_last_hour",
    help: "Findings stored in the last hour, per project and detector.",
    labelNames: ["project", "detector"],
    registers,
    async collect() {
      this.reset();
      const current = await read();
      if (!current) return;
      const counts = current.value.findingsLastHour.map((f): [{ project: string; detector: string }, number] => [{ project: f.project, detector: f.detector }, f.n]);
      for (const [labels, n] of perProject(current.value, () => [], counts)) this.set(labels, n);
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
