// Window counts from record_tallies (migration 20261213090000, ADR 0051):
// the whole minutes of a window come from the per-minute counts kept as
// records are stored, and only the partial minutes at its two ends from the
// records themselves. A dashboard poll then reads a few rows per agent, edge
// and minute instead of every record of its window, and the answer is the
// same count, to the millisecond at either end.
import type pg from "pg";
import { withTransaction, type Tx } from "./ingest-store.ts";

const MINUTE_MS = 60_000;

/**
 * Held by the one merge under way, and by a retention drop of a week's
 * partition, which deletes that week's counts: a merge re-inserting rows it
 * took cannot bring back counts of records dropped meanwhile, and two merges
 * never take the same minute's rows (in different orders, they could
 * deadlock). A merge that finds it held skips its turn.
 */
export const TALLY_MERGE_LOCK = 0x4669_7254; // "FirT"

export interface TallyWindow {
  from: Date;
  to: Date;
  /** [midFrom, midTo): the whole minutes read from the tallies; empty when equal. */
  midFrom: Date;
  midTo: Date;
}

/**
 * Splits [from, to) into whole minutes (tallies) and the partial minutes at
 * each end (records). A window inside one minute, or across a single minute
 * boundary, has no whole minute: all of it is read from the records.
 */
export function tallyWindow(from: Date, to: Date): TallyWindow {
  const f = from.getTime();
  const t = to.getTime();
  const midFrom = Math.ceil(f / MINUTE_MS) * MINUTE_MS;
  const midTo = Math.floor(t / MINUTE_MS) * MINUTE_MS;
  if (!(midFrom < midTo)) return { from, to, midFrom: from, midTo: from };
  return { from, to, midFrom: new Date(midFrom), midTo: new Date(midTo) };
}

/** Positional parameters for a statement built in pieces. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(initial: readonly unknown[] = []) {
    this.values.push(...initial);
  }
  /** The placeholder of `value`, added now. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The records of [from, midFrom) and [midTo, to): what the tallies do not cover. */
function edgesOfWindow(p: SqlParams, w: TallyWindow, alias: string): string {
  const [from, midFrom, midTo, to] = [p.add(w.from), p.add(w.midFrom), p.add(w.midTo), p.add(w.to)];
  return `((${alias}.ts >= ${from} AND ${alias}.ts < ${midFrom}) OR (${alias}.ts >= ${midTo} AND ${alias}.ts < ${to}))`;
}

/**
 * Rows (agent, at, verdicts, verified, n, last_ts) whose sums over a group
 * are that group's records in the window: `n` records with those verdicts,
 * the latest at `last_ts`. `at` is a time inside the row's minute, for series.
 */
export function agentRowsSql(p: SqlParams, project: string, w: TallyWindow, agent?: string): string {
  const proj = p.add(project);
  const a = agent === undefined ? null : p.add(agent);
  return `SELECT t.agent, t.minute AS at, t.verdicts, t.verified, t.n, t.last_ts
            FROM record_tallies t
           WHERE t.project_id = ${proj} AND t.receiver IS NULL AND t.minute >= ${p.add(w.midFrom)} AND t.minute < ${p.add(w.midTo)}${a ? ` AND t.agent = ${a}` : ""}
          UNION ALL
          SELECT r.agent, r.ts, r.verdicts, r.verified, 1, r.ts
            FROM records r
           WHERE r.project_id = ${proj} AND ${edgesOfWindow(p, w, "r")}${a ? ` AND r.agent = ${a}` : ""}`;
}

/**
 * Rows (sender, receiver, at, verdicts, verified, n, named, last_ts) for the
 * edges of `message` records: `n` records naming the receiver, `named` times
 * it was named (a receiver listed twice counts twice there, once in `n`).
 * The partial minutes' records are split by firebreak_tally_keys, the
 * function the triggers count with (migration 20261213090000).
 */
