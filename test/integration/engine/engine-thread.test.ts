// The engine on its own thread of a collector: it judges what is stored,
// answers questions about its counters by message, comes back after its
// thread dies without judging anything twice, and stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool, withTransaction } from "@/lib/db/ingest-store.ts";
import { insertEdges } from "@/lib/db/lineage-store.ts";
import { readCursor } from "@/lib/db/evaluator-store.ts";
import { CURSOR_NAME } from "@/lib/engine/evaluator/evaluator.ts";
import { startEngineThread, type EngineThread } from "@/lib/engine/evaluator/engine-thread.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";

let database: TestDatabase;
let pool: pg.Pool;
let engine: EngineThread | null = null;
const lines: string[] = [];
const passes: number[] = [];
const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

async function store(records: StoredRecord[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await insertStoredRecords(tx, records);
    await insertEdges(tx, "default", records.map((r) => ({ ...r, ts: r.ts.toISOString() })) as never);
  });
}

const quote = (i: number): StoredRecord =>
  storedRecord({
    recordId: `t-${i}`,
    agent: "monitor",
    receivers: ["recommender"],
    intent: "PriceQuote",
    payload: JSON.stringify({ sku: "A-1", unit_price: 12 }),
    ts: new Date(T0 + i * 1_000),
    verdicts: i % 4 === 0 ? verdicts("bad_signature") : verdicts(),
  });

const lastSeq = async (): Promise<string | undefined> => (await pool.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM records")).rows[0]?.seq;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 4);
  engine = await startEngineThread(database.url, { batchSize: 25, log: (l) => lines.push(l), onPass: (ms) => passes.push(ms), statsEveryMs: 50, restartMs: 50 });
}, 60_000);

afterAll(async () => {
  await engine?.close();
  await pool?.end();
  await database?.drop();
});

describe("the engine's thread", () => {
  it("judges stored records and reports its counters and lag from the thread", async () => {
    const before = Date.now();
    await store(Array.from({ length: 100 }, (_, i) => quote(i)));
    const seq = await lastSeq();
    await expect.poll(async () => (await readCursor(pool, "default", CURSOR_NAME)).seq, { timeout: 30_000 }).toBe(seq);
    // The loop counts a pass once it has grouped its findings, just after the commit the cursor shows.
    await expect.poll(async () => (await engine!.stats()).records, { timeout: 10_000 }).toBe(100);
    const stats = await engine!.stats();
    expect(stats.errors).toBe(0);
    // The thread's heap comes with its counters (its isolate's own; the collector reports the main thread's).
    expect(stats.heap!.usedBytes).toBeGreaterThan(0);
    expect(stats.heap!.limitBytes).toBeGreaterThan(stats.heap!.usedBytes);
    // Every forged record is a verification finding's evidence, once.
    const evidence = await pool.query<{ id: string }>("SELECT unnest(evidence) AS id FROM anomaly_findings WHERE detector = 'verification'");
    expect(new Set(evidence.rows.map((r) => r.id)).size).toBe(25);
    expect(evidence.rows.length).toBe(25);
    // The lag window asked for is the thread's own: samples since `before` are these records, none after now.
    expect((await engine!.stats(before)).lag.samples).toBe(100);
    expect((await engine!.stats(Date.now() + 60_000)).lag.samples).toBe(0);
    expect(passes.length).toBeGreaterThanOrEqual(4);
    // /metrics reads what the thread sent last without asking it.
    await expect.poll(() => engine!.latest().records, { timeout: 5_000 }).toBe(100);
  }, 60_000);

  it("starts a thread that died again, and the new one judges what came after, each record once", async () => {
    const first = engine!.worker;
    await first.terminate();
    await expect.poll(() => engine!.restarts, { timeout: 30_000 }).toBe(1);
    expect(engine!.worker).not.toBe(first);
    expect(lines.some((l) => l.includes("its thread exited") && l.includes("starting it again"))).toBe(true);
    await store(Array.from({ length: 60 }, (_, i) => quote(100 + i)));
    const seq = await lastSeq();
    await expect.poll(async () => (await readCursor(pool, "default", CURSOR_NAME)).seq, { timeout: 30_000 }).toBe(seq);
    const evidence = await pool.query<{ id: string }>("SELECT unnest(evidence) AS id FROM anomaly_findings WHERE detector = 'verification'");
    expect(evidence.rows.length).toBe(40);
    expect(new Set(evidence.rows.map((r) => r.id)).size).toBe(40);
    // The new thread's counters start from zero: only what it judged.
    await expect.poll(async () => (await engine!.stats()).records, { timeout: 10_000 }).toBe(60);
  }, 60_000);

  it("stops: the thread ends and answers no more", async () => {
    const worker = engine!.worker;
    const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
    await engine!.close();
    await exited;
    expect(engine!.restarts).toBe(1);
    engine = null;
  }, 60_000);

  it("stops at once when its thread had died and was not started again yet", async () => {
    const said: string[] = [];
    // A long pause before restarting: the collector stops within it.
    const other = await startEngineThread(database.url, { batchSize: 25, log: (l) => said.push(l), restartMs: 600_000 });
    await other.worker.terminate();
    await expect.poll(() => said.some((l) => l.includes("its thread exited")), { timeout: 10_000 }).toBe(true);
    await other.close();
    // Not the 30 s give-up for a thread that never answers the stop: there was no thread to answer.
    expect(said.filter((l) => l.includes("did not stop"))).toEqual([]);
    expect(other.restarts).toBe(0);
  }, 60_000);
});
