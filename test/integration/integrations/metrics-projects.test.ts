// /metrics with two projects on one collector, the real engine loop and a
// real PostgreSQL: what each project ingests, how its records are judged,
// what its engine did, its breakers, kill switches, incidents and findings
// come out as series of its own, each equal to what the database holds for
// that project, and a count in one project never shows up in the other.
import { afterAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/db/projects-store.ts";
import { groupFindings } from "@/lib/engine/incidents/incident-runner.ts";
import { operateBreaker } from "@/lib/engine/breaker/breaker-runner.ts";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import { BREAKER_STATES } from "@/lib/engine/breaker/states.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { startMetricsRig, until } from "../../helpers/metrics-rig.ts";
import { encodeRecordsForTest } from "../../helpers/encode-records.ts";
import { parsePrometheusText, valueOf, type Family } from "../../helpers/prom-text.ts";
import { makeRecord } from "../../fixtures/records.ts";

const INGEST = "metrics-projects-ingest-key-0123456789";
const METRICS = "metrics-projects-read-token-0123456789";
// The project exists before the engine and the collector start: both find it at once.
const rig = await startMetricsRig({ ingestKey: INGEST, metricsToken: METRICS, maxEdges: 100, before: (pool) => createProject(pool, { id: "staging", name: "Staging" }, "test").then(() => undefined) });
const { pool, base } = rig;
afterAll(() => rig.close());

async function families(): Promise<Map<string, Family>> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } });
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

