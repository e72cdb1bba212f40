// A generated provenance graph for the lineage bench, made inside PostgreSQL
// with INSERT ... SELECT generate_series (no rows cross the wire), and the
// same graph loaded back into memory for the baseline.
//
// Shape: workflows, each started by a request, then an approval, then records
// whose first parent is one of the previous `window` records of the workflow
// (so a record has about one child on average, some none, a few many), and 12%
// of them a second parent from the same window (joins, diamonds). Every record
// acts on behalf of its workflow's request; actions also name the approval.
// Kinds: 55% message, 10% state.write, 10% state.read, 17% action (5% of them
// red), 8% message again; agents are drawn from eight per workflow out of 50.
// State reads are linked to the version they read (inferred edges) as the
// collector would. A small share of records failed verification.
import type pg from "pg";
import { DbAdjacency } from "../../lib/db/lineage-store.ts";
import type { Direction } from "../../lib/lineage/types.ts";
import { MemoryAdjacency } from "../../lib/lineage/memory-adjacency.ts";
import { walk } from "../../lib/lineage/walk.ts";
import { indexCompromise, suspicionOf } from "../../lib/lineage/suspicion.ts";
import { EDGE_KINDS, type EdgeKind, type LineageEdge, type LineageNode } from "../../lib/lineage/types.ts";

function edgeKind(k: string): EdgeKind {
  const found = EDGE_KINDS.find((e) => e === k);
  if (!found) throw new Error(`unknown edge kind ${k}`);
  return found;
}

export interface GraphSpec {
  /** Workflows of `bigSize` records each: where the bench's targets live. */
  bigWorkflows: number;
  bigSize: number;
  bigWindow: number;
  smallWorkflows: number;
  smallSize: number;
  smallWindow: number;
  /** Share of records (0..1) that failed verification; in big workflows only past local index `flagFrom`. */
  flagRate: number;
  flagFrom: number;
  t0: number;
  /** Seconds between the starts of consecutive workflows (the storage bench spreads them over 30 days). */
  spacingS: number;
}

export const DEFAULT_SPEC: GraphSpec = {
  bigWorkflows: 50,
  bigSize: 12_000,
  bigWindow: 200,
  smallWorkflows: 4_000,
  smallSize: 100,
  smallWindow: 8,
  flagRate: 0.001,
  flagFrom: 6_000,
  t0: Date.UTC(2026, 10, 1),
  spacingS: 60,
};

export const totalRecords = (s: GraphSpec): number => s.bigWorkflows * s.bigSize + s.smallWorkflows * s.smallSize;

/** Global index of local record `i` of workflow `w`. */
export function globalIndex(s: GraphSpec, w: number, i: number): number {
  return w < s.bigWorkflows ? w * s.bigSize + i : s.bigWorkflows * s.bigSize + (w - s.bigWorkflows) * s.smallSize + i;
}

export const recordId = (n: number): string => `r${n}`;

/** Drops the records table's secondary indexes for a bulk load; returns their definitions to restore. */
async function dropRecordIndexes(q: pg.Pool): Promise<string[]> {
  const res = await q.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.tablename IN ('records', 'record_edges') AND i.indexname NOT IN ('records_pkey')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const r of res.rows) await q.query(`DROP INDEX "${r.indexname}"`);
  // The edges table's primary key goes too; it comes back after the load.
  await q.query(`ALTER TABLE record_edges DROP CONSTRAINT record_edges_pkey`);
  return res.rows.map((r) => r.indexdef);
}

export interface GenerateTimings {
  recordsMs: number;
  edgesMs: number;
  stateEdgesMs: number;
  indexesMs: number;
  analyzeMs: number;
  edgeCount: number;
}

