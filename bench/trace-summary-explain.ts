// node --conditions=react-server --import tsx bench/trace-summary-explain.ts
//
// The whole-trace summary's statement (lib/db/trace-summary-query.ts) on a
// 100,000-span trace with 10,000 records (and a 100,000-span chain beside it),
// in a throwaway embedded PostgreSQL, tables analyzed: three timed runs, the
// start of the answer, then EXPLAIN (ANALYZE, BUFFERS). Figures in
// docs/benchmarks.md (2026-12-06, whole trace's summary); say the load.
import { loadavg } from "node:os";
import pg from "pg";
import { startBenchDatabase, withTraceWorkMem } from "./lib/bench-db.ts";
import { insertGeneratedTrace } from "../test/integration/traces/trace-fixtures.ts";
import { traceSummarySql } from "../lib/db/trace-summary-query.ts";

const database = await startBenchDatabase();
const db = new pg.Client({ connectionString: database.url });
await db.connect();
try {
  const id = "b".repeat(32);
  await insertGeneratedTrace(db, { traceId: id, spans: 100_000, shape: "tree", fanout: 4, recordEvery: 10 });
  await insertGeneratedTrace(db, { traceId: "c".repeat(32), spans: 100_000, shape: "chain" });
  await db.query("ANALYZE spans; ANALYZE records");
  const q = traceSummarySql("default", id, 240);
  const inTransaction = <T>(fn: () => Promise<T>): Promise<T> => withTraceWorkMem(db, fn);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await inTransaction(() => db.query<{ body: string }>(q.text, q.values as unknown[]));
    console.log(`run ${i}: ${(performance.now() - t).toFixed(0)} ms, ${r.rows[0]!.body.length} chars, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    if (i === 0) console.log(`${r.rows[0]!.body.slice(0, 600)}…`);
  }
  const plan = await inTransaction(() => db.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values as unknown[]));
  console.log(plan.rows.map((r) => r["QUERY PLAN"]).join("\n"));
} finally {
  await db.end();
  await database.stop();
}
