// The projects table: list, look up, create (audited). Projects are never
// deleted here: their rows are evidence (docs/adr/0015-projects.md).
import type pg from "pg";
import type { CreateProjectBody, ProjectView } from "../accounts/project.ts";
import { conflict, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import { withTransaction } from "./ingest-store.ts";

type Queryable = Pick<pg.PoolClient, "query">;

interface ProjectRow {
  id: string;
  name: string;
  created_at: Date;
  created_by: string;
}

const toView = (r: ProjectRow): ProjectView => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString(), createdBy: r.created_by });

export async function listProjects(db: Queryable): Promise<ProjectView[]> {
  const res = await db.query<ProjectRow>("SELECT id, name, created_at, created_by FROM projects ORDER BY id");
  return res.rows.map(toView);
}

export async function listProjectIds(db: Queryable): Promise<string[]> {
  const res = await db.query<{ id: string }>("SELECT id FROM projects ORDER BY id");
  return res.rows.map((r) => r.id);
}

/** The project, or a 404 that says how to find the right one. */
export async function requireProject(db: Queryable, id: string): Promise<ProjectView> {
  const res = await db.query<ProjectRow>("SELECT id, name, created_at, created_by FROM projects WHERE id = $1", [id]);
  const row = res.rows[0];
  if (!row) throw notFound(`no project has the id ${JSON.stringify(id)}: list projects with GET /api/v1/projects, or ask an admin to create it`);
  return toView(row);
}

export async function createProject(pool: pg.Pool, body: CreateProjectBody, actor: string): Promise<ProjectView> {
  return withTransaction(pool, async (tx) => {
    const res = await tx.query<ProjectRow>(
      `INSERT INTO projects (id, name, created_by) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id, name, created_at, created_by`,
      [body.id, body.name, actor],
    );
    const row = res.rows[0];
    if (!row) throw conflict(`a project with the id ${JSON.stringify(body.id)} exists already: pick another id`);
    await auditInTransaction(tx, { actor, action: "project.create", target: `project:${row.id}`, detail: { name: row.name } });
    return toView(row);
  });
}
