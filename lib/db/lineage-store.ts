// The provenance graph in PostgreSQL: edges written beside records in the
// ingest transaction, suspicion marks, and a graph backend for the walks in
// lib/lineage that answers one frontier per round trip.
// docs/adr/0007-provenance-graph-storage.md says why edges have their own table.
import type pg from "pg";
import { z } from "zod";
import type { Adjacency } from "../lineage/adjacency.ts";
import { suspicionOf, type CompromiseIndex, type CompromiseMark, type RecordFacts } from "../lineage/suspicion.ts";
import type { Direction, EdgeKind, LineageEdge, LineageNode, SuspicionReason } from "../lineage/types.ts";
import { EDGE_KINDS } from "../lineage/types.ts";
import type { RecordRow, Tx } from "./ingest-store.ts";
import { edgeColumns, type EdgeColumns } from "./ingest-columns.ts";
import { DEFAULT_PROJECT } from "../accounts/project.ts";

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

/**
 * Writes the edges of newly stored records: their parents and authority
 * chains, and for state records the inferred read -> version edges. Call it in
 * the ingest transaction after insertBatch (the inference reads the records
 * just inserted). Idempotent: an OTLP retry adds nothing. Returns how many
 * declared edges were new.
 */
export async function insertEdges(tx: Tx, project: string, records: readonly RecordRow[], declared: EdgeColumns = edgeColumns(records)): Promise<number> {
  if (records.length === 0) return 0;
  let added = 0;
  if (declared.count > 0) {
    const res = await tx.query(
      `INSERT INTO record_edges (project_id, child_id, parent_id, kind)
       SELECT $4, * FROM unnest($1::text[], $2::text[], $3::text[]) AS e(c, p, k) ORDER BY 2, 3, 4 ON CONFLICT DO NOTHING`,
      [declared.child, declared.parent, declared.kind, project],
    );
    added = res.rowCount ?? 0;
  }
  const reads = records.filter((r) => r.kind === "state.read" && r.intent !== null);
  const writes = records.filter((r) => r.kind === "state.write" && r.intent !== null);
  if (reads.length > 0 || writes.length > 0) await inferStateEdges(tx, project, reads, writes);
  return added;
}

/**
 * A state.read that names no version of its key among its parents read the
 * latest state.write of that key at or before its own time. A write that
 * arrives late changes that answer for the reads between it and the next
 * write, so those are inferred again too.
 */
async function inferStateEdges(tx: Tx, project: string, reads: readonly RecordRow[], writes: readonly RecordRow[]): Promise<void> {
  const affected = await tx.query<{ record_id: string }>(
    // OFFSET 0 keeps the reads lookup a per-key index scan: flattened into a
    // join, the planner scans every state.read there is.
    `SELECT unnest($1::text[]) AS record_id
     UNION
     SELECT rd.record_id
       FROM unnest($2::text[], $3::timestamptz[]) AS b(key, ts)
       CROSS JOIN LATERAL (SELECT min(w.ts) AS next_ts FROM records w WHERE w.project_id = $4 AND w.kind = 'state.write' AND w.intent = b.key AND w.ts > b.ts) nx
       CROSS JOIN LATERAL (SELECT r.record_id FROM records r
                            WHERE r.project_id = $4 AND r.intent = b.key AND r.ts >= b.ts AND (nx.next_ts IS NULL OR r.ts < nx.next_ts) AND r.kind = 'state.read'
                           OFFSET 0) rd`,
    [reads.map((r) => r.recordId), writes.map((w) => w.intent), writes.map((w) => w.ts), project],
  );
  const ids = affected.rows.map((r) => r.record_id);
  if (ids.length === 0) return;
  // Only a write can change which version a stored read read.
  if (writes.length > 0) await tx.query(`DELETE FROM record_edges WHERE project_id = $2 AND kind = 'state' AND child_id = ANY($1::text[])`, [ids, project]);
  await tx.query(
    `INSERT INTO record_edges (project_id, child_id, parent_id, kind)
     SELECT DISTINCT $2, rd.record_id, w.record_id, 'state'
       FROM records rd
       CROSS JOIN LATERAL (
         SELECT w.record_id FROM records w
          WHERE w.project_id = rd.project_id AND w.kind = 'state.write' AND w.intent = rd.intent AND w.ts <= rd.ts AND w.record_id <> rd.record_id
          ORDER BY w.ts DESC, w.seq DESC LIMIT 1) w
      WHERE rd.project_id = $2 AND rd.record_id = ANY($1::text[]) AND rd.kind = 'state.read' AND rd.intent IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM records p WHERE p.project_id = rd.project_id AND p.record_id = ANY(rd.parents) AND p.kind = 'state.write' AND p.intent = rd.intent)
      ORDER BY 2, 3
     ON CONFLICT DO NOTHING`,
    [ids, project],
  );
}

