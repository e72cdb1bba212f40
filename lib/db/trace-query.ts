import "server-only";
import { notFound } from "../api/errors.ts";
import { MAX_TRACE_SPANS, type SpanDetailView, type StoredSpanView, type TraceTotal } from "../api/trace-views.ts";
import type { RecordDetail } from "../api/views.ts";
import { Prisma, type PrismaClient } from "./generated/client.ts";
import { getRecord } from "./records-query.ts";

// Reads of one trace for the waterfall. Both tables are found through their
// unique (trace_id, span_id, content_hash) index, whose leading column is the
// trace id; the parameter is cast to char(32) so the comparison stays on the
// column's own type and the index applies.

/**
 * The whole trace as TraceView JSON text, built by PostgreSQL in one query:
 * a 100,000-span trace never becomes 100,000 JavaScript objects on the server.
 * A record stored without its span (older rows, tests) still shows, at its timestamp.
 * The aggregates read the rows in the order the window pass leaves them
 * (start, then storage order), which is the order of every column.
 */
export async function getTraceJson(db: PrismaClient, project: string, traceId: string, limit = MAX_TRACE_SPANS, after?: string, total: TraceTotal = "count"): Promise<string> {
  const cursor = after === undefined ? null : parseCursor(after);
  // Sorting 100,000 spans needs more than the default 4 MB of sort memory; without it PostgreSQL spills to disk.
  const [, rows] = await db.$transaction([
    db.$executeRaw`SET LOCAL work_mem = '64MB'`,
    db.$queryRaw<{ body: string | null }[]>(traceJsonSql(project, traceId, limit, cursor, total)),
  // A 100,000-span trace takes seconds on a busy server; the 5 s default would fail it half-way.
  ], { timeout: 60_000, maxWait: 10_000 });
  const body = rows[0]?.body;
  if (!body) {
    if (cursor) throw notFound(`trace ${traceId} has nothing after ${after}: the cursor must be the \`next\` of an earlier answer for this trace`);
    throw notFound(`no spans or records in trace ${traceId}: check the id, or the trace has not reached the collector yet`);
  }
  return body;
}

/** The statement getTraceJson runs (also for EXPLAIN in bench/trace-window-explain.ts). */
export function traceJsonSql(project: string, traceId: string, limit = MAX_TRACE_SPANS, cursor: Cursor | null = null, total: TraceTotal = "count"): Prisma.Sql {
  return limit < MAX_TRACE_SPANS || cursor ? windowSql(project, traceId, limit, cursor, total) : wholeTraceSql(project, traceId, limit, total);
}

/** A `next` cursor (`start.spanSeq.recordSeq`, checked by TraceQuery) as the three numbers the row comparison takes. */
export type Cursor = readonly [start: bigint, spanSeq: bigint, recordSeq: bigint];
export function parseCursor(after: string): Cursor {
  const [start = "0", spanSeq = "0", recordSeq = "0"] = after.split(".");
  return [BigInt(start), BigInt(spanSeq), BigInt(recordSeq)];
}

/**
 * The whole trace: every span FULL JOIN every record (a record stored without
 * its span shows at its timestamp), in waterfall order.
 */
function wholeTraceSql(project: string, traceId: string, limit: number, total: TraceTotal): Prisma.Sql {
  return Prisma.sql`
    WITH cut AS (
      SELECT coalesce(s.span_id, r.span_id) AS span_id,
             s.parent_span_id,
             coalesce(s.name, r.kind || ' ' || r.record_id) AS name,
             s.service_name,
             coalesce(s.status_code, 0) AS status_code,
             coalesce(s.start_ns, (extract(epoch FROM r.ts) * 1000)::bigint * 1000000) AS start_ns,
             coalesce(s.end_ns, (extract(epoch FROM r.ts) * 1000)::bigint * 1000000) AS end_ns,
             r.record_id, r.kind, r.agent, r.verdicts, r.verified,
             coalesce(s.seq, 0) AS s_seq, coalesce(r.seq, 0) AS r_seq
        FROM (SELECT * FROM spans WHERE project_id = ${project} AND trace_id = ${traceId}::char(32)) s
        FULL JOIN (SELECT * FROM records WHERE project_id = ${project} AND trace_id = ${traceId}::char(32)) r ON r.span_id = s.span_id AND r.content_hash = s.content_hash
       ORDER BY start_ns, s_seq, r_seq
       LIMIT ${limit + 1}
    )
    ${traceBody(project, traceId, limit, total)}`;
}

