import "server-only";
import { notFound } from "../api/errors.ts";
import { TRACE_SUMMARY_AGENTS, TRACE_SUMMARY_BINS } from "../api/trace-summary-views.ts";
import { WARN_VERDICTS } from "../view/format.ts";
import { Prisma, type PrismaClient } from "./generated/client.ts";

// The whole trace's summary for the waterfall's header and minimap, in one
// statement: the trace's spans through the (project_id, trace_id, start_ns)
// index, its records through (project_id, trace_id, span_id, content_hash, ts),
// each record placed where the waterfall draws it (its span's start, or its
// own time when stored without its span). Nothing of the trace becomes a
// JavaScript object; PostgreSQL writes the JSON.

/** Verdicts that do not make a record a failure: verified, waiting, and the doubts (lib/view/format.ts verdictTone). */
const NOT_FAILING = ["verified", "pending", ...WARN_VERDICTS];
/** (at − start) × bins stays a bigint while the trace is shorter than this over bins: 26 days at 2,000 bins, 53 at 1,000. */
const BIGINT_SAFE = 2n ** 62n;

/** TraceSummaryView JSON text for the trace, or a 404 when it has no span and no record. */
export async function getTraceSummaryJson(db: PrismaClient, project: string, traceId: string, bins = TRACE_SUMMARY_BINS): Promise<string> {
  const [, rows] = await db.$transaction(
    [
      // The span CTE holds every span of the trace: keep it in memory (100,000 spans ≈ 15 MB) rather than spill.
      db.$executeRaw`SET LOCAL work_mem = '64MB'`,
      db.$queryRaw<{ body: string | null }[]>(traceSummarySql(project, traceId, bins)),
    ],
    // A 100,000-span trace takes a fraction of a second; on a busy server more than the 5 s default is possible.
    { timeout: 60_000, maxWait: 10_000 },
  );
  const body = rows[0]?.body;
  if (!body) throw notFound(`no spans or records in trace ${traceId}: check the id, or the trace has not reached the collector yet`);
  return body;
}

/**
 * Every span (as `s`) and every record (as `r`, joined to its span on the
 * waterfall's key) get a place in time and a severity (3 failed record,
 * 2 doubtful record, 1 span with error status). Each is read once for its
 * totals and once for its bins, grouped apart and added up per bin: no
 * union of 110,000 entries is kept. Bins are floor((at − start) × bins /
 * (end − start + 1)) as traceBin computes it: in bigint while the product
 * fits, in numeric beyond (numeric is ten times slower per row). The jump
 * target of a bin is its earliest entry of its worst severity.
 */