// ---------------------------------------------------------------- marks

export interface CompromiseMarkInput {
  agent: string;
  keyId: string | null;
  from: Date;
  reason: string;
  markedBy: string;
}

interface CompromiseRow {
  id: string;
  agent: string;
  key_id: string | null;
  from_ts: Date;
  reason: string;
  marked_by: string;
  marked_at: Date;
}

const toCompromiseMark = (r: CompromiseRow): CompromiseMark => ({
  id: r.id,
  agent: r.agent,
  keyId: r.key_id,
  from: r.from_ts.getTime(),
  reason: r.reason,
  markedBy: r.marked_by,
  markedAt: r.marked_at.getTime(),
});

/** Marks an agent (keyId null) or one of its keys compromised from a point in time. */
export async function createCompromiseMark(q: Queryable, project: string, m: CompromiseMarkInput): Promise<CompromiseMark> {
  const res = await q.query<CompromiseRow>(
    `INSERT INTO compromise_marks (agent, key_id, from_ts, reason, marked_by, project_id) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id::text, agent, key_id, from_ts, reason, marked_by, marked_at`,
    [m.agent, m.keyId, m.from, m.reason, m.markedBy, project],
  );
  return toCompromiseMark(res.rows[0]!);
}

export async function listCompromiseMarks(q: Queryable, project: string, agent?: string): Promise<CompromiseMark[]> {
  const res = await q.query<CompromiseRow>(
    `SELECT id::text, agent, key_id, from_ts, reason, marked_by, marked_at FROM compromise_marks
      WHERE project_id = $2 AND ($1::text IS NULL OR agent = $1) ORDER BY id`,
    [agent ?? null, project],
  );
  return res.rows.map(toCompromiseMark);
}

export async function getCompromiseMark(q: Queryable, project: string, id: string): Promise<CompromiseMark | null> {
  if (!/^\d+$/.test(id)) return null;
  const res = await q.query<CompromiseRow>(
    `SELECT id::text, agent, key_id, from_ts, reason, marked_by, marked_at FROM compromise_marks WHERE id = $1::bigint AND project_id = $2`,
    [id, project],
  );
  return res.rows[0] ? toCompromiseMark(res.rows[0]) : null;
}

/** Withdraws a mark made in error. Taint is derived, so every later answer changes with it. */
export async function deleteCompromiseMark(q: Queryable, project: string, id: string): Promise<boolean> {
  if (!/^\d+$/.test(id)) return false;
  const res = await q.query(`DELETE FROM compromise_marks WHERE id = $1::bigint AND project_id = $2`, [id, project]);
  return (res.rowCount ?? 0) > 0;
}

export interface RecordMark {
  id: string;
  recordId: string;
  reason: string;
  markedBy: string;
  markedAt: Date;
}

interface RecordMarkRow {
  id: string;
  record_id: string;
  reason: string;
  marked_by: string;
  marked_at: Date;
}

