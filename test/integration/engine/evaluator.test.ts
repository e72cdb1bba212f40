// The engine's evaluation loop on a real PostgreSQL: stored records in,
// findings, breaker transitions and a cursor out, exactly once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool, settleRecords, withTransaction } from "@/lib/db/ingest-store.ts";
import { insertEdges } from "@/lib/db/lineage-store.ts";
import { currentBreakerStates, listBreakerEvents, listFindings } from "@/lib/db/engine-store.ts";
import { readCursor } from "@/lib/db/evaluator-store.ts";
import { CURSOR_NAME, Evaluator, SETTLED_CURSOR_NAME } from "@/lib/engine/evaluator/evaluator.ts";
import { startEngineLoop } from "@/lib/engine/evaluator/engine-loop.ts";
import { traceOrigin } from "@/lib/lineage/lineage-queries.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";
import { marketWalk, tradingDesk } from "../../unit/engine/trading-desk.fixtures.ts";

let database: TestDatabase;
let pool: pg.Pool;
const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

async function store(records: StoredRecord[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await insertStoredRecords(tx, records);
    await insertEdges(tx, "default", records.map((r) => ({ ...r, ts: r.ts.toISOString() })) as never);
  });
}

const quote = (i: number, price: number, over: Partial<StoredRecord> = {}): StoredRecord =>
  storedRecord({
    recordId: `q-${i}`,
    agent: "monitor",
    receivers: ["recommender"],
    intent: "PriceQuote",
    payload: JSON.stringify({ sku: "A-1", unit_price: price }),
    ts: new Date(T0 + i * 10_000),
    ...over,
  });

async function drain(e: Evaluator): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await e.pass();
    total += r.records;
    if (r.records === 0) return total;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 6);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});
beforeEach(async () => {
  await pool.query("TRUNCATE records, record_edges, anomaly_findings, finding_records, breaker_events, breaker_states, engine_cursors, state_quarantines CASCADE");
});

