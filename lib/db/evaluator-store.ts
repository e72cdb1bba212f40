// What the engine's evaluation loop reads and writes: its cursor over the
// records table, the new records after it, the history of agents it has not
// seen since it started, and the depth of parents it never saw.
import type pg from "pg";
import type { EvalRecord } from "../engine/evaluator/evaluate-batch.ts";
import type { CachedRecord } from "../engine/evaluator/history-cache.ts";
import type { Queryable } from "./engine-store.ts";

export interface EngineCursor {
  txId: string;
  seq: string;
}

/** One loop at a time per project: the lock is held until the transaction ends. */
export async function tryEngineLock(tx: pg.PoolClient, project: string): Promise<boolean> {
  const r = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended('firebreak.engine:' || $1, 7340)) AS ok", [project]);
  return r.rows[0]?.ok === true;
}

export async function readCursor(q: Queryable, project: string, name: string): Promise<EngineCursor> {
  const r = await q.query<{ tx_id: string; seq: string }>("SELECT tx_id::text, seq::text FROM engine_cursors WHERE project_id = $2 AND name = $1", [name, project]);
  return r.rows[0] ? { txId: r.rows[0].tx_id, seq: r.rows[0].seq } : { txId: "0", seq: "0" };
}

/** Several cursors in one round trip, in the order of `names`. */
export async function readCursors(q: Queryable, project: string, names: readonly string[]): Promise<EngineCursor[]> {
  const r = await q.query<{ name: string; tx_id: string; seq: string }>("SELECT name, tx_id::text, seq::text FROM engine_cursors WHERE project_id = $2 AND name = ANY($1::text[])", [names, project]);
  const byName = new Map(r.rows.map((row) => [row.name, { txId: row.tx_id, seq: row.seq }]));
  return names.map((n) => byName.get(n) ?? { txId: "0", seq: "0" });
}

export async function writeCursor(q: Queryable, project: string, name: string, c: EngineCursor): Promise<void> {
  await writeCursors(q, project, new Map([[name, c]]));
}

/** Several cursors in one statement. */
export async function writeCursors(q: Queryable, project: string, cursors: ReadonlyMap<string, EngineCursor>): Promise<void> {
  if (cursors.size === 0) return;
  const names = [...cursors.keys()];
  await q.query(
    `INSERT INTO engine_cursors (project_id, name, tx_id, seq, updated_at)
     SELECT $4, n, t::xid8, s::bigint, now() FROM unnest($1::text[], $2::text[], $3::text[]) AS c(n, t, s)
     ON CONFLICT (project_id, name) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq, updated_at = now()`,
    [names, names.map((n) => cursors.get(n)!.txId), names.map((n) => cursors.get(n)!.seq), project],
  );
}

interface RecordRow {
  seq: string;
  tx_id: string;
  record_id: string;
  kind: string;
  agent: string;
  receivers: string[] | null;
  intent: string | null;
  /** ms since the epoch (read as a number: a Date per row costs a parse and an object). */
  ts_ms: number;
  payload: string | null;
  verdicts: string[] | null;
  verified: boolean;
  parents: string[] | null;
  received_ms: number;
  settled: boolean;
}

/** Payloads larger than this are not parsed for numbers: a detector needs fields, not megabytes. */
export const MAX_PAYLOAD_PARSE = 64 * 1024;