const toRecordMark = (r: RecordMarkRow): RecordMark => ({ id: r.id, recordId: r.record_id, reason: r.reason, markedBy: r.marked_by, markedAt: r.marked_at });

/** An analyst marks a record suspect. */
export async function markRecord(q: Queryable, project: string, m: { recordId: string; reason: string; markedBy: string }): Promise<RecordMark> {
  const res = await q.query<RecordMarkRow>(
    `INSERT INTO record_marks (record_id, reason, marked_by, project_id) VALUES ($1, $2, $3, $4)
     RETURNING id::text, record_id, reason, marked_by, marked_at`,
    [m.recordId, m.reason, m.markedBy, project],
  );
  return toRecordMark(res.rows[0]!);
}

export async function listRecordMarks(q: Queryable, project: string, recordId?: string): Promise<RecordMark[]> {
  const res = await q.query<RecordMarkRow>(
    `SELECT id::text, record_id, reason, marked_by, marked_at FROM record_marks WHERE project_id = $2 AND ($1::text IS NULL OR record_id = $1) ORDER BY id`,
    [recordId ?? null, project],
  );
  return res.rows.map(toRecordMark);
}

export async function deleteRecordMark(q: Queryable, project: string, id: string): Promise<boolean> {
  if (!/^\d+$/.test(id)) return false;
  const res = await q.query(`DELETE FROM record_marks WHERE id = $1::bigint AND project_id = $2`, [id, project]);
  return (res.rowCount ?? 0) > 0;
}

// ---------------------------------------------------------------- lookups

/** The state version (a state.write record id) of `key` current at `at` (default: the latest), or null. */
export async function findStateVersion(q: Queryable, project: string, key: string, at?: Date): Promise<string | null> {
  const res = await q.query<{ record_id: string }>(
    `SELECT record_id FROM records WHERE project_id = $3 AND kind = 'state.write' AND intent = $1 AND ($2::timestamptz IS NULL OR ts <= $2)
      ORDER BY ts DESC, seq DESC LIMIT 1`,
    [key, at ?? null, project],
  );
  return res.rows[0]?.record_id ?? null;
}

/** Ids of the records a compromise mark covers, oldest first; `limit` bounds the answer. */
export async function recordsCoveredBy(q: Queryable, project: string, mark: Pick<CompromiseMark, "agent" | "keyId" | "from">, limit: number): Promise<{ ids: string[]; more: boolean }> {
  const res = await q.query<{ record_id: string }>(
    `SELECT DISTINCT ON (ts, record_id) record_id FROM records
      WHERE project_id = $5 AND agent = $1 AND ts >= $2 AND ($3::text IS NULL OR key_id = $3)
      ORDER BY ts, record_id LIMIT $4`,
    [mark.agent, new Date(mark.from), mark.keyId, limit + 1, project],
  );
  const ids = res.rows.map((r) => r.record_id);
  return { ids: ids.slice(0, limit), more: ids.length > limit };
}

// ---------------------------------------------------------------- the graph backend

const VerdictDetails = z.array(z.object({ verdict: z.string(), detail: z.string().optional() }));
const Marks = z.array(z.object({ reason: z.string(), markedBy: z.string() }));
const Findings = z.array(z.object({ detector: z.string(), explanation: z.string(), evidence: z.boolean().optional() }));
/** Edge kinds as stored; a kind this code does not know is a bug, not data to guess at. */
function edgeKind(k: string): EdgeKind {
  // A switch, not EDGE_KINDS.find: this runs once per edge row, 12k per blast radius.
  switch (k) {
    case "parent":
    case "state":
    case "authority":
      return k;
    default:
      throw new Error(`record_edges holds an unknown edge kind: ${k} (known: ${EDGE_KINDS.join(", ")})`);
  }
}

/** The marks and findings of one id (NODES_SQL's rows with no `seq`). */
interface SuspicionRow {
  seq: null;
  record_id: string;
  marks: unknown;
  findings: unknown;
}

