// record_tallies on a real PostgreSQL: the per-minute counts the dashboard
// reads must equal a count of the records, whatever wrote them. Each test
// compares the tallies with a reference counted in JS from every stored
// record: after concurrent writers (retries and rollbacks among them) and
// merges, after settling, moving and deleting records, after retention
// thins, drops and moves partitions, after TRUNCATE, and after an upgrade
// from a database that had records before the tallies existed.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool, insertBatch, withTransaction, type RecordRow } from "@/lib/db/ingest-store.ts";
import { applyRetention, ensurePartitions, listPartitions } from "@/lib/db/partitions.ts";
import { TALLY_MERGE_LOCK, mergeAllTallies, mergeTallies } from "@/lib/db/record-tallies.ts";
import { startTallyMerger } from "@/lib/storage/tally-merger.ts";
import { Prng } from "@/lib/sim/prng.ts";
import { DAY_MS, WEEK_MS, partitionName, utcWeek } from "@/lib/storage/partition-plan.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";
import type { Verdict } from "@/lib/protocol/record.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 18, 12, 0, 0); // a Wednesday
const AGENTS = ["alpha", "bravo", "charlie", "delta"];

interface Count {
  key: string;
  n: number;
  named: number;
}

/** The reference: every stored record counted in JS, the agent's row and one row per receiver of a message. */
async function recordCounts(pool: pg.Pool): Promise<Count[]> {
  const { rows } = await pool.query<{ project_id: string; ms: string; agent: string; kind: string; receivers: string[]; verdicts: string[]; verified: boolean }>(
    `SELECT project_id, floor(extract(epoch FROM ts) * 1000)::bigint::text AS ms, agent, kind, receivers, verdicts, verified FROM records`,
  );
  const out = new Map<string, Count>();
  const add = (key: string, n: number, named: number) => {
    const c = out.get(key) ?? { key, n: 0, named: 0 };
    c.n += n;
    c.named += named;
    out.set(key, c);
  };
  for (const r of rows) {
    const minute = new Date(Math.floor(Number(r.ms) / MIN) * MIN).toISOString();
    const base = `${r.project_id}|${minute}|${r.agent}`;
    const rest = `${JSON.stringify(r.verdicts)}|${r.verified}`;
    add(`${base}|-|${rest}`, 1, 1);
    if (r.kind !== "message") continue;
    const named = new Map<string, number>();
    for (const x of r.receivers) named.set(x, (named.get(x) ?? 0) + 1);
    for (const [x, k] of named) add(`${base}|${x}|${rest}`, 1, k);
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** What record_tallies says, its deltas summed per key. */
async function tallyCounts(pool: pg.Pool): Promise<Count[]> {
  const { rows } = await pool.query<{ project_id: string; minute: Date; agent: string; receiver: string | null; verdicts: string[]; verified: boolean; n: number; named: number }>(
    `SELECT project_id, minute, agent, receiver, verdicts, verified, sum(n)::int AS n, sum(named)::int AS named
       FROM record_tallies GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 OR sum(named) <> 0`,
  );
  return rows
    .map((r) => ({ key: `${r.project_id}|${r.minute.toISOString()}|${r.agent}|${r.receiver ?? "-"}|${JSON.stringify(r.verdicts)}|${r.verified}`, n: r.n, named: r.named }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Once merged: one row per key, and its latest time is the latest of its records. */
async function expectMergedExact(pool: pg.Pool): Promise<void> {
  await mergeAllTallies(pool);
  const rows = await pool.query<{ k: number; wrong: number; unmerged: number }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM record_tallies GROUP BY project_id, minute, agent, receiver, verdicts, verified HAVING count(*) > 1) d)::int AS k,
            (SELECT count(*) FROM record_tallies t
              WHERE t.last_ts IS DISTINCT FROM (
                SELECT max(r.ts) FROM records r
                 WHERE r.project_id = t.project_id AND r.agent = t.agent AND r.ts >= t.minute AND r.ts < t.minute + interval '1 minute'
                   AND r.verdicts = t.verdicts AND r.verified = t.verified AND (t.receiver IS NULL OR (r.kind = 'message' AND t.receiver = ANY(r.receivers)))))::int AS wrong,
            (SELECT count(*) FROM record_tallies WHERE NOT merged)::int AS unmerged`,
  );
  expect(rows.rows[0]).toEqual({ k: 0, wrong: 0, unmerged: 0 });
  expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
}

const VERDICTS: Verdict[][] = [["verified"], ["verified"], ["verified"], ["bad_signature"], ["replay", "unknown_intent"], ["pending"]];

function traffic(prng: Prng, n: number, fromMs: number, spanMs: number, tag: string): StoredRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const agent = AGENTS[prng.int(AGENTS.length)]!;
    const others = AGENTS.filter((a) => a !== agent);
    const receivers = Array.from({ length: 1 + prng.int(3) }, () => others[prng.int(others.length)]!);
    const v = VERDICTS[prng.int(VERDICTS.length)]!;
    return storedRecord({
      recordId: `${tag}-${i}`,
      kind: prng.chance(0.8) ? "message" : "action",
      agent,
      receivers,
      ts: new Date(fromMs + prng.int(spanMs)),
      verdicts: verdicts(...v),
      pendingOn: v[0] === "pending" ? [`parent-${tag}-${i}`] : [],
    });
  });
}

const asRow = ({ receivedAt: _r, ...r }: StoredRecord): RecordRow => ({ ...r, ts: r.ts.toISOString() });

describe("record_tallies", () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 8);
    await ensurePartitions(pool, { now: T0, ahead: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });

  it("counts each stored record once across concurrent writers and merges: a retry not at all, a rolled-back batch not at all", async () => {
    const prng = new Prng("tallies concurrent");
    const writers = Array.from({ length: 6 }, (_, w) => Array.from({ length: 8 }, (_, b) => traffic(prng, 40, T0 - 30 * MIN, 20 * MIN, `w${w}b${b}`).map(asRow)));
    let writing = true;
    const mergers = [0, 1].map(async () => {
      let merges = 0;
      while (writing) {
        merges += (await mergeTallies(pool)).minutes > 0 ? 1 : 0;
        await new Promise((r) => setTimeout(r, 5));
      }
      return merges;
    });
    await Promise.all(
      writers.map(async (batches, w) => {
        for (const [b, batch] of batches.entries()) {
          expect(await withTransaction(pool, (tx) => insertBatch(tx, "default", [], batch))).toBe(batch.length);
          // The collector's idempotent retry: nothing new stored, nothing counted.
          if (b % 3 === 0) expect(await withTransaction(pool, (tx) => insertBatch(tx, "default", [], batch))).toBe(0);
          // A batch whose transaction fails after the insert leaves no count behind.
          if (b === 4 && w % 2 === 0) {
            const doomed = traffic(prng, 25, T0 - 30 * MIN, 20 * MIN, `doomed-w${w}`).map(asRow);
            await expect(
              withTransaction(pool, async (tx) => {
                await insertBatch(tx, "default", [], doomed);
                throw new Error("the batch's next step failed");
              }),
            ).rejects.toThrow(/next step failed/);
          }
        }
      }),
    );
    writing = false;
    const merges = (await Promise.all(mergers)).reduce((a, b) => a + b, 0);
    expect(merges).toBeGreaterThan(0);
    const reference = await recordCounts(pool);
    expect(reference.filter((c) => c.key.includes("|-|")).reduce((s, c) => s + c.n, 0)).toBe(6 * 8 * 40);
    expect(await tallyCounts(pool)).toEqual(reference);
    await expectMergedExact(pool);
  });

  it("keeps the counts when records settle, move (across partitions too) and are deleted", async () => {
    const settled = await pool.query(
      `UPDATE records SET verdicts = CASE WHEN seq % 2 = 0 THEN ARRAY['verified'] ELSE ARRAY['replay'] END, verified = seq % 2 = 0, pending_on = '{}'
        WHERE cardinality(pending_on) > 0`,
    );
    expect(settled.rowCount).toBeGreaterThan(10);
    // A week later: another partition, so the row moves between partitions.
    const moved = await pool.query(`UPDATE records SET ts = ts + interval '7 days' WHERE seq % 11 = 0`);
    expect(moved.rowCount).toBeGreaterThan(10);
    await pool.query(`UPDATE records SET receivers = receivers || receivers[1] WHERE seq % 13 = 0 AND kind = 'message'`);
    // An update that changes nothing counted writes no delta.
    const before = Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_tallies`)).rows[0]!.n);
    await pool.query(`UPDATE records SET payload = '{"touched":true}' WHERE seq % 5 = 0`);
    expect(Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_tallies`)).rows[0]!.n)).toBe(before);
    const deleted = await pool.query(`DELETE FROM records WHERE seq % 17 = 0`);
    expect(deleted.rowCount).toBeGreaterThan(10);
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
    await expectMergedExact(pool);
  });

  it("follows retention: a thinned partition counts its records out, a dropped week takes its counts, a row moved out of the default partition counts once", async () => {
    const prng = new Prng("tallies retention");
    // Far from T0: weeks of their own.
    const old = utcWeek(T0) + 40 * WEEK_MS + DAY_MS;
    await ensurePartitions(pool, { now: old, ahead: 2 });
    await insertStoredRecords(pool, traffic(prng, 120, old, DAY_MS, "old"));
    // Beyond every partition: the default partition holds it until its week's partition is made.
    const future = utcWeek(T0) + 60 * WEEK_MS + DAY_MS;
    await insertStoredRecords(pool, traffic(prng, 30, future, DAY_MS, "future"));
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
    expect(await ensurePartitions(pool, { now: future, ahead: 0 })).toContain(partitionName("records", future));
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));

    // One project keeps 1 day: its rows in the old week go one by one (the week stays for the default project's 30 days).
    await pool.query(`INSERT INTO projects (id, name) VALUES ('brief', 'Brief')`);
    await pool.query(`UPDATE records SET project_id = 'brief' WHERE record_id LIKE 'old-%' AND seq % 2 = 0`);
    await pool.query(`INSERT INTO project_retention (project_id, retention_days, updated_by) VALUES ('brief', 1, 'test')`);
    const thinned = await applyRetention(pool, { now: old + 3 * DAY_MS, defaultDays: 30 });
    expect(thinned.deleted).toBeGreaterThan(20);
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));

    // Past every project's retention, the old week's partition is dropped whole, and its counts with it.
    const gone = await applyRetention(pool, { now: old + 60 * DAY_MS, defaultDays: 30 });
    expect(gone.dropped).toContain(partitionName("records", old));
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
    expect((await pool.query(`SELECT 1 FROM record_tallies WHERE agent = ANY($1::text[]) AND minute >= $2 AND minute < $3`, [AGENTS, new Date(old - DAY_MS), new Date(old + 2 * DAY_MS)])).rowCount).toBe(0);
    expect((await listPartitions(pool, "records")).some((p) => p.name === partitionName("records", old))).toBe(false);
    await expectMergedExact(pool);
  });

  it("is merged by the collector's merger on its interval, which says once, not every tick, when it cannot merge", async () => {
    await insertStoredRecords(pool, traffic(new Prng("merger"), 60, T0, 5 * MIN, "merger"));
    const unmerged = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_tallies WHERE NOT merged`)).rows[0]!.n);
    expect(await unmerged()).toBeGreaterThan(0);
    const lines: string[] = [];
    const merger = startTallyMerger(pool, 20, (l) => lines.push(l));
    for (let i = 0; i < 100 && (await unmerged()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    await merger.stop();
    expect(await unmerged()).toBe(0);
    expect(lines).toEqual([]);
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));

    const nowhere = createPool(tdb.url.replace(/\/[^/?]+(\?|$)/, "/fb_no_such_database$1"), 1);
    const broken = startTallyMerger(nowhere, 10, (l) => lines.push(l));
    for (let i = 0; i < 5; i++) await broken.tick();
    await broken.stop();
    await nowhere.end();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not merge the per-minute record counts, retrying every 10 ms/);
  });

  it("merges one at a time: while another merge or a partition drop holds the lock, a merge skips its turn", async () => {
    await insertStoredRecords(pool, traffic(new Prng("lock"), 20, T0, MIN, "lock"));
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1)", [TALLY_MERGE_LOCK]);
      expect(await mergeTallies(pool)).toEqual({ minutes: 0, rows: 0 });
      await holder.query("ROLLBACK");
    } finally {
      holder.release();
    }
    expect((await mergeTallies(pool)).minutes).toBeGreaterThan(0);
    await expectMergedExact(pool);
  });

  it("starts again from nothing after TRUNCATE", async () => {
    await pool.query(`TRUNCATE records`);
    expect((await pool.query(`SELECT 1 FROM record_tallies`)).rowCount).toBe(0);
    await insertStoredRecords(pool, traffic(new Prng("after truncate"), 10, T0, MIN, "again"));
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
  });
});

describe("record_tallies on an upgraded database", () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  let dir: string;
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts the records stored before the tallies existed", async () => {
    // The schema as it was: every migration before record_tallies'.
    const all = path.resolve("prisma", "migrations");
    dir = mkdtempSync(path.join(tmpdir(), "fb-migrations-"));
    for (const name of readdirSync(all).filter((n) => n < "20261213090000")) cpSync(path.join(all, name), path.join(dir, name), { recursive: true });
    tdb = await createTestDatabase(dir);
    pool = createPool(tdb.url, 2);
    expect((await pool.query(`SELECT to_regclass('record_tallies')::text AS t`)).rows[0].t).toBeNull();
    await insertStoredRecords(pool, traffic(new Prng("before upgrade"), 200, T0 - DAY_MS, DAY_MS, "pre"));
    const { migrate } = await import("@/lib/db/migrate.ts");
    expect((await migrate(tdb.url)).applied.some((m) => m.startsWith("20261213090000"))).toBe(true);
    expect(await tallyCounts(pool)).toEqual(await recordCounts(pool));
    await insertStoredRecords(pool, traffic(new Prng("after upgrade"), 50, T0 - DAY_MS, DAY_MS, "post"));
    await expectMergedExact(pool);
  });
});
