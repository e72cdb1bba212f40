// The findings an on-call reads beside an approval request: those about any
// record upstream of the held action. Apart from approval-store.ts because it
// shares the findings view of the engine API, which only the Next server loads.
import { evidenceOf } from "./finding-evidence.ts";
import type pg from "pg";
import type { FindingView } from "../api/engine-views.ts";
import { findingView, type FindingRow } from "./engine-queries.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** Findings about any of these records, newest first. */
export async function findingsOnRecords(q: Queryable, project: string, ids: readonly string[], limit: number): Promise<FindingView[]> {
  if (ids.length === 0) return [];
  const res = await q.query<FindingRow>(
    `SELECT id::text, detector, record_id, agent, subject, score, explanation, params, ${evidenceOf("anomaly_findings")} AS evidence, ts, impact, reach
       FROM anomaly_findings WHERE project_id = $3 AND record_id = ANY($1::text[]) ORDER BY ts DESC, id DESC LIMIT $2`,
    [ids, limit, project],
  );
  return res.rows.map(findingView);
}