/** One stored record as the graph backend reads it (NODES_SQL), with its id's marks and findings. */
export interface NodeRow {
  seq: string;
  record_id: string;
  kind: string;
  agent: string;
  key_id: string | null;
  intent: string | null;
  action_class: string | null;
  ts_ms: number;
  stored_ms: number;
  /** When its span says it was sent (the sender's clock, as record time is), ms; null when the span is not stored. */
  sent_ms: number | null;
  verified: boolean;
  details: unknown;
  /** null when the id has none. */
  marks: unknown;
  findings: unknown;
}

// Verdict details only when they can say something against the record; the
// time as epoch ms (parsing 10k timestamps into Dates costs more than the
// rest of the row). One row per stored copy of an id.
export const NODE_COLUMNS = `r.seq::text AS seq, r.record_id, r.kind, r.agent, r.key_id, r.intent, r.action_class,
  (extract(epoch FROM r.ts) * 1000)::float8 AS ts_ms, (extract(epoch FROM r.received_at) * 1000)::float8 AS stored_ms,
  -- When a failed copy was sent (its span's start): only such copies need it, so clean records skip the lookup.
  CASE WHEN r.verified THEN NULL ELSE (SELECT (s.start_ns / 1000000)::float8 FROM spans s WHERE s.project_id = r.project_id AND s.trace_id = r.trace_id AND s.span_id = r.span_id LIMIT 1) END AS sent_ms, r.verified,
  CASE WHEN r.verified AND cardinality(r.verdicts) = 1 THEN NULL ELSE r.verdict_details END AS details`;

/**
 * The id list $1 (text[]) as the planner sees it: a value decided at run
 * time, not a constant to look into. Given a 10,000-element array, the
 * planner estimates each element against the statistics of every partition
 * it may probe, and that planning cost more than running the query: a
 * blast radius's records took 365 ms against 155 ms over six week
 * partitions, 147 against 83 ms over one (docs/adr/0033-lineage-ids-out-of-the-planner.md).
 * The index scans are the same either way (PostgreSQL sweeps each
 * partition's index once for the whole sorted array).
 */
export const IDS = "(SELECT $1::text[])::text[]";

/**
 * The records of project $2 at the ids in $1 (text[]), one row per stored
 * copy of an id; then one row per id with marks or findings (`seq` null).
 * A finding counts for every record it names, its record and its evidence
 * (finding_records); a `verification` finding only repeats the verdicts,
 * which speak for themselves. Marks and findings are read once for the whole
 * set (two index scans over the ids), not by a subquery per record: 10k
 * subquery runs cost as much as the walk itself. Appended, not joined to the
 * records: with the ids hidden from the planner it cannot tell how many rows
 * either side has, and a join it guessed small would be a nested loop over
 * 10k records; appended, each part is a plain index scan whatever the
 * counts, still in one round trip.
 */
const NODES_SQL = `SELECT ${NODE_COLUMNS}, NULL::json AS marks, NULL::json AS findings FROM records r WHERE r.project_id = $2 AND r.record_id = ANY(${IDS})
UNION ALL
SELECT NULL, coalesce(m.record_id, f.record_id), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, m.marks, f.findings
  FROM (SELECT m.record_id, json_agg(json_build_object('reason', m.reason, 'markedBy', m.marked_by) ORDER BY m.id) AS marks
          FROM record_marks m WHERE m.project_id = $2 AND m.record_id = ANY(${IDS}) GROUP BY m.record_id) m
  FULL JOIN (SELECT fr.record_id,
                    json_agg(json_build_object('detector', f.detector, 'explanation', f.explanation, 'evidence', f.record_id IS DISTINCT FROM fr.record_id) ORDER BY f.id) AS findings
               FROM finding_records fr JOIN anomaly_findings f ON f.id = fr.finding_id
              WHERE fr.project_id = $2 AND fr.record_id = ANY(${IDS}) AND f.detector <> 'verification' GROUP BY fr.record_id) f ON f.record_id = m.record_id`;

