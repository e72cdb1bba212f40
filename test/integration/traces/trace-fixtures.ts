// Traces for the read side (API, waterfall, e2e, bench): a small one with
// records, failures and an orphan, and generated ones of any size seeded by
// PostgreSQL itself (one INSERT ... SELECT generate_series per table).
import { createHash } from "node:crypto";
import type pg from "pg";
import { insertStoredRecords, storedRecord, verdicts, type StoredRecord } from "../../fixtures/stored-records.ts";

type Queryable = Pick<pg.Client, "query"> | Pick<pg.Pool, "query">;

const hex = (label: string, chars: number): string => createHash("sha256").update(label).digest("hex").slice(0, chars);

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  serviceName: string | null;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  attributes: Record<string, unknown>;
  contentHash: string;
}

export async function insertStoredSpans(q: Queryable, spans: readonly StoredSpan[]): Promise<void> {
  for (const s of spans) {
    await q.query(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, span_kind, start_ns, end_ns, service_name, attributes, status_code, content_hash)
       VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8::jsonb, $9, $10)`,
      [s.traceId, s.spanId, s.parentSpanId, s.name, s.startNs.toString(), s.endNs.toString(), s.serviceName, JSON.stringify(s.attributes), s.statusCode, s.contentHash],
    );
  }
}

export interface SmallTrace {
  traceId: string;
  spans: StoredSpan[];
  records: StoredRecord[];
  /** Span ids by role, for assertions. */
  ids: { root: string; request: string; message: string; tool: string; action: string; orphan: string };
  /** Record ids by role. */
  recordIds: { request: string; message: string; action: string };
}

/**
 * gateway root -> request record -> message record (schema violation) -> tool span;
 * root -> action record (capability violation); and an orphan whose parent never arrived.
 */
export function smallTrace(label: string, start: Date): SmallTrace {
  const traceId = hex(`trace ${label}`, 32);
  const id = (role: string): string => hex(`span ${label} ${role}`, 16);
  const t0 = BigInt(start.getTime()) * 1_000_000n;
  const ms = (n: number): bigint => t0 + BigInt(n) * 1_000_000n;
  const ids = { root: id("root"), request: id("request"), message: id("message"), tool: id("tool"), action: id("action"), orphan: id("orphan") };
  const recordIds = { request: `${label}-req`, message: `${label}-msg`, action: `${label}-act` };
  const span = (role: keyof typeof ids, parent: string | null, name: string, service: string, from: number, to: number, extra: Partial<StoredSpan> = {}): StoredSpan => ({
    traceId,
    spanId: ids[role],
    parentSpanId: parent,
    name,
    serviceName: service,
    startNs: ms(from),
    endNs: ms(to),
    statusCode: 0,
    attributes: { "gen_ai.agent.id": service },
    contentHash: hex(`content ${label} ${role}`, 64),
    ...extra,
  });
  const spans = [
    span("root", null, "POST /trips", "gateway", 0, 900, { attributes: { "http.request.method": "POST", "url.path": "/trips" } }),
    span("request", ids.root, "request trip", "planner", 20, 860),
    span("message", ids.request, "message SearchQuery", "planner", 60, 520),
    span("tool", ids.message, "tool web.search", "researcher", 90, 480, { attributes: { "gen_ai.tool.name": "web.search", "retry.count": 2 } }),
    span("action", ids.root, "action charge_card", "executor", 600, 880, { statusCode: 2 }),
    span("orphan", "ffffffffffffffff", "late callback", "researcher", 700, 760),
  ];
  const recordFor = (role: "request" | "message" | "action", r: Partial<StoredRecord>): StoredRecord => {
    const s = spans.find((x) => x.spanId === ids[role])!;
    return storedRecord({ recordId: recordIds[role], traceId, spanId: s.spanId, contentHash: s.contentHash, ts: new Date(Number(s.startNs / 1_000_000n)), ...r });
  };
  const records = [
    recordFor("request", { kind: "request", agent: "planner", receivers: [], intent: "trip", payload: JSON.stringify({ destination: "Lisbon", nights: 3 }) }),
    recordFor("message", {
      agent: "planner",
      receivers: ["researcher"],
      intent: "SearchQuery",
      payload: JSON.stringify({ query: 42, lang: "en" }),
      parents: [recordIds.request],
      authority: [recordIds.request],
      verdicts: [{ verdict: "schema_violation", detail: "/query: must be string" }],
    }),
    recordFor("action", {
      kind: "action",
      agent: "executor",
      receivers: [],
      intent: "charge_card",
      actionClass: "red",
      payload: JSON.stringify({ amount: 912.4, currency: "EUR" }),
      parents: [recordIds.request],
      authority: [recordIds.request],
      verdicts: [...verdicts("capability_violation")],
    }),
  ];
  return { traceId, spans, records, ids, recordIds };
}

export async function insertSmallTrace(q: Queryable, t: SmallTrace): Promise<void> {
  await insertStoredSpans(q, t.spans);
  await insertStoredRecords(q, t.records);
}

export interface GeneratedTrace {
  traceId: string;
  spans: number;
  /** "tree": span 1 is the root, span i's parent is span floor((i - 2) / fanout) + 1; "chain": span i's parent is span i - 1 (as deep as it is long). */
  shape: "tree" | "chain";
  fanout?: number;
  /** Every n-th span is also a record; every 7th of those failed its signature check. */
  recordEvery?: number;
  start?: Date;
}

/** Span id of generated span i (1-based): 16 hex digits, never all zero. */
export const generatedSpanId = (i: number): string => i.toString(16).padStart(16, "0");

/** Seeds a generated trace in two statements; 100,000 spans take a second or two. */
export async function insertGeneratedTrace(q: Queryable, t: GeneratedTrace): Promise<void> {
  const t0 = BigInt((t.start ?? new Date(Date.UTC(2026, 10, 21, 12))).getTime()) * 1_000_000n;
  const fanout = t.fanout ?? 4;
  const parent = t.shape === "chain" ? "CASE WHEN i = 1 THEN NULL ELSE lpad(to_hex(i - 1), 16, '0') END" : `CASE WHEN i = 1 THEN NULL ELSE lpad(to_hex((i - 2) / ${fanout} + 1), 16, '0') END`;
  // Each span starts 1 µs after its predecessor and lasts up to 5 ms, so bars spread over the trace.
  await q.query(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, span_kind, start_ns, end_ns, service_name, attributes, status_code, content_hash)
     SELECT $1, lpad(to_hex(i), 16, '0'), ${parent}, 'op-' || (i % 97), 1,
            $2::bigint + i * 1000, $2::bigint + i * 1000 + 1000 + (i % 50) * 100000,
            'svc-' || (i % 7), jsonb_build_object('i', i), CASE WHEN i % 211 = 0 THEN 2 ELSE 0 END, md5(i::text) || md5(i::text)
       FROM generate_series(1, $3::int) AS i`,
    [t.traceId, t0.toString(), t.spans],
  );
  const every = t.recordEvery ?? 0;
  if (every <= 0) return;
  await q.query(
    `INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, payload, parents, authority,
                          verdicts, verdict_details, verified, pending_on)
     SELECT $1 || '-rec-' || i, $1, lpad(to_hex(i), 16, '0'), md5(i::text) || md5(i::text), 'message', 'agent-' || (i % 5), ARRAY['agent-' || ((i + 1) % 5)],
            'Step', 'a2a/0.3', to_timestamp(($2::bigint + i * 1000) / 1e9), jsonb_build_object('step', i)::text, '{}', '{}',
            CASE WHEN (i / $3::int) % 7 = 0 THEN ARRAY['bad_signature'] ELSE ARRAY['verified'] END,
            CASE WHEN (i / $3::int) % 7 = 0 THEN '[{"verdict":"bad_signature","detail":"signature does not verify"}]'::jsonb ELSE '[{"verdict":"verified"}]'::jsonb END,
            (i / $3::int) % 7 <> 0, '{}'
       FROM generate_series($3::int, $4::int, $3::int) AS i`,
    [t.traceId, t0.toString(), every, t.spans],
  );
}