export async function generateGraph(q: pg.Pool, s: GraphSpec, log: (line: string) => void): Promise<GenerateTimings> {
  await q.query(`SET maintenance_work_mem = '512MB'`);
  await q.query(`TRUNCATE records, record_edges`);
  const indexDefs = await dropRecordIndexes(q);
  const bigTotal = s.bigWorkflows * s.bigSize;
  const n = totalRecords(s);
  const chunk = 250_000;
  let t = performance.now();
  for (let lo = 0; lo < n; lo += chunk) {
    const hi = Math.min(n, lo + chunk) - 1;
    await q.query(GENERATE_SQL, [lo, hi, bigTotal, s.bigSize, s.bigWorkflows, s.smallSize, s.bigWindow, s.smallWindow, Math.round(s.flagRate * 1_000_000), s.flagFrom, new Date(s.t0), s.spacingS]);
    log(`  records ${hi + 1}/${n}`);
  }
  const recordsMs = performance.now() - t;

  t = performance.now();
  await q.query(`INSERT INTO record_edges (child_id, parent_id, kind)
                 SELECT r.record_id, p, 'parent' FROM records r CROSS JOIN LATERAL unnest(r.parents) p
                 UNION ALL
                 SELECT r.record_id, a, 'authority' FROM records r CROSS JOIN LATERAL unnest(r.authority) a`);
  const edgesMs = performance.now() - t;

  t = performance.now();
  // A partitioned table's index reads back as `ON ONLY`, which would build it
  // on the parent alone: built on the parent, it is built on every partition.
  for (const def of indexDefs) await q.query(def.replace(" ON ONLY ", " ON "));
  await q.query(`ALTER TABLE record_edges ADD CONSTRAINT record_edges_pkey PRIMARY KEY (project_id, child_id, parent_id, kind)`);
  // Statistics before the next statement, or the planner takes the freshly
  // loaded table for empty and scans it once per state read.
  await q.query(`ANALYZE records`);
  const indexesMs = performance.now() - t;

  // Reads name no version in their parents (unless by chance); link each to
  // the latest write of its key at or before it (latest ts, then latest seq),
  // the answer the collector's inferStateEdges gives one read at a time.
  // Here in one pass: number each key's writes in time order (writes before
  // reads at the same instant), and a read joins the write of its number.
  // (Read by read, each lookup probes every partition: hours at 10M.)
  t = performance.now();
  await q.query(`INSERT INTO record_edges (child_id, parent_id, kind)
    WITH st AS MATERIALIZED (
      SELECT record_id, kind, intent, parents,
             count(*) FILTER (WHERE kind = 'state.write')
               OVER (PARTITION BY intent ORDER BY ts, kind = 'state.read', seq ROWS UNBOUNDED PRECEDING) AS grp
        FROM records WHERE kind IN ('state.write', 'state.read') AND intent IS NOT NULL),
    writes AS (SELECT record_id, intent, grp FROM st WHERE kind = 'state.write'),
    declared AS (SELECT DISTINCT r.record_id FROM st r CROSS JOIN LATERAL unnest(r.parents) pid
                   JOIN writes w ON w.record_id = pid AND w.intent = r.intent WHERE r.kind = 'state.read')
    SELECT r.record_id, w.record_id, 'state' FROM st r JOIN writes w ON w.intent = r.intent AND w.grp = r.grp
     WHERE r.kind = 'state.read' AND r.grp > 0 AND w.record_id <> r.record_id
       AND NOT EXISTS (SELECT 1 FROM declared d WHERE d.record_id = r.record_id)
    ON CONFLICT DO NOTHING`);
  const stateEdgesMs = performance.now() - t;

  t = performance.now();
  await q.query(`VACUUM ANALYZE records`);
  await q.query(`VACUUM ANALYZE record_edges`);
  const analyzeMs = performance.now() - t;
  const edgeCount = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM record_edges`)).rows[0]!.n);
  return { recordsMs, edgesMs, stateEdgesMs, indexesMs, analyzeMs, edgeCount };
}

// $1..$2 global index range, $3 records in big workflows, $4 big size,
// $5 big workflows, $6 small size, $7/$8 windows, $9 flags per million,
// $10 first flaggable local index in big workflows, $11 t0, $12 seconds between workflows.
// h(n, salt) is PostgreSQL's own integer hash, shifted to 0..2^32-1.
const GENERATE_SQL = `
INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts,
                     parents, authority, action_class, key_id, verdicts, verdict_details, verified, pending_on)