export function parsePayload(text: string | null): unknown {
  if (text === null || text.length > MAX_PAYLOAD_PARSE) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const toEval = (r: RecordRow): EvalRecord & { txId: string } => ({
  seq: r.seq,
  txId: r.tx_id,
  recordId: r.record_id,
  kind: r.kind,
  agent: r.agent,
  receivers: r.receivers ?? [],
  intent: r.intent,
  at: r.ts_ms,
  payload: parsePayload(r.payload),
  verified: r.verified,
  verdicts: r.verdicts ?? [],
  parents: r.parents ?? [],
  receivedAt: r.received_ms,
  settles: r.settled || (r.verdicts ?? []).includes("pending"),
});

// Times as ms since the epoch: both columns hold milliseconds, and extract() is exact (numeric).
const COLUMNS =
  "r.seq::text AS seq, r.tx_id::text AS tx_id, r.record_id, r.kind, r.agent, r.receivers, r.intent, (extract(epoch FROM r.ts) * 1000)::float8 AS ts_ms, r.payload, r.verdicts, r.verified, " +
  "r.parents, (extract(epoch FROM r.received_at) * 1000)::float8 AS received_ms, r.settled_tx_id IS NOT NULL AS settled";

/**
 * Records after the cursor, in (tx_id, seq) order, from transactions older
 * than every transaction still running: nothing stored later can sort before
 * what this returns.
 */
export async function recordsAfter(q: Queryable, project: string, after: EngineCursor, limit: number): Promise<(EvalRecord & { txId: string })[]> {
  const r = await q.query<RecordRow>(
    // Qualified: a bare `seq` in ORDER BY would name the text output column.
    `SELECT ${COLUMNS} FROM records r
      WHERE r.project_id = $4 AND (r.tx_id, r.seq) > ($1::xid8, $2::bigint) AND r.tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY r.tx_id, r.seq LIMIT $3`,
    [after.txId, after.seq, limit, project],
  );
  return r.rows.map(toEval);
}

/**
 * Records settled (stored `pending`, judged later) after the settled cursor,
 * in settling order, with whether a finding already names them: their final
 * verdict is what their edges' breakers count.
 */
export async function settledAfter(q: Queryable, project: string, after: EngineCursor, limit: number): Promise<(EvalRecord & { settledTxId: string; anomalous: boolean })[]> {
  const r = await q.query<RecordRow & { settled_tx_id: string; anomalous: boolean }>(
    `SELECT ${COLUMNS}, r.settled_tx_id::text,
            EXISTS (SELECT 1 FROM anomaly_findings f WHERE f.project_id = r.project_id AND f.record_id = r.record_id AND f.detector <> 'verification') AS anomalous
       FROM records r
      WHERE r.project_id = $4 AND r.settled_tx_id IS NOT NULL AND (r.settled_tx_id, r.seq) > ($1::xid8, $2::bigint)
        AND r.settled_tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY r.settled_tx_id, r.seq LIMIT $3`,
    [after.txId, after.seq, limit, project],
  );
  return r.rows.map((row) => ({ ...toEval(row), settledTxId: row.settled_tx_id, anomalous: row.anomalous }));
}

/** Records stored but not yet read by the loop (for lag and health). */
export async function backlog(q: Queryable, project: string, after: EngineCursor): Promise<number> {
  const r = await q.query<{ n: string }>("SELECT count(*)::text AS n FROM records WHERE project_id = $3 AND (tx_id, seq) > ($1::xid8, $2::bigint)", [after.txId, after.seq, project]);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The latest records of each agent up to the cursor, newest `perAgent` within
 * `sinceMs`; whether each was found anomalous, and whether any finding names
 * it (a later read of it is named then, ADR 0045), come from the findings
 * tables (one index probe each).
 */
export async function agentHistory(q: Queryable, project: string, agents: readonly string[], before: EngineCursor, since: Date, perAgent: number): Promise<CachedRecord[]> {
  if (agents.length === 0) return [];
  const r = await q.query<RecordRow & { anomalous: boolean; named: boolean }>(
    `SELECT h.*, EXISTS (SELECT 1 FROM anomaly_findings f WHERE f.project_id = $6 AND f.record_id = h.record_id
                           AND f.detector IN ('semantic_deviation', 'feedback_loop')) AS anomalous,
                 EXISTS (SELECT 1 FROM finding_records fr JOIN anomaly_findings f ON f.id = fr.finding_id
                          WHERE fr.project_id = $6 AND fr.record_id = h.record_id AND f.detector <> 'verification') AS named
       FROM unnest($1::text[]) AS a(agent)
       CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM records r
          WHERE r.project_id = $6 AND r.agent = a.agent AND r.ts >= $4 AND (r.tx_id, r.seq) <= ($2::xid8, $3::bigint)
          ORDER BY r.ts DESC LIMIT $5) h`,
    [agents, before.txId, before.seq, since, perAgent, project],
  );
  return r.rows.map((row) => ({ ...toEval(row), anomalous: row.anomalous, named: row.named }));
}

/**
 * Depth of records the loop never saw, counted as ChainDepth does (messages
 * are hops; a state read starts at 0), following `parent` edges upward at
 * most `maxHops` levels: past the cap the exact number no longer matters.
 * Null when no request or state read is reached within the bound.
 */
export async function storedDepths(q: Queryable, project: string, ids: readonly string[], maxHops: number): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  if (ids.length === 0) return out;
  const r = await q.query<{ start: string; depth: number | null }>(
    `WITH RECURSIVE up(start, id, levels, hops, kind) AS (
        SELECT s, s, 0, 0, (SELECT kind FROM records WHERE project_id = $3 AND record_id = s LIMIT 1) FROM unnest($1::text[]) AS s
        UNION
        SELECT up.start, e.parent_id, up.levels + 1,
               up.hops + CASE WHEN up.kind = 'message' THEN 1 ELSE 0 END,
               (SELECT kind FROM records WHERE project_id = $3 AND record_id = e.parent_id LIMIT 1)
          FROM up JOIN record_edges e ON e.project_id = $3 AND e.child_id = up.id AND e.kind = 'parent'
         WHERE up.levels < $2 AND up.kind IS DISTINCT FROM 'request' AND up.kind IS DISTINCT FROM 'state.read'
     )
     SELECT start, max(hops) FILTER (WHERE kind IN ('request', 'state.read')) AS depth FROM up GROUP BY start`,
    [ids, maxHops * 4, project],
  );
  for (const row of r.rows) out.set(row.start, row.depth);
  for (const id of ids) if (!out.has(id)) out.set(id, null);
  return out;
}

/** Every agent-to-agent edge the breakers know: the graph reach is measured on. */
export async function knownEdges(q: Queryable, project: string): Promise<{ sender: string; receiver: string }[]> {
  const r = await q.query<{ sender: string; receiver: string }>("SELECT sender, receiver FROM breaker_states WHERE project_id = $1", [project]);
  return r.rows;
}

/** Findings no incident holds yet (a process stopped between storing and grouping them). */
export async function ungroupedFindingIds(q: Queryable, project: string, since: Date, limit = 10_000): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT f.id::text FROM anomaly_findings f
      WHERE f.project_id = $3 AND f.ts >= $1 AND NOT EXISTS (SELECT 1 FROM incident_findings i WHERE i.finding_id = f.id)
      ORDER BY f.id LIMIT $2`,
    [since, limit, project],
  );
  return r.rows.map((x) => x.id);
}
