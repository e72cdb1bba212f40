// A project's retention period through the API, as Next calls the routes,
// against a real PostgreSQL: only admins read or change it, bad values are
// refused with the allowed range, every change is in the audit trail, and
// the storage maintainer's next pass keeps each project's own period while
// an open incident's evidence stays whatever the period says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectRetentionView as RetentionView } from "@/lib/api/retention-views.ts";

const ADMIN_TOKEN = "fbk_retention-test-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// The routes' pool reads these on first use; set them before any route runs.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = ADMIN_TOKEN;
delete process.env.FIREBREAK_RETENTION_DAYS;

const sessionRoute = await import("@/app/api/v1/session/route.ts");
const usersRoute = await import("@/app/api/v1/users/route.ts");
const projectsRoute = await import("@/app/api/v1/projects/route.ts");
const retentionRoute = await import("@/app/api/v1/projects/[id]/retention/route.ts");
const { pool: apiPool } = await import("@/lib/db/pool.ts");
const { readAuditEntries } = await import("@/lib/db/audit-store.ts");
const { ErrorView } = await import("@/lib/api/views.ts");
const { ProjectRetentionView } = await import("@/lib/api/retention-views.ts");
const { insertBatch, withTransaction } = await import("@/lib/db/ingest-store.ts");
const { ensurePartitions } = await import("@/lib/db/partitions.ts");
const { storagePass } = await import("@/lib/storage/storage-maintainer.ts");
const { DAY_MS } = await import("@/lib/storage/partition-plan.ts");
const { recordRow } = await import("../lineage/lineage-fixtures.ts");
const { bearerOf, get, makeUser, params, send, signInAs } = await import("../accounts/account-fixtures.ts");

const admin = bearerOf(ADMIN_TOKEN);
const PATH = (id: string) => `/api/v1/projects/${id}/retention`;
const getRetention = (id: string, headers: Record<string, string>) => retentionRoute.GET(get(PATH(id), headers), params({ id }));
const putRetention = (id: string, body: unknown, headers: Record<string, string>) => retentionRoute.PUT(send("PUT", PATH(id), body, headers), params({ id }));

async function errorOf(res: Response, status: number): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return ErrorView.parse(JSON.parse(text)).error.message;
}

async function viewOf(res: Response): Promise<RetentionView> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return ProjectRetentionView.parse(JSON.parse(text));
}

const retentionEntries = async () => (await readAuditEntries(apiPool(), 0, 10_000)).filter((e) => e.action === "project.retention");

/** Records of `project`, each `ageDays` old at `now`. */
async function ingestAged(project: string, now: number, rows: { id: string; ageDays: number }[]): Promise<void> {
  await withTransaction(apiPool(), (tx) =>
    insertBatch(tx, project, [], rows.map((r) => ({ ...recordRow(r.id), ts: new Date(now - r.ageDays * DAY_MS).toISOString() }))),
  );
}

/** An open incident of `project` resting on `recordId`, filed as the engine does: a finding naming it, grouped into the incident. */
async function openIncident(project: string, recordId: string): Promise<void> {
  const db = apiPool();
  const f = await db.query<{ id: string }>(
    `INSERT INTO anomaly_findings (project_id, detector, record_id, agent, subject, explanation, params, evidence, ts)
     VALUES ($1, 'rate', $2, 'agent-a', 'rate', 'too many messages', '{}', $3, now()) RETURNING id::text`,
    [project, recordId, [recordId]],
  );
  await db.query(`INSERT INTO finding_records (project_id, record_id, finding_id) VALUES ($1, $2, $3)`, [project, recordId, f.rows[0]!.id]);
  const i = await db.query<{ id: string }>(`INSERT INTO incidents (project_id, title, severity, first_at, last_at) VALUES ($1, 'rate spike', 'high', now(), now()) RETURNING id::text`, [project]);
  await db.query(`INSERT INTO incident_findings (finding_id, incident_id) VALUES ($1, $2)`, [f.rows[0]!.id, i.rows[0]!.id]);
}

const stored = async (ids: string[]) =>
  (await apiPool().query<{ project_id: string; record_id: string }>(`SELECT project_id, record_id FROM records WHERE record_id = ANY($1) ORDER BY record_id`, [ids])).rows.map((r) => `${r.project_id}/${r.record_id}`);