/**
 * The provenance graph as stored, for lib/lineage's walks. Two ways to
 * answer a walk's questions:
 *  - prefetch(): one recursive query collects every edge reachable from the
 *    starts (each edge once, so diamonds and cycles end; LIMIT bounds it),
 *    then one query brings all the records they reach. The walk then runs
 *    from this cache.
 *  - per frontier: anything not prefetched is asked one level at a time.
 * Both give the same answers; prefetching turns ~100 round trips for a deep
 * blast radius into two (docs/adr/0007-provenance-graph-storage.md).
 * Suspicion is judged here, with the compromise marks the caller loaded.
 */
/** Walks allowed fewer levels than this are asked level by level. */
export const PREFETCH_MIN_DEPTH = 4;
/** A prefetch gives up past this many edges per record the walk may visit. */
export const EDGES_PER_NODE = 4;

export class DbAdjacency implements Adjacency {
  private readonly nodeCache = new Map<string, LineageNode | null>();
  private readonly edgeCache = { up: new Map<string, LineageEdge[]>(), down: new Map<string, LineageEdge[]>() };
  /** Round trips so far (the bench and tests read it). */
  queries = 0;

  constructor(
    protected readonly q: Queryable,
    private readonly compromise: CompromiseIndex,
    private readonly options: { prefetch?: boolean; project?: string } = {},
  ) {}

  /** Every query names the project: a walk never steps onto another project's records, even where ids collide. */
  protected get project(): string {
    return this.options.project ?? DEFAULT_PROJECT;
  }

  /**
   * SQL for the edges at the ids in $1 (text[]) of project $2: rows (e_child, e_parent,
   * e_kind). Subclasses may read edges from elsewhere (the bench's GIN variant).
   */
  protected edgeSql(direction: Direction): string {
    const near = direction === "up" ? "child_id" : "parent_id";
    return `SELECT e.child_id AS e_child, e.parent_id AS e_parent, e.kind AS e_kind FROM record_edges e WHERE e.project_id = $2 AND e.${near} = ANY(${IDS})`;
  }

  /**
   * SQL for every edge reachable from the ids in $1 in that direction, in
   * project $3, at most $2 of them: rows (e_child, e_parent, e_kind). Subclasses may read
   * edges from elsewhere (the bench's GIN variant).
   */
  protected reachSql(direction: Direction): string {
    const [near, far] = direction === "up" ? ["child_id", "parent_id"] : ["parent_id", "child_id"];
    // Recursion over edges, not records: UNION keeps each edge once, so a
    // record is expanded once per edge into it (one index probe per edge),
    // and diamonds and cycles end. Measured against recursing over records
    // and then fetching each one's edges: 62 against 87 ms for 10k records.
    return `WITH RECURSIVE walk(e_child, e_parent, e_kind) AS (
                SELECT x.child_id, x.parent_id, x.kind FROM record_edges x WHERE x.project_id = $3 AND x.${near} = ANY(${IDS})
              UNION
                SELECT x.child_id, x.parent_id, x.kind FROM walk w JOIN record_edges x ON x.project_id = $3 AND x.${near} = w.e_${far === "child_id" ? "child" : "parent"}
            )
            SELECT e_child, e_parent, e_kind FROM walk LIMIT $2`;
  }

