// The engine shared among processes: the process holding the engine lock is
// killed with SIGKILL in the middle of a pass (findings already written in
// its transaction, breakers not yet stepped). Its transaction rolls back; the
// next holder re-reads from the cursor. The end state must be exactly what
// one uninterrupted engine makes of the same records: no failure counted
// twice, no breaker transition lost, no finding stored twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { spawnReady, type ReadyChild } from "../../../lib/process/spawn-ready.ts";
import { createPool, withTransaction } from "../../../lib/db/ingest-store.ts";
import { insertEdges } from "../../../lib/db/lineage-store.ts";
import { readCursor } from "../../../lib/db/evaluator-store.ts";
import { CURSOR_NAME, Evaluator } from "../../../lib/engine/evaluator/evaluator.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";

let victim: TestDatabase;
let reference: TestDatabase;
const children: ReadyChild[] = [];

// Forged and clean messages on two edges, stamped just now (the engine process runs on the wall clock).
function traffic(): StoredRecord[] {
  const now = Date.now() - 60_000;
  return Array.from({ length: 60 }, (_, i) => {
    const edge = i % 2 === 0 ? { agent: "monitor", receivers: ["recommender"] } : { agent: "planner", receivers: ["executor"] };
    const forged = i % 5 !== 0;
    return storedRecord({
      recordId: `m-${i}`,
      ...edge,
      ts: new Date(now + i * 200),
      verdicts: forged ? verdicts("bad_signature") : verdicts(),
    });
  });
}

async function store(url: string, records: StoredRecord[]): Promise<void> {
  const pool = createPool(url, 2);
  await withTransaction(pool, async (tx) => {
    await insertStoredRecords(tx, records);
    await insertEdges(tx, "default", records.map((r) => ({ ...r, ts: r.ts.toISOString() })) as never);
  });
  await pool.end();
}

interface Outcome {
  transitions: string[];
  findings: string[];
  breakers: string[];
}

async function outcome(url: string): Promise<Outcome> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ev = await c.query<{ t: string }>(
      "SELECT sender || '->' || receiver || ' ' || from_state || '>' || to_state || ' ' || cause || ' [' || array_to_string(record_ids, ',') || ']' AS t FROM breaker_events ORDER BY id",
    );
    const f = await c.query<{ t: string }>(
      "SELECT detector || ' ' || coalesce(record_id, '-') || ' [' || array_to_string(ARRAY(SELECT unnest(evidence) ORDER BY 1), ',') || ']' AS t FROM anomaly_findings ORDER BY 1",
    );
    const b = await c.query<{ t: string }>("SELECT sender || '->' || receiver || ' ' || state AS t FROM breaker_states ORDER BY 1");
    return { transitions: ev.rows.map((r) => r.t), findings: f.rows.map((r) => r.t), breakers: b.rows.map((r) => r.t) };
  } finally {
    await c.end();
  }
}

async function startEngine(url: string): Promise<ReadyChild> {
  const child = await spawnReady("scripts/engine.ts", { env: { DATABASE_URL: url, FIREBREAK_ENGINE_BATCH: "2000" } });
  children.push(child);
  return child;
}

beforeAll(async () => {
  [victim, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  for (const c of children) await c.stop(2_000);
  await Promise.all([victim.drop(), reference.drop()]);
});

describe("engine process killed mid-pass", () => {
  it("the next lock holder ends exactly where one uninterrupted engine does", async () => {
    const records = traffic();
    // The answer of one engine that is never interrupted.
    await store(reference.url, records);
    const refPool = createPool(reference.url, 2);
    const e = new Evaluator(refPool);
    while ((await e.pass()).records > 0);
    await refPool.end();
    const expected = await outcome(reference.url);
    expect(expected.transitions.some((t) => t.includes("CLOSED>OPEN"))).toBe(true);
    expect(expected.findings.length).toBeGreaterThan(0);

    await store(victim.url, records);
    // Hold one edge's breaker lock: the engine's pass stores its findings, then waits here.
    const holder = new pg.Client({ connectionString: victim.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock(hashtextextended(json_build_array('default', 'monitor', 'recommender')::text, 7340))");
    const first = await startEngine(victim.url);
    const waiting = async (): Promise<number> =>
      (
        await holder.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()", [victim.name])
      ).rowCount ?? 0;
    await expect.poll(waiting, { timeout: 30_000, interval: 50 }).toBe(1);
    // Mid-pass: its findings are written but not committed.
    first.child.kill("SIGKILL");
    await new Promise<void>((r) => (first.child.exitCode !== null || first.child.signalCode !== null ? r() : first.child.once("exit", () => r())));
    const second = await startEngine(victim.url);
    await holder.query("COMMIT");
    await holder.end();

    const seqOfLast = async (): Promise<string> => {
      const c = new pg.Client({ connectionString: victim.url });
      await c.connect();
      try {
        const max = (await c.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM records")).rows[0]!.seq;
        return (await readCursor(c, "default", CURSOR_NAME)).seq === max ? "caught up" : "behind";
      } finally {
        await c.end();
      }
    };
    await expect.poll(seqOfLast, { timeout: 30_000, interval: 200 }).toBe("caught up");
    await second.stop();
    expect(await outcome(victim.url)).toEqual(expected);
  }, 90_000);
});
