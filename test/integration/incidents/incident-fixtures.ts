// Stored findings for the incident tests: one row of anomaly_findings with a
// clean default for every column, its id back.
import type pg from "pg";
import { T0 } from "../lineage/lineage-fixtures.ts";

export interface FindingSpec {
  detector?: string;
  recordId?: string | null;
  agent?: string | null;
  /** Seconds after T0. */
  at?: number;
  score?: number | null;
  impact?: number | null;
  reach?: number | null;
  evidence?: string[];
  explanation?: string;
}

export async function insertFinding(q: pg.Pool, spec: FindingSpec = {}): Promise<string> {
  const res = await q.query<{ id: string }>(
    `INSERT INTO anomaly_findings (detector, record_id, agent, subject, score, explanation, params, evidence, ts, impact, reach)
     VALUES ($1, $2, $3, 'unit_price', $4, $5, '{"threshold": 3.5}', $6, $7, $8, $9) RETURNING id::text`,
    [
      spec.detector ?? "semantic_deviation",
      spec.recordId === undefined ? null : spec.recordId,
      spec.agent === undefined ? "pricer" : spec.agent,
      spec.score === undefined ? 4 : spec.score,
      spec.explanation ?? "unit_price 10.3x the 24h median (n=412)",
      spec.evidence ?? [],
      new Date(T0 + (spec.at ?? 0) * 1000),
      spec.impact === undefined ? 4 : spec.impact,
      spec.reach === undefined ? 0 : spec.reach,
    ],
  );
  return res.rows[0]!.id;
}

/** Every incident, with its findings, by id. */
export async function incidentsNow(q: pg.Pool): Promise<{ id: string; status: string; severity: string; origins: string[]; agents: string[]; findings: string[]; mergedInto: string | null }[]> {
  const res = await q.query<{ id: string; status: string; severity: string; origin_ids: string[]; agents: string[]; findings: string[] | null; merged_into: string | null }>(
    `SELECT i.id::text, i.status, i.severity, i.origin_ids, i.agents, i.merged_into::text,
            (SELECT array_agg(x.finding_id::text ORDER BY x.finding_id) FROM incident_findings x WHERE x.incident_id = i.id) AS findings
       FROM incidents i ORDER BY i.id`,
  );
  return res.rows.map((r) => ({ id: r.id, status: r.status, severity: r.severity, origins: [...r.origin_ids].sort(), agents: [...r.agents].sort(), findings: r.findings ?? [], mergedInto: r.merged_into }));
}

export async function clearIncidents(q: pg.Pool): Promise<void> {
  await q.query(`TRUNCATE incident_events, incident_notes, incident_links, incident_findings, incidents, anomaly_findings, breaker_events, record_edges, records CASCADE`);
}
