// /metrics on a real collector, with the real engine loop, over a real
// PostgreSQL: records from an unknown agent trip its edge's breaker, the
// scrape parses under a strict exposition parser, and the series say what
// the database and the collector say. Without a token it is 401.
import { afterAll, describe, expect, it } from "vitest";
import { startCollector } from "@/lib/collector/server.ts";
import { createPool } from "@/lib/db/ingest-store.ts";
import { readMetricsSnapshot } from "@/lib/db/metrics-query.ts";
import { groupFindings } from "@/lib/engine/incidents/incident-runner.ts";
import { operateBreaker } from "@/lib/engine/breaker/breaker-runner.ts";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import { cached } from "@/lib/metrics/cached.ts";
import { startMetricsRig, until } from "../../helpers/metrics-rig.ts";
import { sendRecords } from "../../helpers/otlp-client.ts";
import { parsePrometheusText, valueOf, type Family } from "../../helpers/prom-text.ts";
import { makeRecord } from "../../fixtures/records.ts";
import { insertFinding } from "../incidents/incident-fixtures.ts";
import { T0 } from "../lineage/lineage-fixtures.ts";

const INGEST = "metrics-test-ingest-key-0123456789";
const METRICS = "metrics-test-read-token-0123456789";
const rig = await startMetricsRig({ ingestKey: INGEST, metricsToken: METRICS, maxEdges: 2 });
const { pool, base } = rig;
afterAll(() => rig.close());

