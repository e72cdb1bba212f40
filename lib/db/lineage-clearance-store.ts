import "server-only";
import { CURSOR_NAME } from "../engine/evaluator/evaluator.ts";
import type { ClearanceStart } from "../control/lineage-clearance.ts";
import { readCursor } from "./evaluator-store.ts";
import type { Queryable } from "./lineage-store.ts";

// The facts the lineage gate's answer needs besides the graph walk: whether
// each asked record is stored, settled and judged by the engine (its cursor
// past the record's (tx_id, seq)), and the receivers of flagged messages.

/** One entry per asked id, in the order asked; copies of an id (a replay) are judged only when all are. */
export async function clearanceStarts(q: Queryable, project: string, ids: readonly string[]): Promise<ClearanceStart[]> {
  const cursor = await readCursor(q, project, CURSOR_NAME);
  const res = await q.query<{ record_id: string; judged: boolean; pending_on: string[] | null }>(
    `SELECT record_id, (tx_id, seq) <= ($3::xid8, $4::bigint) AS judged, pending_on
       FROM records WHERE project_id = $1 AND record_id = ANY($2::text[])`,
    [project, ids, cursor.txId, cursor.seq],
  );
  const byId = new Map<string, ClearanceStart>();
  for (const r of res.rows) {
    const prev = byId.get(r.record_id);
    const pendingOn = r.pending_on ?? [];
    byId.set(r.record_id, {
      id: r.record_id,
      stored: true,
      judged: (prev?.judged ?? true) && r.judged,
      pendingOn: [...(prev?.pendingOn ?? []), ...pendingOn],
    });
  }
  return ids.map((id) => byId.get(id) ?? { id, stored: false, judged: false, pendingOn: [] });
}

/** Receivers of the messages among `ids`, by id. */
export async function messageReceivers(q: Queryable, project: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  const res = await q.query<{ record_id: string; receivers: string[] | null }>(
    `SELECT DISTINCT record_id, receivers FROM records WHERE project_id = $1 AND record_id = ANY($2::text[]) AND kind = 'message'`,
    [project, ids],
  );
  const out = new Map<string, string[]>();
  for (const r of res.rows) out.set(r.record_id, [...new Set([...(out.get(r.record_id) ?? []), ...(r.receivers ?? [])])]);
  return out;
}
