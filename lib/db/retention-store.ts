// A project's retention period: read it, change it (audited in the same
// transaction). The storage maintainer reads the same table on every pass
// (lib/db/partitions.ts loadRetentionPolicy), so a change takes effect at
// its next pass, in every collector.
import type pg from "pg";
import type { ProjectRetentionView } from "../api/retention-views.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import { RETENTION_DAYS } from "../storage/partition-plan.ts";
import { withTransaction } from "./ingest-store.ts";
import { setProjectRetention } from "./partitions.ts";
import { requireProject } from "./projects-store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** What retention applies to `project` now; a 404 for a project that does not exist. */
export async function readProjectRetention(db: Queryable, project: string, defaultDays: number): Promise<ProjectRetentionView> {
  await requireProject(db, project);
  const res = await db.query<{ retention_days: number; updated_by: string; updated_at: Date }>(
    `SELECT retention_days, updated_by, updated_at FROM project_retention WHERE project_id = $1`,
    [project],
  );
  const own = res.rows[0];
  return {
    project,
    retentionDays: own?.retention_days ?? defaultDays,
    source: own ? "project" : "default",
    defaultDays,
    min: RETENTION_DAYS.min,
    max: RETENTION_DAYS.max,
    updatedBy: own?.updated_by ?? null,
    updatedAt: own?.updated_at.toISOString() ?? null,
  };
}

/**
 * Sets the project's own period, or with null returns it to the instance
 * default. The audit entry (old and new period) commits with the change.
 */
export async function changeProjectRetention(pool: pg.Pool, project: string, days: number | null, actor: string, defaultDays: number): Promise<ProjectRetentionView> {
  return withTransaction(pool, async (tx) => {
    // The project row locked: two admins changing it at once are serialized, so each entry's `from` is what it replaced.
    // NO KEY: ingest's foreign-key checks on projects still pass.
    const locked = await tx.query(`SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE`, [project]);
    if (locked.rowCount === 0) await requireProject(tx, project);
    const before = await readProjectRetention(tx, project, defaultDays);
    if (days === null) await tx.query(`DELETE FROM project_retention WHERE project_id = $1`, [project]);
    else await setProjectRetention(tx, project, days, actor);
    const after = await readProjectRetention(tx, project, defaultDays);
    await auditInTransaction(tx, {
      actor,
      action: "project.retention",
      target: `project:${project}`,
      detail: { project, from: before.source === "project" ? before.retentionDays : null, to: days, effectiveDays: after.retentionDays, defaultDays },
    });
    return after;
  });
}