describe("the evaluation loop", () => {
  it("finds a deviating price with its impact, counts forged records against the edge, and trips its breaker", async () => {
    // Downstream of recommender: executor, then reconciler. Reach counts them.
    const downstream = [
      storedRecord({ recordId: "d-1", agent: "recommender", receivers: ["executor"], ts: new Date(T0) }),
      storedRecord({ recordId: "d-2", agent: "executor", receivers: ["reconciler"], ts: new Date(T0 + 1) }),
    ];
    const normal = Array.from({ length: 40 }, (_, i) => quote(i, 12 + (i % 5) * 0.2));
    await store([...downstream, ...normal]);
    const e = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    expect(await drain(e)).toBe(42);
    expect(await listFindings(pool, "default")).toEqual([]);

    await store([quote(100, 124)]);
    await drain(e);
    const [deviation] = await listFindings(pool, "default", { detector: "semantic_deviation" });
    expect(deviation?.recordId).toBe("q-100");
    expect(deviation?.explanation).toBe("unit_price 10x the 24h median (n=40)");
    const stored = await pool.query<{ reach: number; impact: number; score: number }>("SELECT reach, impact, score FROM anomaly_findings WHERE record_id = 'q-100'");
    // monitor -> recommender -> executor -> reconciler: three agents downstream.
    expect(stored.rows[0]?.reach).toBe(3);
    expect(stored.rows[0]?.impact).toBeCloseTo(Math.min(Math.abs(stored.rows[0]!.score), 1000) * 4, 6);

    // The anomaly was failure 1; two forged records make 3 in a row: OPEN.
    await store([quote(101, 12.2, { verdicts: verdicts("bad_signature") }), quote(102, 12.4, { verdicts: verdicts("bad_signature") })]);
    const res = await e.pass();
    expect(res.transitions.map((t) => `${t.from}->${t.to}:${t.cause}`)).toEqual(["CLOSED->OPEN:failures"]);
    const states = await currentBreakerStates(pool, "default");
    expect(states.find((s) => s.sender === "monitor")?.state).toBe("OPEN");
    const [event] = await listBreakerEvents(pool, "default", { sender: "monitor" });
    expect(event?.recordIds).toEqual(["q-100", "q-101", "q-102"]);
    const [forged] = await listFindings(pool, "default", { detector: "verification" });
    expect(forged?.explanation).toBe("2 records claiming to be from monitor failed verification at the door: bad_signature");
    expect(forged?.evidence).toEqual(["q-101", "q-102"]);
  });

  it("quarantines a state key written from records it contained, and one a write that failed at the door landed on", async () => {
    const quarantines = async () =>
      (await pool.query<{ key: string; record_id: string; opened_by: string; reason: string }>("SELECT key, record_id, opened_by, reason FROM state_quarantines WHERE state = 'active' ORDER BY key")).rows;
    await store(Array.from({ length: 40 }, (_, i) => quote(i, 12 + (i % 5) * 0.2)));
    const e = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    await drain(e);
    // A clean read-and-write of the inventory quarantines nothing.
    await store([
      storedRecord({ recordId: "r-0", kind: "state.read", agent: "recommender", receivers: [], intent: "inv/A-1", parents: ["q-39"], ts: new Date(T0 + 400_001) }),
      storedRecord({ recordId: "w-0", kind: "state.write", agent: "recommender", receivers: [], intent: "inv/A-1", parents: ["r-0"], ts: new Date(T0 + 400_002) }),
    ]);
    expect((await e.pass()).quarantined).toBe(0);
    // Three forged quotes open monitor -> recommender; the inventory write made from the last one, in the same pass, is contained.
    const forged = [101, 102, 103].map((i) => quote(i, 12.2, { verdicts: verdicts("bad_signature") }));
    await store([
      ...forged,
      storedRecord({ recordId: "r-1", kind: "state.read", agent: "recommender", receivers: [], intent: "inv/A-1", parents: ["q-103", "w-0"], ts: new Date(T0 + 1_040_001) }),
      storedRecord({ recordId: "w-1", kind: "state.write", agent: "recommender", receivers: [], intent: "inv/A-1", parents: ["r-1"], ts: new Date(T0 + 1_040_002) }),
    ]);
    const res = await e.pass();
    expect(res.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(["CLOSED->OPEN"]);
    expect(res.quarantined).toBe(1);
    // The next pass follows the contained records further: a later write descending from w-1 lands on a second key.
    await store([storedRecord({ recordId: "w-2", kind: "state.write", agent: "reconciler", receivers: [], intent: "inv/B-2", parents: ["w-1"], ts: new Date(T0 + 1_040_010) })]);
    expect((await e.pass()).quarantined).toBe(1);
    // A memory violation lands in the store all the same: its key is quarantined without any breaker.
    await store([storedRecord({ recordId: "w-x", kind: "state.write", agent: "intruder", receivers: [], intent: "notes/x", verdicts: verdicts("memory_violation"), ts: new Date(T0 + 1_040_020) })]);
    expect((await e.pass()).quarantined).toBe(1);
    const rows = await quarantines();
    expect(rows.map((r) => [r.key, r.record_id, r.opened_by])).toEqual([
      ["inv/A-1", "w-1", "engine"],
      ["inv/B-2", "w-2", "engine"],
      ["notes/x", "w-x", "engine"],
    ]);
    expect(rows[0]!.reason).toMatch(/^state\.write w-1 descends from a contained record: unverified message q-10[123] on monitor->recommender, whose breaker the engine opened$/);
    expect(rows[2]!.reason).toBe("state.write w-x failed verification at the door (memory_violation)");
  });

  it("the anomalous value stays out of the baseline, so a second poisoned price is still flagged", async () => {
    await store(Array.from({ length: 40 }, (_, i) => quote(i, 12)));
    const e = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    await drain(e);
    await store([quote(50, 130)]);
    await drain(e);
    await store([quote(51, 131)]);
    await drain(e);
    expect((await listFindings(pool, "default", { detector: "semantic_deviation" })).map((f) => f.recordId).sort()).toEqual(["q-50", "q-51"]);
    // A fresh evaluator (a restart) rebuilds the baseline from storage, without the poison.
    await store([quote(52, 129)]);
    await drain(new Evaluator(pool, { now: () => T0 + 3_600_000 }));
    expect((await listFindings(pool, "default", { detector: "semantic_deviation" })).map((f) => f.recordId)).toContain("q-52");
  });

  it("after a restart, a read of a write an earlier process's finding named is named as a deviation's evidence, and the feed read beside it is not (ADR 0045)", async () => {
    const write = (i: number, value: number, over: Partial<StoredRecord> = {}) =>
      storedRecord({ recordId: `w-${i}`, kind: "state.write", agent: "pricer", receivers: [], intent: "pricer/rec", payload: JSON.stringify({ value }), ts: new Date(T0 + i * 10_000 + 5_000), ...over });
    const read = (id: string, key: string, parents: string[], at: number) =>
      storedRecord({ recordId: id, kind: "state.read", agent: "monitor", receivers: [], intent: key, payload: JSON.stringify({ found: true, sha256: "x" }), parents, ts: new Date(T0 + at) });
    await store([...Array.from({ length: 40 }, (_, i) => quote(i, 12 + (i % 3) / 10)), ...Array.from({ length: 40 }, (_, i) => write(i, 20 + (i % 3) / 10)), write(50, 210)]);
    await drain(new Evaluator(pool, { now: () => T0 + 3_600_000 }));
    expect((await listFindings(pool, "default", { detector: "semantic_deviation" })).map((f) => f.recordId)).toEqual(["w-50"]);
    // A new process: the pricer's history (its write w-50 named) comes from storage with the batch's agents.
    await store([write(60, 20.1), read("sr-peer", "pricer/rec", ["w-50"], 601_000), read("sr-feed", "feeds/supplier", [], 602_000), quote(61, 130, { parents: ["sr-peer", "sr-feed"], ts: new Date(T0 + 603_000) })]);
    await drain(new Evaluator(pool, { now: () => T0 + 3_600_000 }));
    const q61 = (await listFindings(pool, "default", { detector: "semantic_deviation" })).find((f) => f.recordId === "q-61");
    expect(q61?.evidence).toEqual(["q-61", "sr-peer"]);
  });

  it("holds a deviation's feed read until a later pass brings its sibling view, then appends it to the finding where the sibling moved with the feed (ADR 0050)", async () => {
    // A trading desk's 60 clean rounds; in round 60 the market jumps for every symbol (a poisoned feed's first round).
    const K = 60;
    const walk = marketWalk(2, K + 1);
    const desk = tradingDesk({ start: T0, rounds: K + 1, weight: () => 0.3, market: (sym, k) => (k === K ? walk(sym, k) + 0.2 : walk(sym, k)) });
    const stored = desk.map((r) => storedRecord({ recordId: r.recordId, kind: r.kind, agent: r.agent, receivers: [], intent: r.intent, payload: JSON.stringify(r.payload), parents: [...r.parents], ts: new Date(r.at) }));
    const upTo = stored.findIndex((r) => r.recordId === `v-${K}-0`) + 1;
    await store(stored.slice(0, upTo));
    const e = new Evaluator(pool, { now: () => T0 + 6 * 3_600_000 });
    await drain(e);
    const first = async () => (await listFindings(pool, "default", { detector: "semantic_deviation" })).find((f) => f.recordId === `v-${K}-0`);
    expect((await first())?.evidence).toEqual([`v-${K}-0`]);
    // The round's other views: trader-4's (AAA's other trader) moved with the market as trader-1's did.
    await store(stored.slice(upTo));
    await drain(e);
    expect((await first())?.evidence).toEqual([`v-${K}-0`, `m-${K}-0`]);
  });

  it("a storm over the per-cycle cap: every message over the limit is named, across passes, and lineage flags each", async () => {
    const e = new Evaluator(pool, { batchSize: 25 });
    const storm = (i: number) => quote(i, 12.5, { recordId: `s-${i}`, ts: new Date(T0 + i * 100) });
    await store(Array.from({ length: 25 }, (_, i) => storm(i)));
    await drain(e);
    // A later pass while the cap cools down: its records join the finding that is cooling down.
    await store(Array.from({ length: 5 }, (_, i) => storm(25 + i)));
    await drain(e);
    const caps = await listFindings(pool, "default", { detector: "cap_messages_per_cycle" });
    expect(caps).toHaveLength(1);
    expect(caps[0]!.evidence).toEqual(Array.from({ length: 10 }, (_, i) => `s-${20 + i}`));
    const late = await traceOrigin(pool, "default", "s-28");
    expect(late.origins.map((o) => [o.id, o.reasons[0]?.detail])).toEqual([["s-28", `cap_messages_per_cycle: ${caps[0]!.explanation} (named in its evidence)`]]);
    expect((await traceOrigin(pool, "default", "s-3")).origins).toEqual([]);
  });

  it("caps: too many receivers, and a chain deeper than 5 hops from the request, found across restarts", async () => {
    const request = storedRecord({ recordId: "req", kind: "request", agent: "gateway", receivers: [], intent: "restock", ts: new Date(T0) });
    const chain: StoredRecord[] = [];
    let parent = "req";
    for (let d = 1; d <= 7; d++) {
      const r = storedRecord({ recordId: `hop-${d}`, agent: `a${d}`, receivers: [`a${d + 1}`], ts: new Date(T0 + d * 1000), parents: [parent], authority: ["req"] });
      chain.push(r);
      parent = r.recordId;
    }
    // The first four hops are judged by one process, the rest by a new one that never saw them.
    await store([request, ...chain.slice(0, 4)]);
    await drain(new Evaluator(pool, { now: () => T0 + 60_000 }));
    await store(chain.slice(4));
    const wide = storedRecord({ recordId: "wide", agent: "planner", receivers: ["w1", "w2", "w3", "w4"], ts: new Date(T0 + 9000) });
    await store([wide]);
    await drain(new Evaluator(pool, { now: () => T0 + 60_000 }));
    const caps = await listFindings(pool, "default", { detector: "cap_depth" });
    expect(caps.map((f) => f.recordId).sort()).toEqual(["hop-6", "hop-7"]);
    expect(caps.find((f) => f.recordId === "hop-6")?.explanation).toBe("a6's message PriceQuote is 6 hops from the human request (limit 5)");
    const [receivers] = await listFindings(pool, "default", { detector: "cap_receivers" });
    expect(receivers?.explanation).toBe("planner sent PriceQuote to 4 receivers (limit 3)");
  });

  it("never reads past a record whose transaction has not committed, then reads it once it has", async () => {
    const e = new Evaluator(pool, { now: () => T0 + 60_000 });
    const early = await pool.connect();
    try {
      await early.query("BEGIN");
      await insertStoredRecords(early, [quote(1, 12)]); // lower seq, still open
      await store([quote(2, 12)]); // higher seq, committed first
      expect((await e.pass()).records).toBe(0);
      await early.query("COMMIT");
    } finally {
      early.release();
    }
    expect(await drain(e)).toBe(2);
    const evaluated = await pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM records r, engine_cursors c WHERE c.name = $1 AND (r.tx_id, r.seq) <= (c.tx_id, c.seq)",
      [CURSOR_NAME],
    );
    expect(evaluated.rows[0]?.n).toBe("2");
  });

  it("a record stored pending counts against its edge once settled, exactly once", async () => {
    const e = new Evaluator(pool, { now: () => T0 + 3_600_000 });
    const waiting = quote(3, 12, { verdicts: verdicts("pending"), pendingOn: ["never-sent"] });
    await store([quote(1, 12, { verdicts: verdicts("bad_signature") }), quote(2, 12, { verdicts: verdicts("bad_signature") }), waiting]);
    expect((await e.pass()).transitions).toEqual([]);
    // The settler gives up waiting: broken_authority, the third failure in a row.
    await withTransaction(pool, async (tx) => {
      const seq = (await tx.query<{ seq: string }>("SELECT seq::text FROM records WHERE record_id = 'q-3'")).rows[0]!.seq;
      await settleRecords(tx, [{ seq, verdicts: [{ verdict: "broken_authority", detail: "waited" }], pendingOn: [] }]);
    });
    const res = await e.pass();
    expect(res.transitions.map((t) => [t.to, t.recordIds])).toEqual([["OPEN", ["q-1", "q-2", "q-3"]]]);
    expect((await e.pass()).transitions).toEqual([]);
    expect((await readCursor(pool, "default", SETTLED_CURSOR_NAME)).seq).not.toBe("0");
  });

  it("two loops on one database judge every record exactly once", async () => {
    const records = Array.from({ length: 300 }, (_, i) => quote(i, 12, { verdicts: i % 3 === 0 ? verdicts("bad_signature") : verdicts() }));
    const a = startEngineLoop(pool, { batchSize: 37, idleMs: 10, now: () => T0 + 3_600_000 });
    const b = startEngineLoop(pool, { batchSize: 37, idleMs: 10, now: () => T0 + 3_600_000 });
    for (let i = 0; i < records.length; i += 50) await store(records.slice(i, i + 50));
    await expect
      .poll(async () => (await readCursor(pool, "default", CURSOR_NAME)).seq, { timeout: 20_000 })
      .toBe((await pool.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM records")).rows[0]?.seq);
    await Promise.all([a.stop(), b.stop()]);
    expect(a.stats().records + b.stats().records).toBe(300);
    // Every forged record is evidence in exactly one verification finding.
    const evidence = await pool.query<{ id: string }>("SELECT unnest(evidence) AS id FROM anomaly_findings WHERE detector = 'verification'");
    expect(evidence.rows.length).toBe(100);
    expect(new Set(evidence.rows.map((r) => r.id)).size).toBe(100);
    expect(a.stats().errors + b.stats().errors).toBe(0);
  });
});
