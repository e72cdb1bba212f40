// node --conditions=react-server --import tsx bench/trace-window-explain.ts
//
// The trace's first window (what the trace page renders into its HTML and
// GET /api/v1/traces/{id}?limit=2000 answers; lib/db/trace-query.ts) on a
// 100,000-span tree with 10,000 records and a 100,000-span chain, in a
// throwaway embedded PostgreSQL, tables analyzed: three timed runs per trace,
// the answer's size, with the spans counted and not
// (`total=lower-bound`), then EXPLAIN (ANALYZE, BUFFERS) of each. Say the load with any figure.
import { loadavg } from "node:os";
import pg from "pg";
import { startBenchDatabase, withTraceWorkMem } from "./lib/bench-db.ts";
import { insertGeneratedTrace } from "../test/integration/traces/trace-fixtures.ts";
import { traceJsonSql } from "../lib/db/trace-query.ts";
import { TRACE_HEAD_SPANS } from "../lib/api/trace-views.ts";

const database = await startBenchDatabase();
const db = new pg.Client({ connectionString: database.url });
await db.connect();
try {
  await insertGeneratedTrace(db, { traceId: "b".repeat(32), spans: 100_000, shape: "tree", fanout: 4, recordEvery: 10 });
  await insertGeneratedTrace(db, { traceId: "c".repeat(32), spans: 100_000, shape: "chain" });
  await db.query("ANALYZE spans; ANALYZE records");
  const inTransaction = <T>(fn: () => Promise<T>): Promise<T> => withTraceWorkMem(db, fn);
  // Alternating: the spans counted (the API's default) and not (`total=lower-bound`, what the trace page reads).
  for (const id of ["b".repeat(32), "c".repeat(32)]) {
    for (let i = 0; i < 3; i++) {
      for (const total of ["count", "lower-bound"] as const) {
        const q = traceJsonSql("default", id, TRACE_HEAD_SPANS, null, total);
        const t = performance.now();
        const r = await inTransaction(() => db.query<{ body: string }>(q.text, q.values as unknown[]));
        console.log(`${id.slice(0, 4)} ${total} run ${i}: ${(performance.now() - t).toFixed(0)} ms, ${r.rows[0]!.body.length} chars, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
      }
    }
    for (const total of ["count", "lower-bound"] as const) {
      const q = traceJsonSql("default", id, TRACE_HEAD_SPANS, null, total);
      const plan = await inTransaction(() => db.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values as unknown[]));
      console.log(`${id.slice(0, 4)} ${total}:\n${plan.rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
    }
  }
} finally {
  await db.end();
  await database.stop();
}
