// The stored graph as it was read before ADR 0033, for the lineage and
// storage benches to measure beside today's in the same run: id lists bound
// as plain `= ANY($1::text[])`, which the planner looks into element by
// element, and the records joined to their marks and findings in one
// statement.
import { DbAdjacency, NODE_COLUMNS, type NodeRow } from "../../lib/db/lineage-store.ts";
import type { Direction } from "../../lib/lineage/types.ts";

const NODES_SQL = `SELECT ${NODE_COLUMNS}, m.marks, f.findings
  FROM records r
  LEFT JOIN (SELECT m.record_id, json_agg(json_build_object('reason', m.reason, 'markedBy', m.marked_by) ORDER BY m.id) AS marks
               FROM record_marks m WHERE m.project_id = $2 AND m.record_id = ANY($1::text[]) GROUP BY m.record_id) m ON m.record_id = r.record_id
  LEFT JOIN (SELECT fr.record_id,
                    json_agg(json_build_object('detector', f.detector, 'explanation', f.explanation, 'evidence', f.record_id IS DISTINCT FROM fr.record_id) ORDER BY f.id) AS findings
               FROM finding_records fr JOIN anomaly_findings f ON f.id = fr.finding_id
              WHERE fr.project_id = $2 AND fr.record_id = ANY($1::text[]) AND f.detector <> 'verification' GROUP BY fr.record_id) f ON f.record_id = r.record_id
 WHERE r.project_id = $2 AND r.record_id = ANY($1::text[])`;

export class PlannedIdsAdjacency extends DbAdjacency {
  protected override edgeSql(direction: Direction): string {
    const near = direction === "up" ? "child_id" : "parent_id";
    return `SELECT e.child_id AS e_child, e.parent_id AS e_parent, e.kind AS e_kind FROM record_edges e WHERE e.project_id = $2 AND e.${near} = ANY($1::text[])`;
  }

  protected override reachSql(direction: Direction): string {
    const [near, far] = direction === "up" ? ["child_id", "parent_id"] : ["parent_id", "child_id"];
    return `WITH RECURSIVE walk(e_child, e_parent, e_kind) AS (
                SELECT x.child_id, x.parent_id, x.kind FROM record_edges x WHERE x.project_id = $3 AND x.${near} = ANY($1::text[])
              UNION
                SELECT x.child_id, x.parent_id, x.kind FROM walk w JOIN record_edges x ON x.project_id = $3 AND x.${near} = w.e_${far === "child_id" ? "child" : "parent"}
            )
            SELECT e_child, e_parent, e_kind FROM walk LIMIT $2`;
  }

  protected override async nodeRows(ids: readonly string[]): Promise<NodeRow[]> {
    this.queries++;
    return (await this.q.query<NodeRow>(NODES_SQL, [ids, this.project])).rows;
  }
}
