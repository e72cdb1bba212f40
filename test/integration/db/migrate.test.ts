import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate, defaultMigrationsDir } from "../../../lib/db/migrate.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

describe("migrate", () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => tdb.drop());

  it("records applied migrations the way prisma migrate deploy does, and is idempotent", async () => {
    const again = await migrate(tdb.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    const rows = await c.query(`SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`);
    await c.end();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(again.alreadyApplied);
    for (const r of rows.rows) {
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).toBeInstanceOf(Date);
    }
  });

  it("refuses a migration edited after it was applied", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-mig-"));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    const first = path.join(dir, "20261121000000_init", "migration.sql");
    writeFileSync(first, "-- edited\n", { flag: "a" });
    await expect(migrate(tdb.url, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it("rolls back a failing migration and names it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-mig-"));
    cpSync(defaultMigrationsDir(), dir, { recursive: true });
    mkdirSync(path.join(dir, "99990101000000_broken"));
    writeFileSync(path.join(dir, "99990101000000_broken", "migration.sql"), "CREATE TABLE ok_one (id int);\nSELECT * FROM no_such_table;");
    await expect(migrate(tdb.url, dir)).rejects.toThrow(/99990101000000_broken failed and was rolled back/);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    const t = await c.query(`SELECT to_regclass('ok_one') AS t`);
    await c.end();
    expect(t.rows[0].t).toBeNull();
  });
});
