// A finding's evidence as every reader sees it: the records it was filed
// with (anomaly_findings.evidence), then the records later passes appended
// (finding_records rows with a `pos`), in that order, at most
// MAX_STORED_EVIDENCE. Appending is an insert, never a rewrite of the array:
// a storm's cap findings grow every pass, and rewriting them whole filled the
// table's TOAST with dead copies (migration 20261212150000).

/** Evidence a reader is given per finding; finding_records names every record whatever the count. */
export const MAX_STORED_EVIDENCE = 10_000;

/** SQL for the evidence of the anomaly_findings row aliased `f`. */
export function evidenceOf(f: string): string {
  return `(coalesce(${f}.evidence, '{}'::text[]) || ARRAY(
            SELECT fr.record_id FROM finding_records fr
             WHERE fr.project_id = ${f}.project_id AND fr.finding_id = ${f}.id AND fr.pos IS NOT NULL
             ORDER BY fr.pos LIMIT greatest(0, ${MAX_STORED_EVIDENCE} - coalesce(cardinality(${f}.evidence), 0))))[1:${MAX_STORED_EVIDENCE}]`;
}

/**
 * SQL: does the anomaly_findings row aliased `f` name (as its record or
 * evidence) any of the ids in parameter `ids`, of the project in parameter
 * `project`? The finding_records part is not correlated with `f`, so
 * PostgreSQL reads it once (a hashed subplan) instead of once per finding.
 */
export function namesAnyOf(f: string, ids: string, project: string): string {
  return `(${f}.record_id = ANY(${ids}) OR ${f}.evidence && ${ids}
           OR ${f}.id IN (SELECT fr.finding_id FROM finding_records fr WHERE fr.project_id = ${project} AND fr.record_id = ANY(${ids})))`;
}

/** Evidence by finding as two parallel arrays (finding id, record id), the shape unnest() takes. */
export function evidencePairs(byFinding: ReadonlyMap<string, readonly string[]>): { findingIds: string[]; recordIds: string[] } {
  const findingIds: string[] = [];
  const recordIds: string[] = [];
  for (const [id, ids] of byFinding) {
    for (const r of ids) {
      findingIds.push(id);
      recordIds.push(r);
    }
  }
  return { findingIds, recordIds };
}