export function traceSummarySql(project: string, traceId: string, bins: number): Prisma.Sql {
  const notFailing = NOT_FAILING;
  const warn = [...WARN_VERDICTS];
  const bin = (at: Prisma.Sql) =>
    Prisma.sql`CASE WHEN b.t1 - b.t0 < ${BIGINT_SAFE / BigInt(bins)}::bigint THEN (${at} - b.t0) * ${bins} / (b.t1 - b.t0 + 1)
                    ELSE floor((${at} - b.t0)::numeric * ${bins} / (b.t1 - b.t0 + 1))::bigint END`;
  return Prisma.sql`
    WITH s AS MATERIALIZED (
      SELECT span_id, content_hash, start_ns, greatest(start_ns, end_ns) AS last, status_code, seq
        FROM spans WHERE project_id = ${project} AND trace_id = ${traceId}::char(32)
    ), r AS MATERIALIZED (
      SELECT rec.span_id, rec.kind, rec.agent, rec.verdicts, rec.verified, rec.seq,
             s.seq AS s_seq,
             coalesce(s.start_ns, (extract(epoch FROM rec.ts) * 1000)::bigint * 1000000) AS at,
             CASE WHEN NOT (coalesce(rec.verdicts, '{}') <@ ${notFailing}::text[]) THEN 3
                  WHEN coalesce(rec.verdicts, '{}') && ${warn}::text[] THEN 2 ELSE 0 END AS sev,
             -- A record is a row of its own when stored without its span, or as a span's second (third...) stored record.
             s.seq IS NULL OR row_number() OVER (PARTITION BY s.seq ORDER BY rec.seq) > 1 AS own_row
        FROM records rec
        LEFT JOIN s ON s.span_id = rec.span_id AND s.content_hash = rec.content_hash
       WHERE rec.project_id = ${project} AND rec.trace_id = ${traceId}::char(32)
    ), st AS (
      SELECT count(*) AS n, count(*) FILTER (WHERE status_code = 2) AS errors, min(start_ns) AS lo, max(last) AS hi FROM s
    ), rt AS (
      SELECT count(*) AS n, count(*) FILTER (WHERE own_row) AS own_rows, count(*) FILTER (WHERE NOT verified) AS unverified,
             count(*) FILTER (WHERE sev = 3) AS failed, count(*) FILTER (WHERE sev = 2) AS doubtful, min(at) AS lo, max(at) AS hi FROM r
    ), bounds AS (
      SELECT least(st.lo, rt.lo) AS t0, greatest(st.hi, rt.hi) AS t1 FROM st, rt
    ), per_bin AS (
      SELECT bin, sum(rows) AS rows, sum(failed) AS failed, sum(doubtful) AS doubtful, sum(errors) AS errors FROM (
        SELECT ${bin(Prisma.sql`s.start_ns`)} AS bin, count(*) AS rows, 0 AS failed, 0 AS doubtful, count(*) FILTER (WHERE s.status_code = 2) AS errors
          FROM s CROSS JOIN bounds b GROUP BY 1
        UNION ALL
        SELECT ${bin(Prisma.sql`r.at`)}, count(*) FILTER (WHERE r.own_row), count(*) FILTER (WHERE r.sev = 3), count(*) FILTER (WHERE r.sev = 2), 0
          FROM r CROSS JOIN bounds b GROUP BY 1
      ) x GROUP BY bin
    ), marks AS (
      SELECT DISTINCT ON (bin) bin, sev, span_id, at FROM (
        SELECT ${bin(Prisma.sql`s.start_ns`)} AS bin, 1 AS sev, s.span_id, s.start_ns AS at, s.seq AS s_seq, 0::bigint AS r_seq
          FROM s CROSS JOIN bounds b WHERE s.status_code = 2
        UNION ALL
        SELECT ${bin(Prisma.sql`r.at`)}, r.sev, r.span_id, r.at, coalesce(r.s_seq, 0), r.seq
          FROM r CROSS JOIN bounds b WHERE r.sev > 0
      ) x
      ORDER BY bin, sev DESC, at, s_seq, r_seq
    ), series AS (
      SELECT i AS bin, coalesce(p.rows, 0) AS rows, coalesce(p.failed, 0) AS failed, coalesce(p.doubtful, 0) AS doubtful, coalesce(p.errors, 0) AS errors,
             m.sev, m.span_id, m.at - (SELECT t0 FROM bounds) AS mark_at
        FROM generate_series(0, ${bins} - 1) AS i
        LEFT JOIN per_bin p ON p.bin = i
        LEFT JOIN marks m ON m.bin = i
    ), agents AS (
      SELECT agent, count(*) AS records, count(*) FILTER (WHERE NOT verified) AS unverified FROM r GROUP BY agent
    )
    SELECT CASE WHEN b.t0 IS NULL THEN NULL ELSE json_build_object(
      'traceId', ${traceId}::text,
      'startNs', b.t0::text,
      'endNs', b.t1::text,
      'spans', st.n,
      'rows', st.n + rt.own_rows,
      'errorSpans', st.errors,
      'records', rt.n,
      'unverified', rt.unverified,
      'failed', rt.failed,
      'doubtful', rt.doubtful,
      'verdicts', (SELECT coalesce(json_object_agg(v, n), '{}') FROM (SELECT v, count(*) AS n FROM r, unnest(r.verdicts) AS v GROUP BY v) x),
      'kinds', (SELECT coalesce(json_object_agg(kind, n), '{}') FROM (SELECT kind, count(*) AS n FROM r GROUP BY kind) x),
      'agents', (SELECT coalesce(json_agg(json_build_object('agent', agent, 'records', records, 'unverified', unverified) ORDER BY records DESC, agent), '[]')
                   FROM (SELECT * FROM agents ORDER BY records DESC, agent LIMIT ${TRACE_SUMMARY_AGENTS}) top),
      'agentCount', (SELECT count(*) FROM agents),
      'binWidthNs', (b.t1 - b.t0 + 1)::float8 / ${bins},
      'bins', (SELECT json_build_object(
        'rows', json_agg(rows ORDER BY bin),
        'failed', json_agg(failed ORDER BY bin),
        'doubtful', json_agg(doubtful ORDER BY bin),
        'errors', json_agg(errors ORDER BY bin),
        'mark', json_agg(CASE sev WHEN 3 THEN 'failed' WHEN 2 THEN 'doubtful' WHEN 1 THEN 'error' END ORDER BY bin),
        'markSpan', json_agg(span_id ORDER BY bin),
        'markAt', json_agg(mark_at ORDER BY bin)) FROM series)
    )::text END AS body
      FROM bounds b, st, rt`;
}