async function scrape(token: string | null = METRICS): Promise<Response> {
  return fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function families(): Promise<Map<string, Family>> {
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

describe("GET /metrics on the collector port", () => {
  it("is 401 without a token or with an ingest key, with a Bearer challenge", async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="firebreak-metrics"');
    expect(await none.text()).toMatch(/FIREBREAK_METRICS_TOKEN/);
    expect((await scrape(INGEST)).status).toBe(401);
    expect((await scrape("wrong-token")).status).toBe(401);
  });

  it("parses strictly and carries the breaker, verdict, ingest, engine, incident, finding and kill-switch series", async () => {
    // Three messages from an agent the registry does not know, to buyer: three failures trip planner -> buyer.
    const now = () => new Date().toISOString();
    await sendRecords(`${base}/v1/traces`, INGEST, [1, 2, 3].map(() => makeRecord({ agent: "planner", to: ["buyer"], timestamp: now() })));
    await sendRecords(`${base}/v1/traces`, INGEST, [makeRecord({ kind: "action", agent: "planner", to: undefined, intent: "place_order", timestamp: now() })]);
    await until(async () => (await pool.query(`SELECT 1 FROM breaker_states WHERE sender = 'planner' AND receiver = 'buyer' AND state = 'OPEN'`)).rowCount === 1);
    // The kill switch on two more edges; findings and incidents from this hour.
    const settings = { policy: BreakerPolicy.parse({}), leadsToRed: new Set<string>() };
    for (const receiver of ["auditor", "ledger"]) await operateBreaker(pool, "default", { sender: "planner", receiver }, { type: "force_open", at: Date.now(), actor: "ana", reason: "contain" }, settings);
    const nowSec = (Date.now() - T0) / 1000;
    const f1 = await insertFinding(pool, { detector: "fan_out_burst", agent: "planner", at: nowSec });
    const f2 = await insertFinding(pool, { detector: "fan_out_burst", agent: "planner", at: nowSec });
    await insertFinding(pool, { detector: "new_edge", agent: "x", at: nowSec });
    await insertFinding(pool, { detector: "new_edge", agent: "y", at: nowSec - 7_200 }); // two hours ago: not counted
    await groupFindings(pool, "default", [f1, f2]);

    // The breaker opens on the third record; the engine may judge the fourth a pass later.
    let f = await families();
    await until(async () => {
      f = await families();
      return (valueOf(f, "firebreak_engine_records_total", { project: "default" }) ?? 0) >= 4;
    });
    // Per-edge breaker state: a gauge per state, 1 for the current one. The cap of 2 edges keeps the first two by name.
    expect(f.get("firebreak_breaker_state")!.type).toBe("gauge");
    expect(valueOf(f, "firebreak_breaker_state", { project: "default", from: "planner", to: "auditor", state: "FORCED_OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_breaker_state", { project: "default", from: "planner", to: "auditor", state: "CLOSED" })).toBe(0);
    expect(valueOf(f, "firebreak_breaker_state", { project: "default", from: "planner", to: "buyer", state: "OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_breaker_state", { project: "default", from: "planner", to: "ledger", state: "FORCED_OPEN" })).toBeUndefined();
    expect(f.get("firebreak_breaker_state")!.samples).toHaveLength(2 * 5);
    expect(valueOf(f, "firebreak_breaker_edges_truncated")).toBe(1);
    expect(valueOf(f, "firebreak_breakers", { project: "default", state: "FORCED_OPEN" })).toBe(2);
    expect(valueOf(f, "firebreak_breakers", { project: "default", state: "OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_kill_switches_active", { project: "default", scope: "edge" })).toBe(2);

    // Verdicts by verdict and kind, as counters.
    expect(f.get("firebreak_verdicts_total")!.type).toBe("counter");
    expect(valueOf(f, "firebreak_verdicts_total", { project: "default", verdict: "unknown_agent", kind: "message" })).toBe(3);
    expect(valueOf(f, "firebreak_verdicts_total", { project: "default", verdict: "unknown_agent", kind: "action" })).toBe(1);
    expect(valueOf(f, "firebreak_ingest_records_total", { project: "default" })).toBe(4);
    expect(valueOf(f, "firebreak_ingest_spans_total", { project: "default", outcome: "accepted" })).toBe(4);
    expect(valueOf(f, "firebreak_ingest_spans_total", { project: "default", outcome: "rejected" })).toBe(0);
    expect(valueOf(f, "firebreak_ingest_batches_total", { project: "default" })).toBe(2);

    // Request latency histogram: two OTLP exports answered 200.
    expect(f.get("firebreak_http_request_duration_seconds")!.type).toBe("histogram");
    expect(valueOf(f, "firebreak_http_request_duration_seconds_count", { handler: "/v1/traces", code: "200" })).toBe(2);

    // The engine: it ran, it measured lag and pass durations.
    expect(valueOf(f, "firebreak_engine_enabled")).toBe(1);
    expect(valueOf(f, "firebreak_engine_records_total", { project: "default" })).toBeGreaterThanOrEqual(4);
    expect(valueOf(f, "firebreak_engine_lag_seconds", { project: "default", quantile: "0.99" })).toBeGreaterThanOrEqual(0);
    expect(valueOf(f, "firebreak_engine_pass_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(valueOf(f, "firebreak_engine_transitions_total", { project: "default" })).toBeGreaterThanOrEqual(1);

    // Incidents and findings, from the database.
    const open = await pool.query<{ severity: string; n: number }>(`SELECT severity, count(*)::int AS n FROM incidents WHERE status = 'open' GROUP BY severity`);
    expect(open.rows.length).toBeGreaterThan(0);
    for (const r of open.rows) expect(valueOf(f, "firebreak_incidents_open", { project: "default", severity: r.severity, status: "open" })).toBe(r.n);
    expect(valueOf(f, "firebreak_incidents_open", { project: "default", severity: "critical", status: "acknowledged" })).toBe(0);
    expect(valueOf(f, "firebreak_findings_last_hour", { project: "default", detector: "fan_out_burst" })).toBe(2);
    expect(valueOf(f, "firebreak_findings_last_hour", { project: "default", detector: "new_edge" })).toBe(1);

    expect(valueOf(f, "firebreak_metrics_database_up")).toBe(1);
    expect(valueOf(f, "firebreak_webhook_deliveries_pending")).toBe(0);
    expect(valueOf(f, "firebreak_webhook_attempts_total", { outcome: "delivered" })).toBe(0);
    // The process's own runtime metrics are there too, prefixed.
    expect(f.has("firebreak_collector_process_cpu_seconds_total")).toBe(true);
    // Every family has HELP and TYPE.
    for (const fam of f.values()) {
      expect(fam.help, fam.name).not.toBeNull();
      expect(fam.type, fam.name).not.toBe("untyped");
    }
  });

  it("keeps serving the collector's own metrics when the database read fails", async () => {
    const broken = createPool("postgres://nobody:nothing@127.0.0.1:1/none", 1);
    const other = await startCollector({
      settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 1024 * 1024, skewMs: 300_000, pendingWaitMs: 500, workers: 1, maxInflight: 4, ingestKeys: [INGEST] },
      pool,
      loadSnapshot: async () => ({ agents: new Map(), contracts: new Map(), allowUnattested: false }),
      metrics: { access: { public: true }, snapshot: cached(() => readMetricsSnapshot(broken, 10), 1_000), maxEdges: 10 },
    });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/metrics`);
      expect(res.status).toBe(200);
      const f = parsePrometheusText(await res.text());
      expect(valueOf(f, "firebreak_metrics_database_up")).toBe(0);
      expect(f.get("firebreak_breaker_state")!.samples).toEqual([]);
      expect(f.get("firebreak_ingest_batches_total")!.samples).toEqual([]);
      expect(valueOf(f, "firebreak_engine_enabled")).toBe(0);
    } finally {
      await other.close();
      await broken.end();
    }
  });
});
