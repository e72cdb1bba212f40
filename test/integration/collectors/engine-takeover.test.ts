// Two engine processes taking turns with the lock: the one that takes over
// judges with what the other learned while it held the lock (the agents'
// graph its impact ranking reads), not with what it remembered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool, withTransaction } from "@/lib/db/ingest-store.ts";
import { insertEdges } from "@/lib/db/lineage-store.ts";
import { Evaluator } from "@/lib/engine/evaluator/evaluator.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { insertStoredRecords, storedRecord, type StoredRecord } from "../../fixtures/stored-records.ts";

let database: TestDatabase;
let pool: pg.Pool;
const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

async function store(records: StoredRecord[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await insertStoredRecords(tx, records);
    await insertEdges(tx, "default", records.map((r) => ({ ...r, ts: r.ts.toISOString() })) as never);
  });
}

async function drain(e: Evaluator): Promise<void> {
  while ((await e.pass()).records > 0);
}

const quote = (i: number, price: number): StoredRecord =>
  storedRecord({ recordId: `q-${i}`, agent: "monitor", receivers: ["recommender"], intent: "PriceQuote", payload: JSON.stringify({ sku: "A-1", unit_price: price }), ts: new Date(T0 + i * 10_000) });

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 4);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe("engine takeover", () => {
  it("the next holder counts the downstream agents the previous holder met", async () => {
    const a = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    const b = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    await store(Array.from({ length: 40 }, (_, i) => quote(i, 12 + (i % 5) * 0.2)));
    await drain(a);
    // While b holds the lock, traffic reveals recommender -> executor -> reconciler.
    await store([
      storedRecord({ recordId: "d-1", agent: "recommender", receivers: ["executor"], ts: new Date(T0 + 500_000) }),
      storedRecord({ recordId: "d-2", agent: "executor", receivers: ["reconciler"], ts: new Date(T0 + 500_001) }),
    ]);
    await drain(b);
    // a takes over and finds a deviating price: three agents are downstream of monitor.
    await store([quote(100, 124)]);
    await drain(a);
    const r = await pool.query<{ reach: number }>("SELECT reach FROM anomaly_findings WHERE record_id = 'q-100' AND detector = 'semantic_deviation'");
    expect(r.rows.map((x) => x.reach)).toEqual([3]);
  });
});
