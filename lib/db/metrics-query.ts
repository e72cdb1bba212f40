// What /metrics reads from the database, in one round trip of small
// aggregate queries: breaker states (one row per edge, capped), open
// incidents by severity, the last hour's findings by detector (on the
// (detector, ts) index), and the webhook outbox's backlog. The caller caches
// the answer for a few seconds so scrapes cannot hammer the database.
import type pg from "pg";
import type { BreakerStateName } from "../engine/breaker/states.ts";

export interface MetricsSnapshot {
  /** Per-edge states, the first `maxEdges` edges by project and name: the same edge in two projects is two breakers. */
  edges: { project: string; sender: string; receiver: string; state: BreakerStateName }[];
  /** Edges in each state, over all edges (not capped). */
  breakerCounts: Partial<Record<BreakerStateName, number>>;
  totalEdges: number;
  /** Incidents not resolved or merged, by severity and status. */
  incidents: { severity: string; status: string; n: number }[];
  findingsLastHour: { detector: string; n: number }[];
  webhookPending: number;
  /** Oldest pending delivery's age, seconds; 0 when none. */
  webhookOldestPendingSeconds: number;
}

export async function readMetricsSnapshot(q: pg.Pool | pg.PoolClient, maxEdges: number): Promise<MetricsSnapshot> {
  const res = await q.query<{ edges: MetricsSnapshot["edges"] | null; counts: Record<string, number> | null; total: number; incidents: MetricsSnapshot["incidents"] | null; findings: MetricsSnapshot["findingsLastHour"] | null; pending: number; oldest: number | null }>(
    `SELECT
       (SELECT json_agg(e) FROM (SELECT project_id AS project, sender, receiver, state FROM breaker_states ORDER BY project_id, sender, receiver LIMIT $1) e) AS edges,
       (SELECT json_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM breaker_states GROUP BY state) c) AS counts,
       (SELECT count(*)::int FROM breaker_states) AS total,
       (SELECT json_agg(i) FROM (SELECT severity, status, count(*)::int AS n FROM incidents WHERE status IN ('open', 'acknowledged') GROUP BY severity, status) i) AS incidents,
       (SELECT json_agg(f) FROM (SELECT detector, count(*)::int AS n FROM anomaly_findings WHERE ts > now() - interval '1 hour' GROUP BY detector) f) AS findings,
       (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending') AS pending,
       (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM webhook_deliveries WHERE status = 'pending') AS oldest`,
    [maxEdges],
  );
  const r = res.rows[0]!;
  return {
    edges: r.edges ?? [],
    breakerCounts: (r.counts ?? {}) as MetricsSnapshot["breakerCounts"],
    totalEdges: r.total,
    incidents: r.incidents ?? [],
    findingsLastHour: r.findings ?? [],
    webhookPending: r.pending,
    webhookOldestPendingSeconds: r.oldest ?? 0,
  };
}
