// The partitions of records and spans: created ahead, dropped or thinned by
// each project's retention, never taking evidence an incident still needs.
// Every step is idempotent and takes an advisory lock, so any number of
// collectors can run it side by side (docs/adr/0016-partitioned-storage.md).
import type pg from "pg";
import {
  DAY_MS,
  PARTITIONED_TABLES,
  defaultPartitionName,
  parsePartitionName,
  partitionFate,
  partitionName,
  wantedWeeks,
  weekBounds,
  type PartitionedTable,
  type RetentionPolicy,
} from "../storage/partition-plan.ts";
import { withTransaction, type Tx } from "./ingest-store.ts";
import { TALLY_MERGE_LOCK } from "./record-tallies.ts";

type Queryable = pg.Pool | pg.PoolClient | pg.Client;

// Shared by every Firebreak process: one of them changes partitions at a time.
const PARTITION_LOCK = 0x4669_7250; // "FirP"
// DDL waits this long for ingest's locks, then gives up until the next tick:
// a queued ACCESS EXCLUSIVE lock would otherwise stall every ingest behind it.
const LOCK_TIMEOUT = "5s";

/** The time column of each partitioned table, and the same cut-off in its units. */
const KEY: Record<PartitionedTable, { column: string; cutoff: (ms: number) => string }> = {
  records: { column: "ts", cutoff: (ms) => `'${new Date(ms).toISOString()}'::timestamptz` },
  spans: { column: "start_ns", cutoff: (ms) => `${BigInt(ms) * 1_000_000n}::bigint` },
};

export interface WeekPartition {
  table: PartitionedTable;
  name: string;
  /** Monday 00:00 UTC of its week. */
  weekMs: number;
}

/** The week partitions a table has now (the default partition is not one). */
export async function listPartitions(q: Queryable, table: PartitionedTable): Promise<WeekPartition[]> {
  const res = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [table],
  );
  const out: WeekPartition[] = [];
  for (const r of res.rows) {
    const weekMs = parsePartitionName(table, r.name);
    if (weekMs !== null) out.push({ table, name: r.name, weekMs });
  }
  return out;
}

/**
 * Creates the partition of each week from the one holding yesterday to
 * `ahead` weeks after this one that is missing, for records and spans. Rows
 * already in the default partition for that week (a record from the future
 * that arrived before its week's partition) move into it in the same transaction, so none is lost and
 * a retry of one still meets its first copy. Returns the partitions created.
 */
export async function ensurePartitions(pool: pg.Pool, options: { now: number; ahead: number }): Promise<string[]> {
  const created: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const have = new Set((await listPartitions(pool, table)).map((p) => p.weekMs));
    for (const week of wantedWeeks(options.now, options.ahead)) {
      if (have.has(week)) continue;
      const made = await withTransaction(pool, async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        await tx.query(`SELECT pg_advisory_xact_lock($1)`, [PARTITION_LOCK]);
        return createWeekPartition(tx, table, week);
      }).catch((err: unknown) => {
        // Ingest held its locks past the timeout: the next pass tries again.
        if (isLockTimeout(err)) return false;
        throw err;
      });
      if (made) created.push(partitionName(table, week));
    }
  }
  return created;
}

/** Creates one week's partition unless it exists; call under PARTITION_LOCK. */
export async function createWeekPartition(tx: Tx, table: PartitionedTable, weekMs: number): Promise<boolean> {
  const name = partitionName(table, weekMs);
  const exists = await tx.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [name]);
  if (exists.rows[0]?.t) return false;
  const { from, to } = weekBounds(table, weekMs);
  const key = KEY[table].column;
  const stash = `fb_move_${name}`;
  // PostgreSQL refuses a new partition while the default one holds rows of its range.
  await tx.query(`CREATE TEMP TABLE ${stash} (LIKE ${table}) ON COMMIT DROP`);
  await tx.query(
    `WITH moved AS (DELETE FROM ${defaultPartitionName(table)} WHERE ${key} >= ${from} AND ${key} < ${to} RETURNING *)
     INSERT INTO ${stash} SELECT * FROM moved`,
  );
  await tx.query(`CREATE TABLE ${name} PARTITION OF ${table} FOR VALUES FROM (${from}) TO (${to})`);
  // Into the partition itself: the rows only move, and record_tallies' triggers
  // (on the parent) must not count them a second time.
  await tx.query(`INSERT INTO ${name} SELECT * FROM ${stash}`);
  return true;
}

