// A fresh, migrated database per test file on the run's real PostgreSQL.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migrate } from "../../lib/db/migrate.ts";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** `migrationsDir`: a folder holding only some migrations, to test an upgrade from an older schema. */
export async function createTestDatabase(migrationsDir?: string): Promise<TestDatabase> {
  const adminUrl = inject("adminDatabaseUrl");
  const name = `fb_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  await migrate(url, migrationsDir);
  return {
    url,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
