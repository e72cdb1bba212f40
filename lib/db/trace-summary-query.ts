import "server-only";
import { notFound } from "../api/errors.ts";
import { TRACE_SUMMARY_AGENTS, TRACE_SUMMARY_BINS } from "../api/trace-summary-views.ts";
import { WARN_VERDICTS } from "../view/format.ts";
import type { PrismaClient } from "./generated/client.ts";

// The whole trace's summary for the waterfall's header and minimap, in one
// statement: the trace's spans through the (project_id, trace_id, start_ns)
// index, its records through (project_id, trace_id, span_id, content_hash, ts),
// each record placed where the waterfall draws it (its span's start, or its
// own time when stored without its span). Nothing of the trace becomes a
// JavaScript object; PostgreSQL writes the JSON.

/** Verdicts that do not make a record a failure: verified, waiting, and the doubts (lib/view/format.ts verdictTone). */
const NOT_FAILING = ["verified", "pending", ...WARN_VERDICTS];

/** TraceSummaryView JSON text for the trace, or a 404 when it has no span and no record. */
export async function getTraceSummaryJson(db: PrismaClient, project: string, traceId: string, bins = TRACE_SUMMARY_BINS): Promise<string> {
  const [, rows] = await db.$transaction(
    [
      // The span CTE holds every span of the trace: keep it in memory (100,000 spans ≈ 15 MB) rather than spill.
      db.$executeRaw`SET LOCAL work_mem = '64MB'`,
      summaryQuery(db, project, traceId, bins),
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
 * waterfall's key) become entries with a place in time and a severity
 * (3 failed record, 2 doubtful record, 1 span with error status); bins are
 * floor((at − start) × bins / (end − start + 1)), as traceBin computes it.
 * The jump target of a bin is its earliest entry of its worst severity.
 */
function summaryQuery(db: PrismaClient, project: string, traceId: string, bins: number) {
  const notFailing = NOT_FAILING;
  const warn = [...WARN_VERDICTS];
  return db.$queryRaw<{ body: string | null }[]>`
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
    ), e AS (
      SELECT start_ns AS at, last, span_id, seq AS s_seq, 0::bigint AS r_seq, CASE WHEN status_code = 2 THEN 1 ELSE 0 END AS sev, 1 AS row, false AS is_record FROM s
      UNION ALL
      SELECT at, at, span_id, coalesce(s_seq, 0), seq, sev, CASE WHEN own_row THEN 1 ELSE 0 END, true FROM r
    ), bounds AS (
      SELECT min(at) AS t0, max(last) AS t1 FROM e
    ), binned AS (
      SELECT e.*, floor((e.at - b.t0)::numeric * ${bins} / (b.t1 - b.t0 + 1))::int AS bin
        FROM e CROSS JOIN bounds b
    ), per_bin AS (
      SELECT bin, sum(row) AS rows,
             count(*) FILTER (WHERE is_record AND sev = 3) AS failed,
             count(*) FILTER (WHERE is_record AND sev = 2) AS doubtful,
             count(*) FILTER (WHERE NOT is_record AND sev = 1) AS errors
        FROM binned GROUP BY bin
    ), marks AS (
      SELECT DISTINCT ON (bin) bin, sev, span_id, at
        FROM binned WHERE sev > 0
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
    SELECT CASE WHEN (SELECT t0 FROM bounds) IS NULL THEN NULL ELSE json_build_object(
      'traceId', ${traceId}::text,
      'startNs', (SELECT t0 FROM bounds)::text,
      'endNs', (SELECT t1 FROM bounds)::text,
      'spans', (SELECT count(*) FROM s),
      'rows', (SELECT count(*) FROM s) + (SELECT count(*) FILTER (WHERE own_row) FROM r),
      'errorSpans', (SELECT count(*) FROM s WHERE status_code = 2),
      'records', (SELECT count(*) FROM r),
      'unverified', (SELECT count(*) FILTER (WHERE NOT verified) FROM r),
      'failed', (SELECT count(*) FILTER (WHERE sev = 3) FROM r),
      'doubtful', (SELECT count(*) FILTER (WHERE sev = 2) FROM r),
      'verdicts', (SELECT coalesce(json_object_agg(v, n), '{}') FROM (SELECT v, count(*) AS n FROM r, unnest(r.verdicts) AS v GROUP BY v) x),
      'kinds', (SELECT coalesce(json_object_agg(kind, n), '{}') FROM (SELECT kind, count(*) AS n FROM r GROUP BY kind) x),
      'agents', (SELECT coalesce(json_agg(json_build_object('agent', agent, 'records', records, 'unverified', unverified) ORDER BY records DESC, agent), '[]')
                   FROM (SELECT * FROM agents ORDER BY records DESC, agent LIMIT ${TRACE_SUMMARY_AGENTS}) top),
      'agentCount', (SELECT count(*) FROM agents),
      'binWidthNs', ((SELECT t1 - t0 + 1 FROM bounds)::float8 / ${bins}),
      'bins', (SELECT json_build_object(
        'rows', json_agg(rows ORDER BY bin),
        'failed', json_agg(failed ORDER BY bin),
        'doubtful', json_agg(doubtful ORDER BY bin),
        'errors', json_agg(errors ORDER BY bin),
        'mark', json_agg(CASE sev WHEN 3 THEN 'failed' WHEN 2 THEN 'doubtful' WHEN 1 THEN 'error' END ORDER BY bin),
        'markSpan', json_agg(span_id ORDER BY bin),
        'markAt', json_agg(mark_at ORDER BY bin)) FROM series)
    )::text END AS body`;
}