  /**
   * Loads everything reachable from `starts` into the cache: one recursive
   * query for the edges, one for the records. (One statement doing both,
   * with the edges aggregated per record, measured slower: 211 against 157
   * ms for 10k records.) When there are more than EDGES_PER_NODE x maxNodes
   * edges the prefetch keeps nothing and the walk asks level by level. A
   * walk of a few levels is cheaper asked level by level anyway: the
   * recursive query knows no depth.
   */
  async prefetch(starts: readonly string[], direction: Direction, bounds: { maxNodes: number; maxDepth: number }): Promise<{ reached: number; complete: boolean }> {
    if (starts.length === 0 || this.options.prefetch === false || bounds.maxDepth < PREFETCH_MIN_DEPTH) return { reached: 0, complete: starts.length === 0 };
    const limit = bounds.maxNodes * EDGES_PER_NODE;
    this.queries++;
    const res = await this.q.query<{ e_child: string; e_parent: string; e_kind: string }>(this.reachSql(direction), [starts, limit + 1, this.project]);
    if (res.rows.length > limit) return { reached: 0, complete: false };
    // Complete: every record reached has all its edges here, none for a leaf.
    // Straight into an empty cache (the usual case): copying 10k lists costs more than reading them.
    const cache = this.edgeCache[direction];
    const lists = cache.size === 0 ? cache : new Map<string, LineageEdge[]>();
    for (const id of starts) lists.set(id, []);
    const up = direction === "up";
    for (const row of res.rows) {
      const e: LineageEdge = { child: row.e_child, parent: row.e_parent, kind: edgeKind(row.e_kind) };
      const nearId = up ? e.child : e.parent;
      const farId = up ? e.parent : e.child;
      const list = lists.get(nearId);
      if (list) list.push(e);
      else lists.set(nearId, [e]);
      if (!lists.has(farId)) lists.set(farId, []);
    }
    if (lists !== cache) for (const [id, list] of lists) cache.set(id, list);
    await this.load([...lists.keys()]);
    return { reached: lists.size, complete: true };
  }

  async edges(ids: readonly string[], direction: Direction): Promise<LineageEdge[]> {
    const cache = this.edgeCache[direction];
    const out: LineageEdge[] = [];
    const misses: string[] = [];
    for (const id of ids) {
      const list = cache.get(id);
      if (list) for (const e of list) out.push(e);
      else misses.push(id);
    }
    if (misses.length === 0) return out;
    this.queries++;
    const res = await this.q.query<{ e_child: string; e_parent: string; e_kind: string }>(this.edgeSql(direction), [misses, this.project]);
    const lists = new Map<string, LineageEdge[]>(misses.map((id) => [id, []]));
    for (const row of res.rows) {
      const e: LineageEdge = { child: row.e_child, parent: row.e_parent, kind: edgeKind(row.e_kind) };
      lists.get(direction === "up" ? e.child : e.parent)?.push(e);
    }
    for (const [id, list] of lists) {
      const unique = dedupeEdges(list);
      cache.set(id, unique);
      for (const e of unique) out.push(e);
    }
    return out;
  }

  /**
   * The stored rows at `ids`, marks and findings attached. Subclasses may
   * read them otherwise (the bench's measure of the statement this replaced).
   */
  protected async nodeRows(ids: readonly string[]): Promise<NodeRow[]> {
    this.queries++;
    const res = await this.q.query<NodeRow | SuspicionRow>(NODES_SQL, [ids, this.project]);
    const records: NodeRow[] = [];
    let suspicion: Map<string, SuspicionRow> | null = null;
    for (const row of res.rows) {
      if (row.seq !== null) records.push(row);
      else (suspicion ??= new Map()).set(row.record_id, row);
    }
    if (suspicion === null) return records;
    for (const row of records) {
      const s = suspicion.get(row.record_id);
      if (s) {
        row.marks = s.marks;
        row.findings = s.findings;
      }
    }
    return records;
  }

  async nodes(ids: readonly string[]): Promise<Map<string, LineageNode>> {
    await this.load(ids);
    const out = new Map<string, LineageNode>();
    for (const id of ids) {
      const n = this.nodeCache.get(id);
      if (n) out.set(id, n);
    }
    return out;
  }

