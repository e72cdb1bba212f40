// npm run bench:evidence -- [--findings N] [--per-pass N] [--passes N]
//
// What a storm's cooling per-cycle caps cost the database each engine pass:
// `findings` cap findings (one per agent) each given `per-pass` more records
// every pass, as the evaluator does while they cool down. Measured: the
// statement's time per pass, the WAL it writes and the dead space it
// leaves, for the way the engine appends evidence (rows of finding_records,
// lib/db/engine-store.ts appendEvidenceToMany) against the baseline of the
// way it did before migration 20261212150000, in the same run on the same
// database: the finding's whole evidence array rewritten, up to 10,000 ids,
// with the same finding_records rows. Then a reader's view of the same
// findings (listFindings), which now joins the appended rows in.
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { percentile } from "./lib/stats.ts";
import { appendEvidenceToMany, insertFindings, listFindings } from "../lib/db/engine-store.ts";
import { evidencePairs, MAX_STORED_EVIDENCE } from "../lib/db/finding-evidence.ts";
import type { Finding } from "../lib/engine/detectors/finding.ts";

const { values: args } = parseArgs({
  options: {
    findings: { type: "string", default: "25" },
    "per-pass": { type: "string", default: "30" },
    passes: { type: "string", default: "300" },
  },
});
const FINDINGS = Number(args.findings);
const PER_PASS = Number(args["per-pass"]);
const PASSES = Number(args.passes);

/** The statement the engine ran before migration 20261212150000: rewrite the array, then link. */
async function rewriteArrays(q: pg.PoolClient, project: string, byFinding: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const { findingIds, recordIds } = evidencePairs(byFinding);
  await q.query(
    `WITH u AS (SELECT f, r, n FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x(f, r, n)),
          upd AS (
            UPDATE anomaly_findings a SET evidence = (coalesce(a.evidence, '{}'::text[]) || g.ids)[1:${MAX_STORED_EVIDENCE}]
              FROM (SELECT f, array_agg(r ORDER BY n) AS ids FROM u GROUP BY f) g
             WHERE a.id = g.f AND a.project_id = $3 AND coalesce(cardinality(a.evidence), 0) < ${MAX_STORED_EVIDENCE})
     INSERT INTO finding_records (project_id, finding_id, record_id)
     SELECT a.project_id, u.f, u.r FROM u JOIN anomaly_findings a ON a.id = u.f AND a.project_id = $3
     ON CONFLICT DO NOTHING`,
    [findingIds, recordIds, project],
  );
}

type Append = (q: pg.PoolClient, project: string, byFinding: ReadonlyMap<string, readonly string[]>) => Promise<void>;

interface Run { msPerPass: number[]; walBytes: number; deadBytes: number; readMs: number[] }

async function run(pool: pg.Pool, append: Append): Promise<Run> {
  const project = "default";
  const client = await pool.connect();
  try {
    // Each run starts from empty tables, so what it leaves behind is its own.
    await client.query("TRUNCATE anomaly_findings, finding_records CASCADE");
    await client.query("VACUUM FULL anomaly_findings");
    const base: Finding = { detector: "cap_messages_per_cycle", recordId: null, agent: "a", subject: "messages per cycle", score: 2, explanation: "over the cap", params: {}, evidence: [], at: Date.now() };
    const ids = await insertFindings(client, project, Array.from({ length: FINDINGS }, (_, i) => ({ ...base, agent: `${project}-agent-${i}`, recordId: `${project}-f${i}`, evidence: [`${project}-f${i}`] })));
    const walBefore = await walLsn(client);
    const msPerPass: number[] = [];
    let n = 0;
    for (let p = 0; p < PASSES; p++) {
      const byFinding = new Map(ids.map((id) => [id, Array.from({ length: PER_PASS }, () => `${project}-r${n++}`)]));
      const t = performance.now();
      await client.query("BEGIN");
      await append(client, project, byFinding);
      await client.query("COMMIT");
      msPerPass.push(performance.now() - t);
    }
    const walBytes = Number((await client.query<{ b: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS b", [walBefore])).rows[0]!.b);
    // Space the rewrites left behind: the findings' table and its TOAST beyond what the live rows need.
    const dead = await client.query<{ b: string }>(
      `SELECT (pg_total_relation_size('anomaly_findings') - (SELECT coalesce(sum(pg_column_size(a.*)), 0) FROM anomaly_findings a))::text AS b`,
    );
    const readMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await listFindings(client, project, { detector: "cap_messages_per_cycle", limit: FINDINGS });
      readMs.push(performance.now() - t);
    }
    return { msPerPass, walBytes, deadBytes: Number(dead.rows[0]!.b), readMs };
  } finally {
    client.release();
  }
}

async function walLsn(q: pg.PoolClient): Promise<string> {
  return (await q.query<{ l: string }>("SELECT pg_current_wal_lsn()::text AS l")).rows[0]!.l;
}

const mb = (b: number): string => (b / 1e6).toFixed(1);

async function main(): Promise<void> {
  const database = await startBenchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    console.log(`${FINDINGS} cooling cap findings, ${PER_PASS} records added to each per pass, ${PASSES} passes (${FINDINGS * PER_PASS * PASSES} records in all; the array stops at ${MAX_STORED_EVIDENCE})`);
    const before = await run(pool, rewriteArrays);
    const after = await run(pool, appendEvidenceToMany);
    const line = (label: string, r: Run): string =>
      `${label}: per pass p50 ${percentile(r.msPerPass, 0.5).toFixed(2)} ms, p95 ${percentile(r.msPerPass, 0.95).toFixed(2)} ms; WAL ${mb(r.walBytes)} MB; findings table beyond its live rows ${mb(r.deadBytes)} MB; reading them p50 ${percentile(r.readMs, 0.5).toFixed(2)} ms`;
    console.log(line("baseline, the array rewritten (before)", before));
    console.log(line("appended as rows (now)", after));
    console.log(
      `ratio: per pass ${(percentile(after.msPerPass, 0.5) / percentile(before.msPerPass, 0.5)).toFixed(2)}x, WAL ${(after.walBytes / before.walBytes).toFixed(2)}x, reading ${(percentile(after.readMs, 0.5) / percentile(before.readMs, 0.5)).toFixed(2)}x the baseline`,
    );
  } finally {
    await pool.end();
    await database.stop();
  }
}

await main();
