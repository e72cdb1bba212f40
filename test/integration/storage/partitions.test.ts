// Partitioned records and spans on a real PostgreSQL: retries across
// partitions, wild timestamps, partitions made ahead by concurrent callers,
// retention that keeps an incident's evidence until it is resolved and
// exported, and lineage and the engine's read across partitions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool, insertBatch, withTransaction, type RecordRow, type SpanRow } from "@/lib/db/ingest-store.ts";
import { applyRetention, ensurePartitions, heldEvidence, listPartitions, pruneNonces, setProjectRetention, sweepEdges } from "@/lib/db/partitions.ts";
import { recordsAfter } from "@/lib/db/evaluator-store.ts";
import { traceBlastRadius, traceOrigin } from "@/lib/lineage/lineage-queries.ts";
import { audit } from "@/lib/audit/audit-log.ts";
import { DAY_MS, WEEK_MS, partitionName, utcDay, utcWeek } from "@/lib/storage/partition-plan.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { bad, recordRow, store, T0 } from "../lineage/lineage-fixtures.ts";

const DAY0 = utcDay(T0);
/** A record `days` days after T0's day, `secs` seconds into it. */
const onDay = (id: string, days: number, spec: Parameters<typeof recordRow>[1] = {}): RecordRow =>
  ({ ...recordRow(id, spec), ts: new Date(DAY0 + days * DAY_MS + 3_600_000).toISOString() });

function spanOf(r: RecordRow): SpanRow {
  const startNs = (BigInt(Date.parse(r.ts)) * 1_000_000n).toString();
  return { traceId: r.traceId, spanId: r.spanId, parentSpanId: null, name: r.kind, spanKind: 1, startNs, endNs: startNs, serviceName: r.agent, attributes: {}, statusCode: 0, contentHash: r.contentHash };
}

const ingest = (pool: pg.Pool, rows: RecordRow[]) =>
  withTransaction(pool, async (tx) => {
    const n = await insertBatch(tx, "default", rows.map(spanOf), rows);
    const { insertEdges } = await import("@/lib/db/lineage-store.ts");
    await insertEdges(tx, "default", rows);
    return n;
  });