  /** Reads the records at `ids` not cached yet into the cache. */
  private async load(ids: readonly string[]): Promise<void> {
    const misses = ids.filter((id) => !this.nodeCache.has(id));
    if (misses.length > 0) {
      const rows = await this.nodeRows(misses);
      // Nearly every id has one row; only a shared id needs a list.
      const byId = new Map<string, NodeRow | NodeRow[]>();
      for (const row of rows) {
        const had = byId.get(row.record_id);
        if (had === undefined) byId.set(row.record_id, row);
        else if (Array.isArray(had)) had.push(row);
        else byId.set(row.record_id, [had, row]);
      }
      for (const id of misses) {
        const rows = byId.get(id);
        this.nodeCache.set(id, rows === undefined ? null : nodeFromRows(Array.isArray(rows) ? rows : [rows], this.compromise));
      }
    }
  }
}

function dedupeEdges(list: LineageEdge[]): LineageEdge[] {
  if (list.length < 2) return list;
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.child}\u0000${e.parent}\u0000${e.kind}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Several stored records can share an id (a forged copy, a replay). The node
 * is the verified one, or else the first stored; every copy's problems count
 * against the id, the others' marked as such. When the node's own record is
 * clean and only other copies are flagged, the node remembers when the first
 * flagged copy was sent (`copyFlaggedAt`, its span's start: a replay repeats
 * the original's signed timestamp, not its span): records made before it
 * cannot derive from it, so the flag does not reach them.
 */
export function nodeFromRows(rows: NodeRow[], compromise: CompromiseIndex): LineageNode {
  // Nearly every id has one copy: no sorting, no closures (a blast radius makes 10k nodes).
  if (rows.length === 1) return toNode(rows[0]!, suspicionOf(factsOf(rows[0]!, true), compromise));
  const sorted = [...rows].sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
  const main = sorted.find((r) => r.verified) ?? sorted[0]!;
  const facts = (r: NodeRow) => factsOf(r, r === main);
  const reasons: SuspicionReason[] = [];
  let ownFlagged = false;
  let copyFlaggedAt: number | undefined;
  for (const r of sorted) {
    const own = suspicionOf(facts(r), compromise);
    if (r === main) {
      ownFlagged = own.length > 0;
      reasons.push(...own);
      continue;
    }
    for (const reason of own) reasons.push({ kind: reason.kind, detail: `another record with this id (${r.agent}): ${reason.detail}` });
    // When the copy was sent, on the record-time clock its children's
    // timestamps are on too: what came before it cannot derive from it,
    // whichever order the collector happened to store them in.
    if (own.length > 0) copyFlaggedAt = Math.min(copyFlaggedAt ?? Infinity, r.sent_ms ?? r.ts_ms);
  }
  return toNode(main, reasons, ownFlagged ? undefined : copyFlaggedAt);
}

const NONE: readonly never[] = Object.freeze([]);

/** What the suspicion rules read off one stored row; marks and findings count for the id's main copy only. */
function factsOf(r: NodeRow, main: boolean): RecordFacts {
  return {
    agent: r.agent,
    keyId: r.key_id,
    ts: r.ts_ms,
    verified: r.verified,
    verdicts: r.details === null ? NONE : VerdictDetails.parse(r.details),
    marks: main && r.marks !== null ? Marks.parse(r.marks) : NONE,
    findings: main && r.findings !== null ? Findings.parse(r.findings) : NONE,
  };
}

function toNode(main: NodeRow, reasons: readonly SuspicionReason[], copyFlaggedAt?: number): LineageNode {
  const node: LineageNode = {
    id: main.record_id,
    kind: main.kind,
    agent: main.agent,
    keyId: main.key_id,
    intent: main.intent,
    actionClass: main.action_class,
    ts: main.ts_ms,
    reasons,
    storedAt: main.stored_ms,
  };
  if (copyFlaggedAt !== undefined) node.copyFlaggedAt = copyFlaggedAt;
  return node;
}