/**
 * The earliest `limit` rows of the whole answer (after `cursor` when given),
 * without reading the whole trace: the first `limit` spans come from the
 * (project_id, trace_id, start_ns) index in start order (each gives at least
 * one row, so no later span can make the cut), with their records; a record
 * without a span can only make the cut if its own time is not after the last
 * of those spans, so only those are checked for a missing span. Same columns,
 * order and numbering as wholeTraceQuery: the first window is a prefix of the
 * whole, and each window after a cursor the part of the whole that follows it
 * (a span and its record share one row, so a cursor never splits them).
 */
function windowSql(project: string, traceId: string, limit: number, cursor: Cursor | null, total: TraceTotal): Prisma.Sql {
  const [a, b, c] = cursor ?? [0n, 0n, 0n];
  // After a cursor, the cursor's own span comes again (LIMIT one more): a span with two stored records gives two rows, and the cursor may fall between them.
  const spansFrom = cursor ? Prisma.sql`AND start_ns >= ${a}::bigint AND (start_ns, seq) >= (${a}::bigint, ${b}::bigint)` : Prisma.empty;
  const spanAfter = cursor ? Prisma.sql`(start_ns, seq) > (${a}::bigint, ${b}::bigint)` : Prisma.sql`true`;
  const rowAfter = cursor ? Prisma.sql`WHERE (h.start_ns, h.seq, coalesce(r.seq, 0)) > (${a}::bigint, ${b}::bigint, ${c}::bigint)` : Prisma.empty;
  const recordAfter = cursor ? Prisma.sql`AND (o.at, 0::bigint, r.seq) > (${a}::bigint, ${b}::bigint, ${c}::bigint)` : Prisma.empty;
  return Prisma.sql`
    WITH head AS MATERIALIZED (
      SELECT span_id, parent_span_id, name, service_name, status_code, start_ns, end_ns, seq, content_hash
        FROM spans WHERE project_id = ${project} AND trace_id = ${traceId}::char(32) ${spansFrom}
       ORDER BY start_ns, seq
       LIMIT ${limit + (cursor ? 2 : 1)}
    ), edge AS (
      SELECT count(*) FILTER (WHERE ${spanAfter}) AS n, max(start_ns) AS last FROM head
    ), rows AS (
      SELECT h.span_id, h.parent_span_id, h.name, h.service_name, h.status_code, h.start_ns, h.end_ns,
             r.record_id, r.kind, r.agent, r.verdicts, r.verified, h.seq AS s_seq, coalesce(r.seq, 0) AS r_seq
        FROM head h
        LEFT JOIN records r ON r.project_id = ${project} AND r.trace_id = ${traceId}::char(32) AND r.span_id = h.span_id AND r.content_hash = h.content_hash
       ${rowAfter}
      UNION ALL
      SELECT r.span_id, NULL, r.kind || ' ' || r.record_id, NULL, 0, o.at, o.at,
             r.record_id, r.kind, r.agent, r.verdicts, r.verified, 0, r.seq
        FROM records r
        CROSS JOIN LATERAL (SELECT (extract(epoch FROM r.ts) * 1000)::bigint * 1000000 AS at) o
       WHERE r.project_id = ${project} AND r.trace_id = ${traceId}::char(32)
         AND ((SELECT n FROM edge) <= ${limit} OR o.at <= (SELECT last FROM edge)) ${recordAfter}
         -- OFFSET 0 keeps this a probe of the span key index per candidate: as an anti-join PostgreSQL would read every span of the trace.
         AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.project_id = ${project} AND s.trace_id = ${traceId}::char(32) AND s.span_id = r.span_id AND s.content_hash = r.content_hash OFFSET 0)
    ), cut AS (
      SELECT * FROM rows ORDER BY start_ns, s_seq, r_seq LIMIT ${limit + 1}
    )
    ${traceBody(project, traceId, limit, total)}`;
}

/**
 * The TraceView JSON of the first `limit` rows of `cut` (the waterfall's
 * first `limit` + 1 rows: one more says whether the limit cut the trace).
 * When it did, `total` is the number of spans (counted only then), or the
 * rows seen if that is more (records without spans add rows); with
 * `lower-bound`, only the rows seen: counting a 100,000-span trace's spans is
 * three quarters of its first window's time, and the waterfall has the whole
 * trace's count from the summary (ADR 0039).
 */
