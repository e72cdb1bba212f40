// What /metrics reads from the database, in one round trip of small
// aggregate queries: breaker states (one row per edge, capped), breakers,
// open incidents and the last hour's findings counted per project, and the
// webhook outbox's backlog. Instance-wide on purpose: one scrape sees every
// project (docs/adr/0015-projects.md); the caller caches the answer for a
// few seconds so scrapes cannot hammer the database.
import type pg from "pg";
import type { BreakerStateName } from "../engine/breaker/states.ts";

export interface MetricsSnapshot {
  /** Every project's id, so each gets its zero-valued series too (an alert on an absent series never fires). */
  projects: string[];
  /** Per-edge states, the first `maxEdges` edges by project and name: the same edge in two projects is two breakers. */
  edges: { project: string; sender: string; receiver: string; state: BreakerStateName }[];
  /** Edges in each state per project, over all edges (not capped). */
  breakerCounts: { project: string; state: BreakerStateName; n: number }[];
  totalEdges: number;
  /** Incidents not resolved or merged, per project, severity and status. */
  incidents: { project: string; severity: string; status: string; n: number }[];
  /** Findings stored in the last hour, per project and detector. */
  findingsLastHour: { project: string; detector: string; n: number }[];
  webhookPending: number;
  /** Oldest pending delivery's age, seconds; 0 when none. */
  webhookOldestPendingSeconds: number;
}

export async function readMetricsSnapshot(q: pg.Pool | pg.PoolClient, maxEdges: number): Promise<MetricsSnapshot> {
  const res = await q.query<{
    projects: string[] | null;
    edges: MetricsSnapshot["edges"] | null;
    counts: MetricsSnapshot["breakerCounts"] | null;
    total: number;
    incidents: MetricsSnapshot["incidents"] | null;
    findings: MetricsSnapshot["findingsLastHour"] | null;
    pending: number;
    oldest: number | null;
  }>(
    `SELECT
       (SELECT array_agg(id ORDER BY id) FROM projects) AS projects,
       (SELECT json_agg(e) FROM (SELECT project_id AS project, sender, receiver, state FROM breaker_states ORDER BY project_id, sender, receiver LIMIT $1) e) AS edges,
       (SELECT json_agg(c) FROM (SELECT project_id AS project, state, count(*)::int AS n FROM breaker_states GROUP BY project_id, state) c) AS counts,
       (SELECT count(*)::int FROM breaker_states) AS total,
       (SELECT json_agg(i) FROM (SELECT project_id AS project, severity, status, count(*)::int AS n FROM incidents WHERE status IN ('open', 'acknowledged') GROUP BY project_id, severity, status) i) AS incidents,
       (SELECT json_agg(f) FROM (SELECT project_id AS project, detector, count(*)::int AS n FROM anomaly_findings WHERE ts > now() - interval '1 hour' GROUP BY project_id, detector) f) AS findings,
       (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending') AS pending,
       (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM webhook_deliveries WHERE status = 'pending') AS oldest`,
    [maxEdges],
  );
  const r = res.rows[0]!;
  return {
    projects: r.projects ?? [],
    edges: r.edges ?? [],
    breakerCounts: r.counts ?? [],
    totalEdges: r.total,
    incidents: r.incidents ?? [],
    findingsLastHour: r.findings ?? [],
    webhookPending: r.pending,
    webhookOldestPendingSeconds: r.oldest ?? 0,
  };
}