describe("a project's retention period over the API", () => {
  let viewer: { reads: Record<string, string>; writes: Record<string, string> };
  let analyst: { reads: Record<string, string>; writes: Record<string, string> };
  let adminUser: { reads: Record<string, string>; writes: Record<string, string> };

  beforeAll(async () => {
    const created = await projectsRoute.POST(send("POST", "/api/v1/projects", { id: "staging", name: "Staging" }, admin));
    expect(created.status).toBe(201);
    viewer = await signInAs(sessionRoute.POST, await makeUser(usersRoute.POST, admin, "viewer"));
    analyst = await signInAs(sessionRoute.POST, await makeUser(usersRoute.POST, admin, "analyst"));
    adminUser = await signInAs(sessionRoute.POST, await makeUser(usersRoute.POST, admin, "admin", "ada"));
  });
  afterAll(async () => {
    await apiPool().end();
    await tdb.drop();
  });

  it("is refused to viewers and analysts, reading or changing, and changes nothing", async () => {
    expect(await errorOf(await getRetention("staging", viewer.reads), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await getRetention("staging", analyst.reads), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await putRetention("staging", { retentionDays: 7 }, analyst.writes), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await putRetention("staging", { retentionDays: 7 }, viewer.writes), 403)).toMatch(/needs the admin role/);
    expect(await errorOf(await retentionRoute.GET(get(PATH("staging"), {}), params({ id: "staging" })), 401)).toMatch(/sign in/);
    expect((await apiPool().query(`SELECT 1 FROM project_retention`)).rowCount).toBe(0);
    expect(await retentionEntries()).toEqual([]);
  });

  it("shows the instance default until a project has its own period", async () => {
    const view = await viewOf(await getRetention("staging", adminUser.reads));
    expect(view).toEqual({ project: "staging", retentionDays: 30, source: "default", defaultDays: 30, min: 1, max: 3650, updatedBy: null, updatedAt: null });
    expect(await errorOf(await getRetention("nowhere", admin), 404)).toMatch(/no project has the id "nowhere"/);
    expect(await errorOf(await getRetention("Not A Slug", admin), 400)).toMatch(/params\.id: a project id is 1 to 40 lower-case letters/);
  });

  it("an admin sets it; the change and the period it replaced are in the audit trail", async () => {
    const set = await viewOf(await putRetention("staging", { retentionDays: 7 }, adminUser.writes));
    expect(set).toMatchObject({ project: "staging", retentionDays: 7, source: "project", defaultDays: 30, updatedBy: "ada" });
    expect(Date.parse(set.updatedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await viewOf(await getRetention("staging", admin))).toEqual(set);
    const stored = await apiPool().query(`SELECT project_id, retention_days, updated_by FROM project_retention`);
    expect(stored.rows).toEqual([{ project_id: "staging", retention_days: 7, updated_by: "ada" }]);

    // The admin token changes it again: the entry names what it replaced.
    await viewOf(await putRetention("staging", { retentionDays: 14 }, admin));
    const entries = await retentionEntries();
    expect(entries.map((e) => [e.actor, e.target, e.detail])).toEqual([
      ["ada", "project:staging", { project: "staging", from: null, to: 7, effectiveDays: 7, defaultDays: 30 }],
      ["admin (bearer)", "project:staging", { project: "staging", from: 7, to: 14, effectiveDays: 14, defaultDays: 30 }],
    ]);
    // The default project is untouched.
    expect((await viewOf(await getRetention("default", admin))).source).toBe("default");
  });

  it("refuses values outside 1 to 3650 whole days with a message giving the range, and keeps the period", async () => {
    for (const bad of [0, -3, 3651, 7.5, "30", true]) {
      const message = await errorOf(await putRetention("staging", { retentionDays: bad }, admin), 400);
      expect(message, String(bad)).toMatch(/body\.retentionDays: retention is a whole number of days from 1 to 3650/);
    }
    expect(await errorOf(await putRetention("staging", {}, admin), 400)).toMatch(/from 1 to 3650, or null to follow the instance default/);
    expect(await errorOf(await putRetention("staging", { retentionDays: 7, extra: 1 }, admin), 400)).toMatch(/extra/);
    expect(await errorOf(await putRetention("nowhere", { retentionDays: 7 }, admin), 404)).toMatch(/no project has the id "nowhere"/);
    expect((await viewOf(await getRetention("staging", admin))).retentionDays).toBe(14);
    expect(await retentionEntries()).toHaveLength(2);
  });

  it("the maintainer's next pass honours the new period per project, and keeps an open incident's evidence", async () => {
    const now = Date.now();
    await ensurePartitions(apiPool(), { now: now - 20 * DAY_MS, ahead: 3 });
    await viewOf(await putRetention("staging", { retentionDays: 7 }, adminUser.writes));
    await ingestAged("staging", now, [
      { id: "ST-OLD", ageDays: 10 },
      { id: "ST-HELD", ageDays: 10 },
      { id: "ST-RECENT", ageDays: 2 },
    ]);
    await ingestAged("default", now, [{ id: "DF-OLD", ageDays: 10 }]);
    await openIncident("staging", "ST-HELD");

    const pass = await storagePass(apiPool(), { enabled: true, retentionDays: 30, ahead: 1, intervalMs: 300_000, tallyMergeMs: 10_000 }, 300_000, now);
    expect(pass.retention.deleted).toBe(1);
    // Staging keeps 7 days: its 10-day-old record goes, the one the open incident rests on stays; default keeps 30.
    expect(await stored(["ST-OLD", "ST-HELD", "ST-RECENT", "DF-OLD"])).toEqual(["default/DF-OLD", "staging/ST-HELD", "staging/ST-RECENT"]);

    // Back to the default (30 days): nothing more goes.
    const reset = await viewOf(await putRetention("staging", { retentionDays: null }, admin));
    expect(reset).toMatchObject({ retentionDays: 30, source: "default", updatedBy: null });
    expect((await retentionEntries()).at(-1)!.detail).toEqual({ project: "staging", from: 7, to: null, effectiveDays: 30, defaultDays: 30 });
    await ingestAged("staging", now, [{ id: "ST-OLD-2", ageDays: 10 }]);
    expect((await storagePass(apiPool(), { enabled: true, retentionDays: 30, ahead: 1, intervalMs: 300_000, tallyMergeMs: 10_000 }, 300_000, now)).retention.deleted).toBe(0);
    expect(await stored(["ST-OLD-2"])).toEqual(["staging/ST-OLD-2"]);
  });
});