function traceBody(project: string, traceId: string, limit: number, total: TraceTotal) {
  const spanCount = total === "count" ? Prisma.sql`(SELECT count(*) FROM spans WHERE project_id = ${project} AND trace_id = ${traceId}::char(32))` : Prisma.sql`0`;
  return Prisma.sql`, kept AS (
      SELECT * FROM cut ORDER BY start_ns, s_seq, r_seq LIMIT ${limit}
    ), seen AS (
      SELECT count(*) > ${limit} AS truncated, count(*) AS n FROM cut
    ), numbered AS (
      SELECT kept.*,
             CASE WHEN record_id IS NULL THEN -1 ELSE count(record_id) OVER w - 1 END AS rec,
             first_value(start_ns) OVER w AS t0
        FROM kept
      WINDOW w AS (ORDER BY start_ns, s_seq, r_seq ROWS UNBOUNDED PRECEDING)
    )
    SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_build_object(
      'traceId', ${traceId}::text,
      'startNs', min(t0)::text,
      'endNs', max(greatest(start_ns, end_ns))::text,
      'total', CASE WHEN (SELECT truncated FROM seen)
                    THEN greatest((SELECT n FROM seen), ${spanCount})
                    ELSE count(*) END,
      'truncated', (SELECT truncated FROM seen),
      'next', CASE WHEN (SELECT truncated FROM seen)
                   THEN (SELECT start_ns || '.' || s_seq || '.' || r_seq FROM kept ORDER BY start_ns DESC, s_seq DESC, r_seq DESC LIMIT 1) END,
      'spans', json_build_object(
        'id', json_agg(span_id),
        'parent', json_agg(parent_span_id),
        'name', json_agg(name),
        'service', json_agg(service_name),
        'status', json_agg(status_code),
        'start', json_agg(start_ns - t0),
        'end', json_agg(end_ns - t0),
        'record', json_agg(rec)),
      'records', json_build_object(
        'id', coalesce(json_agg(record_id) FILTER (WHERE rec >= 0), '[]'),
        'kind', coalesce(json_agg(kind) FILTER (WHERE rec >= 0), '[]'),
        'agent', coalesce(json_agg(agent) FILTER (WHERE rec >= 0), '[]'),
        'verdicts', coalesce(json_agg(coalesce(verdicts, '{}')) FILTER (WHERE rec >= 0), '[]'),
        'verified', coalesce(json_agg(verified) FILTER (WHERE rec >= 0), '[]'))
    )::text END AS body
      FROM numbered`;
}

interface SpanRow {
  parent_span_id: string | null;
  name: string;
  span_kind: number;
  start_ns: string;
  end_ns: string;
  service_name: string | null;
  status_code: number;
  attributes: unknown;
  content_hash: string;
  received_at: Date;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function toSpanView(r: SpanRow): StoredSpanView {
  return {
    parentSpanId: r.parent_span_id,
    name: r.name,
    spanKind: r.span_kind,
    startNs: r.start_ns,
    endNs: r.end_ns,
    serviceName: r.service_name,
    statusCode: r.status_code,
    attributes: isPlainObject(r.attributes) ? r.attributes : {},
    contentHash: r.content_hash,
    receivedAt: r.received_at.toISOString(),
  };
}

/** One span's attributes and, when it is a record, the record with every stored copy of its id. */
export async function getSpanDetail(db: PrismaClient, project: string, traceId: string, spanId: string): Promise<SpanDetailView> {
  const [spans, ids] = await Promise.all([
    db.$queryRaw<SpanRow[]>`
      SELECT parent_span_id, name, span_kind, start_ns::text AS start_ns, end_ns::text AS end_ns, service_name, status_code,
             attributes, content_hash, received_at
        FROM spans WHERE project_id = ${project} AND trace_id = ${traceId}::char(32) AND span_id = ${spanId}::char(16) ORDER BY seq`,
    db.$queryRaw<{ record_id: string }[]>`
      SELECT record_id FROM records WHERE project_id = ${project} AND trace_id = ${traceId}::char(32) AND span_id = ${spanId}::char(16)
       GROUP BY record_id ORDER BY min(seq)`,
  ]);
  if (spans.length === 0 && ids.length === 0) throw notFound(`trace ${traceId} has no span ${spanId}`);
  const records: RecordDetail[] = [];
  for (const { record_id } of ids) records.push(await getRecord(db, project, record_id));
  return { traceId, spanId, spans: spans.map(toSpanView), records };
}