/** One OTLP export into `project`, with the configured ingest key naming it in the header. */
async function send(project: string, records: WireRecord[]): Promise<void> {
  const res = await fetch(`${base}/v1/traces`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST}`, "x-firebreak-project": project, "content-type": "application/x-protobuf" },
    body: new Uint8Array(encodeRecordsForTest(records)),
  });
  expect(res.status, await res.text()).toBe(200);
}

const message = (agent: string, to: string) => makeRecord({ agent, to: [to], timestamp: new Date().toISOString() });

async function finding(project: string, detector: string): Promise<string> {
  const res = await pool.query<{ id: string }>(
    `INSERT INTO anomaly_findings (project_id, detector, agent, subject, score, explanation, params, evidence, ts, impact, reach)
     VALUES ($1, $2, 'planner', 'rate', 4, 'too many messages', '{}', '{}', now(), 4, 0) RETURNING id::text`,
    [project, detector],
  );
  return res.rows[0]!.id;
}

describe("/metrics per project", () => {
  it("counts each project's ingest, verdicts, engine work, breakers, kill switches, incidents and findings apart", async () => {
    // default: the same agent names as staging, three messages from an unknown sender (trips planner -> buyer) and an action.
    await send("default", [1, 2, 3].map(() => message("planner", "buyer")));
    await send("default", [makeRecord({ kind: "action", agent: "planner", to: undefined, intent: "place_order", timestamp: new Date().toISOString() })]);
    // staging: two messages on the same edge, in two exports, and one edge forced open by hand.
    await send("staging", [message("planner", "buyer")]);
    await send("staging", [message("planner", "buyer")]);
    await send("staging", []);
    const settings = { policy: BreakerPolicy.parse({}), leadsToRed: new Set<string>() };
    await operateBreaker(pool, "staging", { sender: "planner", receiver: "auditor" }, { type: "force_open", at: Date.now(), actor: "ana", reason: "contain" }, settings);
    const staged = [await finding("staging", "fan_out_burst"), await finding("staging", "fan_out_burst")];
    await finding("default", "new_edge");
    await groupFindings(pool, "staging", staged);
    await until(async () => (await pool.query(`SELECT 1 FROM breaker_states WHERE project_id = 'default' AND sender = 'planner' AND receiver = 'buyer' AND state = 'OPEN'`)).rowCount === 1);

    let f = await families();
    await until(async () => {
      f = await families();
      return valueOf(f, "firebreak_engine_records_total", { project: "default" }) === 4 && valueOf(f, "firebreak_engine_records_total", { project: "staging" }) === 2;
    });

    // Ingest, by project: what each sent, exactly.
    expect(valueOf(f, "firebreak_ingest_batches_total", { project: "default" })).toBe(2);
    expect(valueOf(f, "firebreak_ingest_batches_total", { project: "staging" })).toBe(3);
    expect(valueOf(f, "firebreak_ingest_records_total", { project: "default" })).toBe(4);
    expect(valueOf(f, "firebreak_ingest_records_total", { project: "staging" })).toBe(2);
    expect(valueOf(f, "firebreak_ingest_spans_total", { project: "staging", outcome: "accepted" })).toBe(2);
    expect(valueOf(f, "firebreak_verdicts_total", { project: "default", verdict: "unknown_agent", kind: "message" })).toBe(3);
    expect(valueOf(f, "firebreak_verdicts_total", { project: "default", verdict: "unknown_agent", kind: "action" })).toBe(1);
    expect(valueOf(f, "firebreak_verdicts_total", { project: "staging", verdict: "unknown_agent", kind: "message" })).toBe(2);
    expect(valueOf(f, "firebreak_verdicts_total", { project: "staging", verdict: "unknown_agent", kind: "action" })).toBeUndefined();
    // The engine's lag is measured per project: each has its own quantiles.
    for (const project of ["default", "staging"]) {
      expect(valueOf(f, "firebreak_engine_lag_seconds", { project, quantile: "0.5" }), project).toBeGreaterThanOrEqual(0);
      expect(valueOf(f, "firebreak_engine_lag_seconds", { project, quantile: "1" }), project).toBeGreaterThanOrEqual(valueOf(f, "firebreak_engine_lag_seconds", { project, quantile: "0.5" })!);
    }

    // Breakers: the same edge name is two breakers; each project's counts are its own rows.
    expect(valueOf(f, "firebreak_breakers", { project: "default", state: "OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_breakers", { project: "staging", state: "OPEN" })).toBe(0);
    expect(valueOf(f, "firebreak_breakers", { project: "staging", state: "FORCED_OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_breakers", { project: "default", state: "FORCED_OPEN" })).toBe(0);
    expect(valueOf(f, "firebreak_breaker_state", { project: "staging", from: "planner", to: "auditor", state: "FORCED_OPEN" })).toBe(1);
    expect(valueOf(f, "firebreak_breaker_state", { project: "default", from: "planner", to: "auditor", state: "FORCED_OPEN" })).toBeUndefined();
    expect(valueOf(f, "firebreak_kill_switches_active", { project: "staging", scope: "edge" })).toBe(1);
    expect(valueOf(f, "firebreak_kill_switches_active", { project: "default", scope: "edge" })).toBe(0);
    const breakers = await pool.query<{ project_id: string; state: string; n: number }>(`SELECT project_id, state, count(*)::int AS n FROM breaker_states GROUP BY 1, 2`);
    for (const project of ["default", "staging"]) {
      for (const state of BREAKER_STATES) {
        const want = breakers.rows.find((r) => r.project_id === project && r.state === state)?.n ?? 0;
        expect(valueOf(f, "firebreak_breakers", { project, state }), `${project} ${state}`).toBe(want);
      }
    }

    // Findings and incidents equal the database's, project by project.
    expect(valueOf(f, "firebreak_findings_last_hour", { project: "staging", detector: "fan_out_burst" })).toBe(2);
    expect(valueOf(f, "firebreak_findings_last_hour", { project: "default", detector: "fan_out_burst" })).toBeUndefined();
    expect(valueOf(f, "firebreak_findings_last_hour", { project: "default", detector: "new_edge" })).toBe(1);
    const findings = await pool.query<{ project_id: string; detector: string; n: number }>(`SELECT project_id, detector, count(*)::int AS n FROM anomaly_findings GROUP BY 1, 2`);
    for (const r of findings.rows) expect(valueOf(f, "firebreak_findings_last_hour", { project: r.project_id, detector: r.detector }), `${r.project_id} ${r.detector}`).toBe(r.n);
    expect(f.get("firebreak_findings_last_hour")!.samples).toHaveLength(findings.rows.length);
    const incidents = await pool.query<{ project_id: string; severity: string; n: number }>(`SELECT project_id, severity, count(*)::int AS n FROM incidents WHERE status = 'open' GROUP BY 1, 2`);
    expect(incidents.rows.some((r) => r.project_id === "staging")).toBe(true);
    for (const project of ["default", "staging"]) {
      for (const severity of ["low", "medium", "high", "critical"]) {
        const want = incidents.rows.find((r) => r.project_id === project && r.severity === severity)?.n ?? 0;
        expect(valueOf(f, "firebreak_incidents_open", { project, severity, status: "open" }), `${project} ${severity}`).toBe(want);
      }
    }
    // Every project-labelled series names one of the two projects.
    for (const fam of f.values()) for (const s of fam.samples) if ("project" in s.labels) expect(["default", "staging"], `${s.name} ${s.labels.project}`).toContain(s.labels.project);
  });
});
