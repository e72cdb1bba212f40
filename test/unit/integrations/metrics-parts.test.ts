import { describe, expect, it } from "vitest";
import { BoundedLabel, OTHER } from "@/lib/metrics/bounded-labels.ts";
import { cached } from "@/lib/metrics/cached.ts";
import { mayReadMetrics, metricsAccess } from "@/lib/metrics/metrics-access.ts";
import { integrationsConfig } from "@/lib/config/integrations-config.ts";
import { IngestStats } from "@/lib/collector/stats.ts";
import { createCollectorMetrics, MAX_PROJECT_LABELS, OTHER_PROJECT, sumByLabels } from "@/lib/metrics/collector-metrics.ts";
import type { MetricsSnapshot } from "@/lib/db/metrics-query.ts";
import { parsePrometheusText, valueOf } from "../../helpers/prom-text.ts";

const outcome = (records: number) => ({ spans: records, records, newRecords: records, verdictCounts: { verified: records }, verdictsByKind: { message: { verified: records } } });
const lag = { samples: 0, p50: 0, p99: 0, max: 0 };

describe("bounded labels", () => {
  it("keeps the first values and folds the rest, and anything not an identifier, into `other`", () => {
    const l = new BoundedLabel(2);
    expect([l.of("message"), l.of("action"), l.of("state_write"), l.of("message")]).toEqual(["message", "action", OTHER, "message"]);
    expect(new BoundedLabel(5).of('bad"label\n')).toBe(OTHER);
    expect(new BoundedLabel(5).of("x".repeat(65))).toBe(OTHER);
    expect(new BoundedLabel(5).of("")).toBe(OTHER);
  });
});