export function edgeRowsSql(p: SqlParams, project: string, w: TallyWindow, edge?: { sender: string; receiver: string }): string {
  const proj = p.add(project);
  const s = edge ? p.add(edge.sender) : null;
  const r = edge ? p.add(edge.receiver) : null;
  return `SELECT t.agent AS sender, t.receiver, t.minute AS at, t.verdicts, t.verified, t.n, t.named, t.last_ts
            FROM record_tallies t
           WHERE t.project_id = ${proj} AND t.receiver IS NOT NULL AND t.minute >= ${p.add(w.midFrom)} AND t.minute < ${p.add(w.midTo)}${s ? ` AND t.agent = ${s} AND t.receiver = ${r}` : ""}
          UNION ALL
          SELECT r.agent, x.receiver, r.ts, r.verdicts, r.verified, 1, x.named, r.ts
            FROM records r CROSS JOIN LATERAL firebreak_tally_keys(r.kind, r.receivers) x
           WHERE r.project_id = ${proj} AND r.kind = 'message' AND x.receiver IS NOT NULL AND ${edgesOfWindow(p, w, "r")}${s ? ` AND r.agent = ${s} AND ${r} = ANY(r.receivers) AND x.receiver = ${r}` : ""}`;
}

export interface MergeResult {
  /** (project, minute) pairs merged. */
  minutes: number;
  /** Delta rows folded into their minute's rows. */
  rows: number;
}

/**
 * Folds each minute's delta rows into one row per key. Safe beside ingest:
 * a delta committed after the statement began is not taken and stays for
 * the next merge. One merge at a time (TALLY_MERGE_LOCK): a second returns
 * at once, merging nothing. Where records were taken away
 * (deleted, or moved by an update) the latest ts is read again from the
 * records, since a maximum cannot be subtracted.
 */
export async function mergeTallies(pool: pg.Pool, maxMinutes = 500): Promise<MergeResult> {
  return withTransaction(pool, (tx) => mergeIn(tx, maxMinutes));
}

async function mergeIn(tx: Tx, maxMinutes: number): Promise<MergeResult> {
  const lock = await tx.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS got`, [TALLY_MERGE_LOCK]);
  if (!lock.rows[0]?.got) return { minutes: 0, rows: 0 };
  const res = await tx.query<{ minutes: number; rows: number }>(
    `WITH k AS (
       SELECT DISTINCT project_id, minute FROM record_tallies WHERE NOT merged LIMIT $1
     ), gone AS (
       DELETE FROM record_tallies t USING k WHERE t.project_id = k.project_id AND t.minute = k.minute
       RETURNING t.project_id, t.minute, t.agent, t.receiver, t.verdicts, t.verified, t.n, t.named, t.last_ts
     ), sums AS (
       SELECT project_id, minute, agent, receiver, verdicts, verified, sum(n)::int AS n, sum(named)::int AS named,
              max(last_ts) AS last_ts, bool_or(last_ts IS NULL) AS shrunk
         FROM gone GROUP BY 1, 2, 3, 4, 5, 6
     ), kept AS (
       INSERT INTO record_tallies (project_id, minute, agent, receiver, verdicts, verified, n, named, last_ts, merged)
       SELECT s.project_id, s.minute, s.agent, s.receiver, s.verdicts, s.verified, s.n, s.named,
              CASE WHEN s.shrunk THEN (
                SELECT max(r.ts) FROM records r
                 WHERE r.project_id = s.project_id AND r.agent = s.agent AND r.ts >= s.minute AND r.ts < s.minute + interval '1 minute'
                   AND r.verdicts = s.verdicts AND r.verified = s.verified
                   AND (s.receiver IS NULL OR (r.kind = 'message' AND s.receiver = ANY(r.receivers))))
              ELSE s.last_ts END,
              true
         FROM sums s WHERE s.n <> 0 OR s.named <> 0
     )
     SELECT (SELECT count(*) FROM k)::int AS minutes, (SELECT count(*) FROM gone)::int AS rows`,
    [maxMinutes],
  );
  const row = res.rows[0];
  return { minutes: row?.minutes ?? 0, rows: row?.rows ?? 0 };
}

/** Merges until no minute is left with deltas (or `maxRounds` statements ran). */
export async function mergeAllTallies(q: pg.Pool, maxRounds = 100): Promise<MergeResult> {
  const total: MergeResult = { minutes: 0, rows: 0 };
  for (let i = 0; i < maxRounds; i++) {
    const r = await mergeTallies(q);
    total.minutes += r.minutes;
    total.rows += r.rows;
    if (r.minutes === 0) break;
  }
  return total;
}