async function whereIs(pool: pg.Pool, recordId: string): Promise<string[]> {
  const res = await pool.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM records WHERE record_id = $1 ORDER BY 1`, [recordId]);
  return res.rows.map((r) => r.p);
}

const count = async (pool: pg.Pool, sql: string, params: unknown[] = []) => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n);

/** An open incident resting on `recordIds`: one finding names them all (finding_records), as the engine files it. */
async function openIncident(pool: pg.Pool, recordIds: string[]): Promise<string> {
  const f = await pool.query<{ id: string }>(
    `INSERT INTO anomaly_findings (detector, record_id, agent, subject, explanation, params, evidence, ts)
     VALUES ('rate', $1, 'agent-a', 'rate', 'too many messages', '{}', $2, now()) RETURNING id::text`,
    [recordIds[0], recordIds],
  );
  const findingId = f.rows[0]!.id;
  await pool.query(`INSERT INTO finding_records (record_id, finding_id) SELECT unnest($1::text[]), $2`, [recordIds, findingId]);
  const i = await pool.query<{ id: string }>(
    `INSERT INTO incidents (title, severity, first_at, last_at) VALUES ('rate spike', 'high', now(), now()) RETURNING id::text`,
  );
  await pool.query(`INSERT INTO incident_findings (finding_id, incident_id) VALUES ($1, $2)`, [findingId, i.rows[0]!.id]);
  return i.rows[0]!.id;
}

describe("partitioned storage", () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 6);
    await ensurePartitions(pool, { now: T0, ahead: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });

  it("makes the partitions ahead once, whichever of two concurrent callers gets there first", async () => {
    const other = createPool(tdb.url, 2);
    try {
      // A Monday, past the weeks beforeAll made: the week holding yesterday is the one before.
      // Years past T0: the migration made the weeks around the wall clock's today, and this must not meet them.
      const now = utcWeek(T0) + 300 * WEEK_MS + 3_600_000;
      const [a, b] = await Promise.all([ensurePartitions(pool, { now, ahead: 2 }), ensurePartitions(other, { now, ahead: 2 })]);
      const wanted = [-1, 0, 1, 2].flatMap((w) => ["records", "spans"].map((t) => partitionName(t as "records" | "spans", now + w * WEEK_MS)));
      expect([...a, ...b].sort()).toEqual(wanted.sort());
      expect(await ensurePartitions(pool, { now, ahead: 2 })).toEqual([]);
      const parts = await listPartitions(pool, "records");
      const names = parts.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const w of [-1, 0, 1, 2]) expect(names).toContain(partitionName("records", now + w * WEEK_MS));
      // Named after their Monday, a week wide.
      expect(partitionName("records", now)).toBe(`records_p${new Date(utcWeek(now)).toISOString().slice(0, 10).replaceAll("-", "")}`);
      for (const p of parts) expect(new Date(p.weekMs).getUTCDay()).toBe(1);
      const bounds = await pool.query<{ b: string }>(`SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_class c WHERE c.relname = $1`, [partitionName("records", now)]);
      expect(bounds.rows[0]!.b).toContain(new Date(utcWeek(now) + WEEK_MS).toISOString().slice(0, 10));
    } finally {
      await other.end();
    }
  });

  it("stores records with a timestamp far in the past or future as evidence, in the default partition", async () => {
    const past = { ...recordRow("WILD-PAST"), ts: "1970-01-02T00:00:00.000Z" };
    const future = { ...recordRow("WILD-FUTURE"), ts: "2199-06-01T00:00:00.000Z" };
    const normal = onDay("NORMAL", 0);
    expect(await ingest(pool, [past, future, normal])).toBe(3);
    expect(await whereIs(pool, "WILD-PAST")).toEqual(["records_default"]);
    expect(await whereIs(pool, "WILD-FUTURE")).toEqual(["records_default"]);
    expect(await whereIs(pool, "NORMAL")).toEqual([partitionName("records", DAY0)]);
    expect(await count(pool, `spans_default`)).toBe(2);
    // The identical retry of the whole batch is a no-op, wild ones included.
    expect(await ingest(pool, [past, future, normal])).toBe(0);
    expect(await count(pool, `records WHERE record_id = ANY($1)`, [["WILD-PAST", "WILD-FUTURE", "NORMAL"]])).toBe(3);
    expect(await count(pool, `spans WHERE trace_id = ANY($1)`, [[past.traceId, future.traceId, normal.traceId]])).toBe(3);
  });

  it("keeps a retry a no-op after its record moved from the default partition into its week's new partition", async () => {
    const early = onDay("EARLY-FUTURE", 90);
    expect(await ingest(pool, [early])).toBe(1);
    expect(await whereIs(pool, "EARLY-FUTURE")).toEqual(["records_default"]);
    const created = await ensurePartitions(pool, { now: T0 + 89 * DAY_MS, ahead: 1 });
    expect(created).toContain(partitionName("records", DAY0 + 90 * DAY_MS));
    expect(await whereIs(pool, "EARLY-FUTURE")).toEqual([partitionName("records", DAY0 + 90 * DAY_MS)]);
    expect(await count(pool, `spans_default WHERE trace_id = $1`, [early.traceId])).toBe(0);
    expect(await ingest(pool, [early])).toBe(0);
    expect(await whereIs(pool, "EARLY-FUTURE")).toHaveLength(1);
    // A different record reusing the ids is kept beside it, as evidence.
    expect(await ingest(pool, [{ ...early, contentHash: "f".repeat(64) }])).toBe(1);
  });

  it("walks lineage and reads records in storing order across partitions", async () => {
    const cursor = (await pool.query<{ tx: string; seq: string }>(`SELECT max(tx_id)::text AS tx, max(seq)::text AS seq FROM records`)).rows[0]!;
    // Three weeks, three partitions (beforeAll made this week and two ahead).
    const r = onDay("L-REQ", 0, { kind: "request", verdicts: bad() });
    const m = onDay("L-MSG", 7, { parents: ["L-REQ"], authority: ["L-REQ"] });
    const a = onDay("L-ACT", 14, { kind: "action", parents: ["L-MSG"], authority: ["L-REQ"] });
    await store(pool, [r]);
    await store(pool, [m]);
    await store(pool, [a]);
    const where = [...(await whereIs(pool, "L-REQ")), ...(await whereIs(pool, "L-MSG")), ...(await whereIs(pool, "L-ACT"))];
    expect(new Set(where).size).toBe(3);
    expect(where).not.toContain("records_default");
    const origin = await traceOrigin(pool, "default", "L-ACT");
    expect(origin.origins.map((o) => o.id)).toEqual(["L-REQ"]);
    const blast = await traceBlastRadius(pool, "default", "L-REQ");
    expect(blast.descendants.map((d) => d.id).sort()).toEqual(["L-ACT", "L-MSG"]);
    const read = await recordsAfter(pool, "default", { txId: "0", seq: "0" }, 1000);
    const mine = read.filter((x) => x.recordId.startsWith("L-")).map((x) => x.recordId);
    expect(mine).toEqual(["L-REQ", "L-MSG", "L-ACT"]);
    // Storing order, not time order: a later read after the cursor sees only newer records.
    const after = await recordsAfter(pool, "default", { txId: cursor.tx, seq: cursor.seq }, 1000);
    expect(after.map((x) => x.recordId)).toEqual(["L-REQ", "L-MSG", "L-ACT"]);
  });

  it("drops expired weeks, keeps an open incident's evidence, still keeps it resolved but unexported, and lets it go after export", async () => {
    // Two weeks before T0's and one week before: two partitions.
    const doomed = [onDay("OLD-1", -14), onDay("OLD-2", -14, { parents: ["OLD-1"], authority: ["OLD-1"] })];
    const evidence = [onDay("EVID", -7), onDay("BESIDE", -7, { parents: ["EVID"], authority: ["EVID"] })];
    await ensurePartitions(pool, { now: T0 - 14 * DAY_MS, ahead: 1 });
    await ingest(pool, [...doomed, ...evidence]);
    await pool.query(`INSERT INTO nonces (agent, nonce, trace_id, span_id, content_hash, seen_at) VALUES ('a', 'old', $1, $2, $3, now() - interval '3 days')`, [
      doomed[0]!.traceId,
      doomed[0]!.spanId,
      doomed[0]!.contentHash,
    ]);
    const incident = await openIncident(pool, ["EVID"]);
    const now = DAY0 + 40 * DAY_MS;

    // A project keeping 90 days holds every week for now.
    await setProjectRetention(pool, "default", 90, "test");
    expect((await applyRetention(pool, { now, defaultDays: 30 })).dropped).toEqual([]);
    await pool.query(`DELETE FROM project_retention`);

    const pass = await applyRetention(pool, { now, defaultDays: 30 });
    const weekOld = partitionName("records", DAY0 - 14 * DAY_MS);
    const weekHeld = partitionName("records", DAY0 - 7 * DAY_MS);
    expect(weekOld).not.toBe(weekHeld);
    expect(pass.dropped).toContain(weekOld);
    expect(pass.dropped).toContain(partitionName("spans", DAY0 - 14 * DAY_MS));
    expect(pass.heldBack).toContain(weekHeld);
    expect(await whereIs(pool, "OLD-1")).toEqual([]);
    expect(await whereIs(pool, "EVID")).toEqual([weekHeld]);
    expect(await whereIs(pool, "BESIDE")).toEqual([]); // expired, not evidence
    expect(await count(pool, `spans WHERE trace_id = $1`, [evidence[0]!.traceId])).toBe(1);
    // Wild timestamps are judged by arrival: they arrived today, so they stay.
    expect(await whereIs(pool, "WILD-PAST")).toEqual(["records_default"]);
    // The edges of removed records go in the sweep; the evidence's stay.
    expect(await sweepEdges(pool)).toBeGreaterThanOrEqual(2);
    expect(await count(pool, `record_edges WHERE child_id = ANY($1)`, [["OLD-2", "BESIDE"]])).toBe(0);
    expect(await count(pool, `retention_edge_sweep`)).toBe(0);
    expect(await pruneNonces(pool, { before: Date.now() - DAY_MS })).toBe(1);

    await pool.query(`UPDATE incidents SET status = 'resolved', resolved_at = now(), resolved_by = 'alice', resolution = 'fixed' WHERE id = $1`, [incident]);
    expect((await heldEvidence(pool)).recordIds).toEqual(["EVID"]);
    expect((await applyRetention(pool, { now, defaultDays: 30 })).heldBack).toContain(weekHeld);
    expect(await whereIs(pool, "EVID")).toEqual([weekHeld]);

    await audit(pool, { actor: "alice", action: "report.export_json", target: `incident:${incident}`, detail: { format: "json" } });
    expect((await heldEvidence(pool)).recordIds).toEqual([]);
    const last = await applyRetention(pool, { now, defaultDays: 30 });
    expect(last.dropped).toContain(weekHeld);
    expect(await whereIs(pool, "EVID")).toEqual([]);
  });
  it("thins the week straddling the retention cut-off row by row, per project, instead of dropping it", async () => {
    const monday = utcWeek(DAY0 + 400 * DAY_MS);
    await ensurePartitions(pool, { now: monday + DAY_MS, ahead: 0 });
    const at = (id: string, offset: number): RecordRow => ({ ...recordRow(id), ts: new Date(monday + offset).toISOString() });
    await ingest(pool, [at("WK-MON", 3_600_000), at("WK-SAT", 5 * DAY_MS), at("WK-MON-LONG", 3_600_000)]);
    await pool.query(`INSERT INTO projects (id, name) VALUES ('keeps-long', 'Keeps long') ON CONFLICT DO NOTHING`);
    await pool.query(`UPDATE records SET project_id = 'keeps-long' WHERE record_id = 'WK-MON-LONG'`);
    const week = partitionName("records", monday);
    expect(new Set([...(await whereIs(pool, "WK-MON")), ...(await whereIs(pool, "WK-SAT"))])).toEqual(new Set([week]));
    await setProjectRetention(pool, "keeps-long", 60, "test");
    // 30 days after Wednesday: Monday's rows are past the default retention, Saturday's are not.
    const pass = await applyRetention(pool, { now: monday + 33 * DAY_MS, defaultDays: 30 });
    expect(pass.dropped).not.toContain(week);
    expect(await whereIs(pool, "WK-MON")).toEqual([]);
    expect(await whereIs(pool, "WK-SAT")).toEqual([week]);
    expect(await whereIs(pool, "WK-MON-LONG")).toEqual([week]);
  });
});