describe("project labels on /metrics", () => {
  it("a project may be called `other`: its own label, never folded into the overflow", () => {
    const l = new BoundedLabel(2, OTHER_PROJECT);
    expect([l.of("other"), l.of("prod"), l.of("staging"), l.of("other")]).toEqual(["other", "prod", OTHER_PROJECT, "other"]);
  });

  it("sums series whose labels fold together, whatever the order the labels were written in", () => {
    expect(sumByLabels([[{ project: "a", state: "OPEN" }, 1], [{ state: "OPEN", project: "a" }, 2], [{ project: "b", state: "OPEN" }, 4]])).toEqual([
      [{ project: "a", state: "OPEN" }, 3],
      [{ project: "b", state: "OPEN" }, 4],
    ]);
  });

  it("gives the first projects series of their own and sums the rest under _other, counters and database gauges alike", async () => {
    const stats = new IngestStats();
    const n = MAX_PROJECT_LABELS + 10;
    const ids = Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, "0")}`);
    for (const [i, id] of ids.entries()) stats.recordBatch(id, outcome(i + 1), i % 2);
    const snapshot: MetricsSnapshot = {
      projects: ids,
      edges: [],
      breakerCounts: ids.map((project) => ({ project, state: "OPEN", n: 1 })),
      totalEdges: n,
      incidents: [],
      findingsLastHour: [],
      webhookPending: 0,
      webhookOldestPendingSeconds: 0,
    };
    const metrics = createCollectorMetrics({
      stats,
      inflight: () => 0,
      engine: () => ({ passes: 1, errors: 0, projects: ids.map((project) => ({ project, records: 1, findings: 0, transitions: 0, lag: { ...lag, samples: 1, p50: 5, p99: 5, max: 5 } })) }),
      snapshot: { get: async () => ({ value: snapshot, readAt: Date.now() }) },
      maxEdges: 10,
    });
    const f = parsePrometheusText(await metrics.render());
    const projectsOf = (name: string) => new Set(f.get(name)!.samples.map((s) => s.labels.project));
    for (const name of ["firebreak_ingest_records_total", "firebreak_verdicts_total", "firebreak_engine_records_total", "firebreak_breakers", "firebreak_incidents_open"]) {
      expect(projectsOf(name).size, name).toBe(MAX_PROJECT_LABELS + 1);
      expect(projectsOf(name), name).toContain(OTHER_PROJECT);
    }
    // Nothing is lost by folding: the totals are the same.
    const sum = (name: string, labels: Record<string, string> = {}) =>
      f.get(name)!.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
    expect(sum("firebreak_ingest_records_total")).toBe((n * (n + 1)) / 2);
    expect(sum("firebreak_ingest_spans_total", { outcome: "rejected" })).toBe(n / 2);
    expect(sum("firebreak_breakers", { state: "OPEN" })).toBe(n);
    expect(valueOf(f, "firebreak_breakers", { project: OTHER_PROJECT, state: "OPEN" })).toBe(10);
    expect(valueOf(f, "firebreak_ingest_records_total", { project: "p000" })).toBe(1);
    // Quantiles do not add up: projects past the cap have no lag series rather than a wrong one.
    expect(projectsOf("firebreak_engine_lag_seconds").size).toBe(MAX_PROJECT_LABELS);
    expect(valueOf(f, "firebreak_engine_lag_seconds", { project: "p000", quantile: "0.99" })).toBe(0.005);
  });
});

describe("refusals by project", () => {
  it("counts a refusal against its project when the door knew it, and the rest under an empty project", async () => {
    const stats = new IngestStats();
    stats.refuse("requests", "prod");
    stats.refuse("requests", "prod");
    stats.refuse("database", "staging");
    stats.refuse("database");
    expect(stats.projectJSON("prod")).toMatchObject({ refused: 2, refusedBy: { requests: 2, database: 0 } });
    expect(stats.projectJSON("nobody")).toMatchObject({ records: 0, refused: 0 });
    expect(stats.toJSON()).toMatchObject({ refused: 4, refusedBy: { requests: 2, database: 2 } });
    const f = parsePrometheusText(await createCollectorMetrics({ stats, inflight: () => 0, engine: () => null, snapshot: null, maxEdges: 0 }).render());
    expect(valueOf(f, "firebreak_ingest_refused_total", { project: "prod", reason: "requests" })).toBe(2);
    expect(valueOf(f, "firebreak_ingest_refused_total", { project: "staging", reason: "database" })).toBe(1);
    expect(valueOf(f, "firebreak_ingest_refused_total", { project: "", reason: "database" })).toBe(1);
  });
});

describe("heap held per thread", () => {
  const heap = (liveBytes: number | null) => ({ liveBytes, liveAt: liveBytes === null ? null : 1, fullCollections: liveBytes === null ? 0 : 1, usedBytes: 9e8, limitBytes: 4e9 });
  it("reports each thread's heap after its last full collection, and none before one", async () => {
    const engine = { passes: 1, errors: 0, projects: [], heap: heap(null) };
    const metrics = createCollectorMetrics({ stats: new IngestStats(), inflight: () => 0, engine: () => engine, heap: () => heap(120e6), snapshot: null, maxEdges: 0 });
    let f = parsePrometheusText(await metrics.render());
    expect(valueOf(f, "firebreak_heap_live_bytes", { thread: "main" })).toBe(120e6);
    expect(valueOf(f, "firebreak_heap_live_bytes", { thread: "engine" })).toBeUndefined();
    engine.heap = heap(80e6);
    f = parsePrometheusText(await metrics.render());
    expect(valueOf(f, "firebreak_heap_live_bytes", { thread: "engine" })).toBe(80e6);
  });
});

describe("cached reads", () => {
  it("reads once per period, shares a read in flight, and does not cache failures", async () => {
    let t = 0;
    let reads = 0;
    let fail = false;
    const c = cached(async () => {
      reads++;
      if (fail) throw new Error("db down");
      return reads;
    }, 5_000, () => t);
    const [a, b] = await Promise.all([c.get(), c.get()]);
    expect([a.value, b.value, reads]).toEqual([1, 1, 1]);
    t = 4_999;
    expect((await c.get()).value).toBe(1);
    t = 5_000;
    fail = true;
    await expect(c.get()).rejects.toThrow("db down");
    fail = false;
    expect((await c.get()).value).toBe(3);
    expect(reads).toBe(3);
  });
});

describe("who may read /metrics", () => {
  const config = integrationsConfig({ FIREBREAK_METRICS_TOKEN: "metrics-token-0123456789" });
  const access = metricsAccess(config, "admin-token-0123456789");

  it("needs the metrics token or the admin token by default", () => {
    expect(mayReadMetrics(access, undefined)).toBe(false);
    expect(mayReadMetrics(access, "Bearer wrong")).toBe(false);
    expect(mayReadMetrics(access, "Basic bWV0cmljcw==")).toBe(false);
    expect(mayReadMetrics(access, "Bearer metrics-token-0123456789")).toBe(true);
    expect(mayReadMetrics(access, "bearer admin-token-0123456789")).toBe(true);
  });

  it("is open with FIREBREAK_METRICS_PUBLIC=true", () => {
    const open = metricsAccess(integrationsConfig({ FIREBREAK_METRICS_PUBLIC: "true" }), "admin-token-0123456789");
    expect(mayReadMetrics(open, undefined)).toBe(true);
  });

  it("rejects bad settings with what to fix", () => {
    expect(() => integrationsConfig({ FIREBREAK_METRICS_PUBLIC: "yes" })).toThrow(/FIREBREAK_METRICS_PUBLIC: must be true or false/);
    expect(() => integrationsConfig({ FIREBREAK_METRICS_TOKEN: "short" })).toThrow(/FIREBREAK_METRICS_TOKEN: must be at least 16 characters/);
    expect(() => integrationsConfig({ FIREBREAK_PUBLIC_URL: "ftp://x" })).toThrow(/FIREBREAK_PUBLIC_URL/);
    expect(integrationsConfig({}).FIREBREAK_METRICS_CACHE_MS).toBe(5_000);
  });
});