SELECT 'r' || g.n,
       lpad(to_hex(g.w), 32, '0'), lpad(to_hex(g.n), 16, '0'), lpad(to_hex(g.n), 64, '0'),
       g.kind,
       CASE WHEN g.i = 0 THEN 'gateway' WHEN g.i = 1 THEN 'approver' ELSE 'agent-' || ((g.w * 7 + g.h4 % 8) % 50) END,
       CASE WHEN g.kind = 'message' THEN ARRAY['agent-' || ((g.w * 7 + (g.h4 + 1) % 8) % 50)] ELSE '{}'::text[] END,
       CASE g.kind WHEN 'message' THEN 'intent.' || (g.h6 % 20)
                   WHEN 'action' THEN 'act.' || (g.h6 % 10)
                   WHEN 'state.write' THEN 'key/' || g.w || '/' || (g.h6 % 10)
                   WHEN 'state.read' THEN 'key/' || g.w || '/' || (g.h6 % 10)
                   ELSE NULL END,
       'a2a/0.3',
       $11::timestamptz + make_interval(secs => g.w * $12::float8 + g.i * 0.1),
       CASE WHEN g.i = 0 THEN '{}'::text[]
            WHEN g.i = 1 THEN ARRAY['r' || g.base]
            ELSE ARRAY['r' || (g.base + g.p1)] || CASE WHEN g.h2 % 100 < 12 AND g.p2 <> g.p1 THEN ARRAY['r' || (g.base + g.p2)] ELSE '{}'::text[] END END,
       CASE WHEN g.i = 0 THEN '{}'::text[]
            WHEN g.kind = 'action' THEN ARRAY['r' || g.base, 'r' || (g.base + 1)]
            ELSE ARRAY['r' || g.base] END,
       CASE WHEN g.kind = 'action' THEN CASE WHEN g.h5 % 100 < 5 THEN 'red' WHEN g.h5 % 100 < 30 THEN 'yellow' ELSE 'green' END END,
       'k1',
       CASE WHEN g.flagged THEN ARRAY['bad_signature'] ELSE ARRAY['verified'] END,
       CASE WHEN g.flagged THEN '[{"verdict":"bad_signature","detail":"signature does not verify"}]'::jsonb ELSE '[{"verdict":"verified"}]'::jsonb END,
       NOT g.flagged,
       '{}'::text[]
  FROM (
    SELECT a.*, a.n - a.i AS base,
           CASE WHEN a.i >= 2 THEN a.i - 1 - (a.h1 % LEAST(a.i - 1, a.win)) END AS p1,
           CASE WHEN a.i >= 2 THEN a.i - 1 - (a.h3 % LEAST(a.i - 1, a.win)) END AS p2,
           CASE WHEN a.i = 0 THEN 'request' WHEN a.i = 1 THEN 'approval'
                WHEN a.h5 % 100 < 55 THEN 'message' WHEN a.h5 % 100 < 65 THEN 'state.write'
                WHEN a.h5 % 100 < 75 THEN 'state.read' WHEN a.h5 % 100 < 92 THEN 'action' ELSE 'message' END AS kind,
           a.i >= 2 AND (a.big = false OR a.i >= $10::bigint) AND (a.h7 % 1000000) < $9::bigint AS flagged
      FROM (
        SELECT s.n, s.big, s.w, s.i, CASE WHEN s.big THEN $7::bigint ELSE $8::bigint END AS win,
               hashint8(s.n * 16 + 1)::bigint + 2147483648 AS h1, hashint8(s.n * 16 + 2)::bigint + 2147483648 AS h2,
               hashint8(s.n * 16 + 3)::bigint + 2147483648 AS h3, hashint8(s.n * 16 + 4)::bigint + 2147483648 AS h4,
               hashint8(s.n * 16 + 5)::bigint + 2147483648 AS h5, hashint8(s.n * 16 + 6)::bigint + 2147483648 AS h6,
               hashint8(s.n * 16 + 7)::bigint + 2147483648 AS h7
          FROM (
            SELECT n, n < $3::bigint AS big,
                   CASE WHEN n < $3::bigint THEN n / $4::bigint ELSE $5::bigint + (n - $3::bigint) / $6::bigint END AS w,
                   CASE WHEN n < $3::bigint THEN n % $4::bigint ELSE (n - $3::bigint) % $6::bigint END AS i
              FROM generate_series($1::bigint, $2::bigint) AS n
          ) s
      ) a
  ) g`;

/** The whole stored graph in memory, judged by the same suspicion rules as the database backend. */
export async function loadMemoryGraph(q: pg.Pool, log: (line: string) => void): Promise<MemoryAdjacency> {
  const adj = new MemoryAdjacency();
  const none = indexCompromise([]);
  const page = 200_000;
  let after = "0";
  for (;;) {
    const res = await q.query<[string, string, string, string, string | null, string | null, string | null, Date, boolean, { verdict: string; detail?: string }[] | null]>({
      // ORDER BY r.seq, not seq: that name would be the text column and sort "10" before "9".
      text: `SELECT r.seq::text AS seq_text, record_id, kind, agent, key_id, intent, action_class, ts, verified,
                    CASE WHEN verified AND cardinality(verdicts) = 1 THEN NULL ELSE verdict_details END
               FROM records r WHERE r.seq > $1::bigint ORDER BY r.seq LIMIT $2`,
      values: [after, page],
      rowMode: "array",
    });
    for (const [, id, kind, agent, keyId, intent, actionClass, ts, verified, details] of res.rows) {
      const node: LineageNode = {
        id,
        kind,
        agent,
        keyId,
        intent,
        actionClass,
        ts: ts.getTime(),
        reasons: suspicionOf({ agent, keyId, ts: ts.getTime(), verified, verdicts: details ?? [], marks: [], findings: [] }, none),
      };
      adj.addNode(node);
    }
    if (res.rows.length < page) break;
    after = res.rows[res.rows.length - 1]![0];
  }
  log(`  ${adj.nodeCount} records in memory`);
  let key: [string, string, string] = ["", "", ""];
  for (;;) {
    const res = await q.query<[string, string, string]>({
      text: `SELECT child_id, parent_id, kind FROM record_edges WHERE (child_id, parent_id, kind) > ($1, $2, $3)
              ORDER BY child_id, parent_id, kind LIMIT $4`,
      values: [...key, 500_000],
      rowMode: "array",
    });
    for (const [child, parent, kind] of res.rows) adj.addEdge({ child, parent, kind: edgeKind(kind) } satisfies LineageEdge);
    if (res.rows.length < 500_000) break;
    key = res.rows[res.rows.length - 1]!;
  }
  log(`  ${adj.edgeCount} edges in memory`);
  return adj;
}

export interface OriginTarget {
  target: string;
  /** The record planted as the origin, exactly `hops` up. */
  origin: string;
  hops: number;
  /** Records upstream of the target (the walk's size). */
  upstream: number;
}

/**
 * One target per big workflow: the first record (scanning down the workflow)
 * whose upstream walk is `hops` levels deep with nothing flagged in it, and a
 * record exactly `hops` up to plant as the origin.
 */
export async function pickOriginTargets(mem: MemoryAdjacency, s: GraphSpec, hops: number, count: number): Promise<OriginTarget[]> {
  const out: OriginTarget[] = [];
  for (let w = 0; w < s.bigWorkflows && out.length < count; w++) {
    for (let i = 200; i < s.flagFrom; i += 50) {
      const target = recordId(globalIndex(s, w, i));
      const up = await walk(mem, [target], "up");
      let deepest = 0;
      let flagged = false;
      for (const v of up.visits.values()) {
        deepest = Math.max(deepest, v.depth);
        if (v.node && v.node.reasons.length > 0) flagged = true;
      }
      if (flagged || deepest < hops) continue;
      const origin = [...up.visits.values()].find((v) => v.depth === hops && v.node && v.node.kind !== "request" && v.node.kind !== "approval");
      if (origin) out.push({ target, origin: origin.id, hops, upstream: up.visits.size });
      break;
    }
  }
  return out;
}

export interface BlastTarget {
  target: string;
  descendants: number;
}

/**
 * One target per big workflow: a record within 5% of `size` descendants.
 * A record's descendants either die out within a few hops or spread through
 * most of the rest of its workflow, more the earlier it is; so candidates are
 * scanned from late to early, each probe stopping once it has too many.
 */
export async function pickBlastTargets(mem: MemoryAdjacency, s: GraphSpec, size: number, count: number): Promise<BlastTarget[]> {
  const out: BlastTarget[] = [];
  const latest = Math.max(2, Math.min(s.bigSize - 1, Math.round(s.bigSize - size / 0.95)));
  for (let w = 0; w < s.bigWorkflows && out.length < count; w++) {
    const base = globalIndex(s, w, 0);
    for (let i = latest; i >= 2; i -= 3) {
      const n = (await walk(mem, [recordId(base + i)], "down", { maxNodes: Math.ceil(size * 1.05) + 2 })).visits.size - 1;
      if (Math.abs(n - size) <= size * 0.05) {
        out.push({ target: recordId(base + i), descendants: n });
        break;
      }
      if (n > size) break;
    }
  }
  return out;
}

/** Marks records as having failed verification, in the database and in memory alike. */
export async function plantFlags(q: pg.Pool, mem: MemoryAdjacency, ids: readonly string[]): Promise<void> {
  await q.query(
    `UPDATE records SET verified = false, verdicts = ARRAY['bad_signature'],
            verdict_details = '[{"verdict":"bad_signature","detail":"planted origin"}]'::jsonb
      WHERE record_id = ANY($1::text[])`,
    [ids],
  );
  for (const [id, node] of mem.nodes(ids)) mem.addNode({ ...node, reasons: [{ kind: "verification", detail: "bad_signature: planted origin" }], id });
}

/**
 * The alternative ADR 0006 measured: parent and authority edges read from
 * records.parents / records.authority through GIN indexes, with only the
 * inferred state edges in a side table (they are in no record's arrays).
 * Needs the GIN indexes that createGinIndexes makes.
 */
export class GinAdjacency extends DbAdjacency {
  /** Edges at one record `${at}` (an expression), from the arrays of records and the state side table. */
  private static at(direction: Direction, at: string, project: string): string {
    if (direction === "down") {
      return `SELECT c.record_id AS e_child, x.parent AS e_parent, x.kind AS e_kind
                FROM records c
                CROSS JOIN LATERAL (SELECT p AS parent, 'parent' AS kind FROM unnest(c.parents) p WHERE p = ${at}
                                    UNION SELECT a, 'authority' FROM unnest(c.authority) a WHERE a = ${at}) x
               WHERE c.project_id = ${project} AND (c.parents && ARRAY[${at}] OR c.authority && ARRAY[${at}])
              UNION ALL
              SELECT e.child_id, e.parent_id, e.kind FROM record_edges e WHERE e.project_id = ${project} AND e.kind = 'state' AND e.parent_id = ${at}`;
    }
    return `SELECT DISTINCT c.record_id AS e_child, x.parent AS e_parent, x.kind AS e_kind
              FROM records c
              CROSS JOIN LATERAL (SELECT p AS parent, 'parent' AS kind FROM unnest(c.parents) p
                                  UNION SELECT a, 'authority' FROM unnest(c.authority) a) x
             WHERE c.project_id = ${project} AND c.record_id = ${at}
            UNION ALL
            SELECT e.child_id, e.parent_id, e.kind FROM record_edges e WHERE e.project_id = ${project} AND e.kind = 'state' AND e.child_id = ${at}`;
  }

  protected override edgeSql(direction: Direction): string {
    return `SELECT x.* FROM unnest($1::text[]) AS u(id) CROSS JOIN LATERAL (${GinAdjacency.at(direction, "u.id", "$2::text")}) x`;
  }

  protected override reachSql(direction: Direction): string {
    const far = direction === "up" ? "e_parent" : "e_child";
    return `WITH RECURSIVE walk(e_child, e_parent, e_kind) AS (
                SELECT x.* FROM unnest($1::text[]) AS u(id) CROSS JOIN LATERAL (${GinAdjacency.at(direction, "u.id", "$3::text")}) x
              UNION
                SELECT x.* FROM walk w CROSS JOIN LATERAL (${GinAdjacency.at(direction, `w.${far}`, "$3::text")}) x
            )
            SELECT e_child, e_parent, e_kind FROM walk LIMIT $2`;
  }
}

export async function createGinIndexes(q: pg.Pool): Promise<void> {
  await q.query(`SET maintenance_work_mem = '512MB'`);
  await q.query(`CREATE INDEX IF NOT EXISTS bench_records_parents_gin ON records USING GIN (parents)`);
  await q.query(`CREATE INDEX IF NOT EXISTS bench_records_authority_gin ON records USING GIN (authority)`);
  await q.query(`ANALYZE records`);
}

export async function dropGinIndexes(q: pg.Pool): Promise<void> {
  await q.query(`DROP INDEX IF EXISTS bench_records_parents_gin`);
  await q.query(`DROP INDEX IF EXISTS bench_records_authority_gin`);
}