// ---------------------------------------------------------------- retention

export async function loadRetentionPolicy(q: Queryable, defaultDays: number): Promise<RetentionPolicy> {
  const res = await q.query<{ project_id: string; retention_days: number }>(`SELECT project_id, retention_days FROM project_retention`);
  return { defaultDays, byProject: new Map(res.rows.map((r) => [r.project_id, r.retention_days])) };
}

/** Sets how many days a project keeps its records and spans. */
export async function setProjectRetention(q: Queryable, projectId: string, days: number, actor: string): Promise<void> {
  await q.query(
    `INSERT INTO project_retention (project_id, retention_days, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (project_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [projectId, days, actor],
  );
}

export interface HeldEvidence {
  recordIds: string[];
  traceIds: string[];
}

/**
 * Evidence retention must not take: every record an incident rests on (its
 * origins, its records, every record its findings name) while the incident
 * is open or acknowledged, or resolved but not exported since it was
 * resolved (a report export is in the audit trail, report.export_*), and the
 * traces those records are in (unless `withTraces` is false). A merged
 * incident's findings belong to the incident it was merged into, which holds them.
 */
export async function heldEvidence(q: Queryable, withTraces = true): Promise<HeldEvidence> {
  const res = await q.query<{ project_id: string; record_id: string }>(
    `WITH holding AS (
       SELECT i.project_id, i.id, i.origin_ids, i.record_ids FROM incidents i
        WHERE i.status NOT IN ('resolved', 'merged')
           OR (i.status = 'resolved' AND NOT EXISTS (
                 SELECT 1 FROM audit_entries a
                  WHERE a.target = 'incident:' || i.id AND a.action LIKE 'report.export%' AND a.at >= coalesce(i.resolved_at, i.updated_at))))
     SELECT h.project_id, fr.record_id FROM holding h JOIN incident_findings f ON f.incident_id = h.id JOIN finding_records fr ON fr.finding_id = f.finding_id
     UNION SELECT h.project_id, unnest(h.origin_ids) FROM holding h
     UNION SELECT h.project_id, unnest(h.record_ids) FROM holding h`,
  );
  const recordIds = [...new Set(res.rows.map((r) => r.record_id))];
  if (recordIds.length === 0 || !withTraces) return { recordIds, traceIds: [] };
  // By (project, id), the records index's key: by id alone this read every partition whole.
  const traces = await q.query<{ trace_id: string }>(
    `SELECT DISTINCT r.trace_id FROM unnest($1::text[], $2::text[]) AS h(project_id, record_id) JOIN records r ON r.project_id = h.project_id AND r.record_id = h.record_id`,
    [res.rows.map((r) => r.project_id), res.rows.map((r) => r.record_id)],
  );
  return { recordIds, traceIds: traces.rows.map((r) => r.trace_id) };
}

export interface RetentionResult {
  dropped: string[];
  /** Rows deleted one by one (thinned partitions and the default ones). */
  deleted: number;
  /** Partitions past every retention kept whole because they hold evidence. */
  heldBack: string[];
}

export interface RetentionOptions {
  now: number;
  defaultDays: number;
  /** Rows per delete statement, and statements per partition per pass. */
  batchSize?: number;
  maxBatches?: number;
}

/**
 * One retention pass over records and spans. Week partitions past every
 * project's retention with no held evidence are dropped whole; elsewhere the
 * rows past their own project's retention go in bounded batches, held ones
 * never. Rows in a default partition (a wild timestamp) are judged by when
 * they arrived, so a record from 1970 is kept as evidence like any other.
 * The ids of removed records are queued for sweepEdges.
 */
export async function applyRetention(pool: pg.Pool, options: RetentionOptions): Promise<RetentionResult> {
  const batchSize = options.batchSize ?? 5_000;
  const maxBatches = options.maxBatches ?? 20;
  const policy = await loadRetentionPolicy(pool, options.defaultDays);
  const result: RetentionResult = { dropped: [], deleted: 0, heldBack: [] };
  for (const table of PARTITIONED_TABLES) {
    for (const p of await listPartitions(pool, table)) {
      const fate = partitionFate(p.weekMs, options.now, policy);
      if (fate === "keep") continue;
      if (fate === "drop") {
        const gone = await dropUnlessHeld(pool, p);
        if (gone === "dropped") {
          result.dropped.push(p.name);
          continue;
        }
        if (gone === "held") result.heldBack.push(p.name);
        else continue; // busy: the next pass tries again
      }
      result.deleted += await deleteExpired(pool, p.table, p.name, KEY[table].column, options, batchSize, maxBatches);
    }
    result.deleted += await deleteExpired(pool, table, defaultPartitionName(table), "received_at", options, batchSize, maxBatches);
  }
  return result;
}

async function dropUnlessHeld(pool: pg.Pool, p: WeekPartition): Promise<"dropped" | "held" | "busy"> {
  try {
    return await withTransaction(pool, async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [PARTITION_LOCK]);
      if (!(await tx.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [p.name])).rows[0]?.t) return "busy";
      // No tally merge runs while the week's counts go with it (lib/db/record-tallies.ts);
      // taken before the table, as a merge takes it before reading records.
      if (p.table === "records") await tx.query(`SELECT pg_advisory_xact_lock($1)`, [TALLY_MERGE_LOCK]);
      // Locked first: no row can arrive between the check and the drop.
      await tx.query(`LOCK TABLE ${p.table} IN ACCESS EXCLUSIVE MODE`);
      const held = await heldEvidence(tx, p.table === "spans");
      const column = p.table === "records" ? "record_id" : "trace_id";
      const ids = p.table === "records" ? held.recordIds : held.traceIds;
      const hit = await tx.query(`SELECT 1 FROM ${p.name} WHERE ${column} = ANY($1::text[]) LIMIT 1`, [ids]);
      if ((hit.rowCount ?? 0) > 0) return "held";
      if (p.table === "records") {
        await tx.query(`INSERT INTO retention_edge_sweep (project_id, record_id) SELECT project_id, record_id FROM ${p.name}`);
        // Every record of the week is in this partition (the default one never holds an existing partition's range),
        // so the week's counts go whole, for every project, as its rows do: no delete trigger fires on a drop.
        const { from, to } = weekBounds("records", p.weekMs);
        await tx.query(`DELETE FROM record_tallies WHERE minute >= ${from} AND minute < ${to}`);
      }
      await tx.query(`DROP TABLE ${p.name}`);
      return "dropped";
    });
  } catch (err) {
    if (isLockTimeout(err)) return "busy";
    throw err;
  }
}

async function deleteExpired(
  pool: pg.Pool,
  table: PartitionedTable,
  partition: string,
  timeColumn: string,
  options: RetentionOptions,
  batchSize: number,
  maxBatches: number,
): Promise<number> {
  const cutoff = timeColumn === "received_at" ? (ms: number) => `'${new Date(ms).toISOString()}'::timestamptz` : KEY[table].cutoff;
  // Each project's own cut-off: the default one unless project_retention says otherwise.
  const own = [...(await loadRetentionPolicy(pool, options.defaultDays)).byProject].map(
    ([project, days]) => `WHEN r.project_id = ${literal(project)} THEN ${cutoff(options.now - days * DAY_MS)} `,
  );
  const fallback = cutoff(options.now - options.defaultDays * DAY_MS);
  const expired = `r.${timeColumn} < ${own.length === 0 ? fallback : `CASE ${own.join("")}ELSE ${fallback} END`}`;
  const notHeld = table === "records" ? `NOT (r.record_id = ANY($2::text[]))` : `NOT (r.trace_id = ANY($2::text[]))`;
  // Records are deleted through the parent table, by key, so record_tallies' delete trigger counts them out.
  const sql =
    table === "records"
      ? `WITH gone AS (DELETE FROM records d USING (SELECT r.project_id, r.seq, r.ts FROM ${partition} r WHERE ${expired} AND ${notHeld} LIMIT $1) x
                        WHERE d.project_id = x.project_id AND d.seq = x.seq AND d.ts = x.ts
                       RETURNING d.project_id, d.record_id)
         INSERT INTO retention_edge_sweep (project_id, record_id) SELECT project_id, record_id FROM gone`
      : `DELETE FROM ${partition} WHERE ctid = ANY(ARRAY(SELECT r.ctid FROM ${partition} r WHERE ${expired} AND ${notHeld} LIMIT $1))`;
  // Most passes find nothing past retention here (the default partition is
  // usually empty); the evidence held, which can name hundreds of thousands
  // of records in a storm's incidents, is read only when something is.
  const any = await pool.query(`SELECT 1 FROM ${partition} r WHERE ${expired} LIMIT 1`);
  if ((any.rowCount ?? 0) === 0) return 0;
  const held = await heldEvidence(pool, table === "spans");
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const res = await pool.query(sql, [batchSize, table === "records" ? held.recordIds : held.traceIds]);
    const n = res.rowCount ?? 0;
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}

const isLockTimeout = (err: unknown): boolean => (err as { code?: string } | null)?.code === "55P03";

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * Deletes the edges of records retention removed, in bounded batches: an
 * edge goes with its child (the record that declared it) once no stored copy
 * of that id is left. Edges into a removed parent stay: they are the
 * child's own declaration, and a walk ends at a parent it cannot find.
 * Returns how many edges went.
 */
export async function sweepEdges(pool: pg.Pool, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 5_000;
  let deleted = 0;
  for (let i = 0; i < (options.maxBatches ?? 20); i++) {
    const res = await withTransaction(pool, async (tx) => {
      const batch = await tx.query<{ project_id: string; record_id: string }>(
        `DELETE FROM retention_edge_sweep WHERE id = ANY(ARRAY(SELECT id FROM retention_edge_sweep ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
         RETURNING project_id, record_id`,
        [batchSize],
      );
      if (batch.rows.length === 0) return { taken: 0, edges: 0 };
      const edges = await tx.query(
        `DELETE FROM record_edges e USING (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS b(project_id, record_id)) b
          WHERE e.project_id = b.project_id AND e.child_id = b.record_id
            AND NOT EXISTS (SELECT 1 FROM records r WHERE r.project_id = b.project_id AND r.record_id = b.record_id)`,
        [batch.rows.map((r) => r.project_id), batch.rows.map((r) => r.record_id)],
      );
      return { taken: batch.rows.length, edges: edges.rowCount ?? 0 };
    });
    deleted += res.edges;
    if (res.taken < batchSize) break;
  }
  return deleted;
}

/** Deletes nonces first seen before `before`, in bounded batches; returns how many. */
export async function pruneNonces(pool: pg.Pool, options: { before: number; batchSize?: number; maxBatches?: number }): Promise<number> {
  const batchSize = options.batchSize ?? 10_000;
  let deleted = 0;
  for (let i = 0; i < (options.maxBatches ?? 20); i++) {
    const res = await pool.query(`DELETE FROM nonces WHERE ctid = ANY(ARRAY(SELECT ctid FROM nonces WHERE seen_at < $1 LIMIT $2))`, [new Date(options.before), batchSize]);
    deleted += res.rowCount ?? 0;
    if ((res.rowCount ?? 0) < batchSize) break;
  }
  return deleted;
}
