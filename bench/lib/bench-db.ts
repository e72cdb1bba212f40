// A throwaway embedded PostgreSQL for one benchmark run, in a child process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { spawnReady } from "../../lib/process/spawn-ready.ts";

export interface BenchDatabase {
  url: string;
  /** The database child's (its PostgreSQL processes descend from it); absent for an external DATABASE_URL. */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * `statements`: the server loads pg_stat_statements (a preload library, so
 * the cluster is started once to set it and again to load it), for
 * statementCosts() below.
 */
export async function startBenchDatabase(opts: { statements?: boolean } = {}): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const dataDir = mkdtempSync(path.join(tmpdir(), "fb-bench-"));
  const start = () => spawnReady("scripts/db.ts", { env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_QUIET: "1" }, keepStdin: true });
  let db = await start();
  if (opts.statements) {
    await sql(db.value, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    await db.stop();
    db = await start();
    await sql(db.value, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  }
  return {
    url: db.value,
    pid: db.child.pid,
    async stop() {
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

export interface StatementCost {
  query: string;
  calls: number;
  /** Execution plus planning time per record, µs. */
  usPerRecord: number;
  rows: number;
}

export const resetStatements = (url: string): Promise<unknown> => sql(url, "SELECT pg_stat_statements_reset()");

/** The statements that took the most server time since the last reset, per record stored. */
export async function statementCosts(url: string, records: number, top = 12): Promise<StatementCost[]> {
  const rows = await sql<{ query: string; calls: string; ms: number; rows: string }>(
    url,
    `SELECT query, calls, total_exec_time + total_plan_time AS ms, rows FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY ms DESC LIMIT ${Number(top)}`,
  );
  return rows.map((r) => ({ query: r.query.replace(/\s+/g, " ").slice(0, 140), calls: Number(r.calls), usPerRecord: Math.round((r.ms * 1000) / records), rows: Number(r.rows) }));
}

/** Runs `fn` in a transaction with the work_mem the trace API sets (getTraceJson, getTraceSummaryJson). */
export async function withTraceWorkMem<T>(db: pg.Client, fn: () => Promise<T>): Promise<T> {
  await db.query("BEGIN");
  await db.query("SET LOCAL work_mem = '64MB'");
  try {
    return await fn();
  } finally {
    await db.query("COMMIT");
  }
}
