import type pg from "pg";

/** Changes whenever a project, agent, key or contract is added, changed or removed, in any project. */
export async function registryFingerprint(pool: pg.Pool): Promise<string> {
  const r = await pool.query<{ fp: string }>(
    `SELECT concat_ws('|',
       (SELECT count(*) || ':' || coalesce(string_agg(id, ',' ORDER BY id), '') FROM projects),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM agents),
       (SELECT count(*) || ':' || coalesce(md5(string_agg(project_id || agent_id || key_id || public_key || coalesce(not_before::text,'') || coalesce(not_after::text,''), ',' ORDER BY project_id, agent_id, key_id)), '') FROM agent_keys),
       (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM contracts)) AS fp`,
  );
  return r.rows[0]?.fp ?? "";
}
