// Rows written the way the collector wrote them before records and spans
// were partitioned (no project_id, the old unique key), for tests that
// migrate a populated database.
import type pg from "pg";
import type { RecordRow, SpanRow } from "../../lib/db/ingest-store.ts";

export async function insertLegacyRecords(q: pg.Pool | pg.Client, rows: readonly RecordRow[]): Promise<void> {
  await q.query(
    `INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload,
                          parents, authority, action_class, signature, key_id, verdicts, verdict_details, verified, pending_on)
     SELECT r."recordId", r."traceId", r."spanId", r."contentHash", r.kind, r.agent, r.receivers, r.intent, r.protocol, r.ts::timestamptz,
            r.nonce, r.payload, r.parents, r.authority, r."actionClass", r.signature, r."keyId", r."verdictNames", r.verdicts, true, r."pendingOn"
       FROM json_to_recordset($1::json) AS r("recordId" text, "traceId" text, "spanId" text, "contentHash" text, kind text, agent text,
            receivers text[], intent text, protocol text, ts text, nonce text, payload text, parents text[], authority text[],
            "actionClass" text, signature text, "keyId" text, "verdictNames" text[], verdicts jsonb, "pendingOn" text[])`,
    [JSON.stringify(rows.map((r) => ({ ...r, verdictNames: r.verdicts.map((v) => v.verdict) })))],
  );
}

export async function insertLegacySpans(q: pg.Pool | pg.Client, rows: readonly SpanRow[]): Promise<void> {
  await q.query(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, span_kind, start_ns, end_ns, service_name, attributes, status_code, content_hash)
     SELECT s."traceId", s."spanId", s."parentSpanId", s.name, s."spanKind", s."startNs"::bigint, s."endNs"::bigint, s."serviceName", s.attributes, s."statusCode", s."contentHash"
       FROM json_to_recordset($1::json) AS s("traceId" text, "spanId" text, "parentSpanId" text, name text, "spanKind" int,
            "startNs" text, "endNs" text, "serviceName" text, attributes jsonb, "statusCode" int, "contentHash" text)`,
    [JSON.stringify(rows)],
  );
}
