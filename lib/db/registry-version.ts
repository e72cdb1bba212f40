import type pg from "pg";

/**
 * The registry's version: triggers bump it in the transaction of every change
 * to agents, keys or contracts (migration 20261206020000), so a single-row
 * read tells a collector whether a committed change is newer than its snapshot.
 */
export async function registryVersion(pool: pg.Pool): Promise<string> {
  const r = await pool.query<{ version: string }>("SELECT version::text FROM registry_version WHERE id = 1");
  return r.rows[0]?.version ?? "";
}
