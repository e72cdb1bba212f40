// A batch's spans and records as PostgreSQL array literals, one text value
// per column, for `INSERT ... SELECT FROM unnest($1::text[], ...)`. The
// collector's workers build them (pure string work, no database), so the
// main thread hands ready text to the server and PostgreSQL parses flat
// arrays instead of a JSON document (docs/adr/0029-ingest-as-column-arrays.md).
// A column that is itself an array (receivers, parents) travels as a text[]
// of array literals, cast back per row: unnest would flatten a 2-D array.
import type { RecordRow, SpanRow } from "./ingest-store.ts";
import { declaredEdges, type DeclaredLinks } from "../lineage/record-edges.ts";

export interface SpanColumns {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  spanKind: string;
  startNs: string;
  endNs: string;
  serviceName: string;
  attributes: string;
  statusCode: string;
  contentHash: string;
}

/** The columns of a record that the door decided: everything but the verdicts, which the database-side checks complete. */
export interface RecordColumns {
  recordId: string;
  traceId: string;
  spanId: string;
  contentHash: string;
  kind: string;
  agent: string;
  receivers: string;
  intent: string;
  protocol: string;
  ts: string;
  nonce: string;
  payload: string;
  parents: string;
  authority: string;
  actionClass: string;
  signature: string;
  keyId: string;
}

// Quoted always: an element that is empty, NULL-like or holds {},"\ needs it, and checking costs more than quoting.
function element(v: string | null): string {
  if (v === null) return "NULL";
  let needs = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 34 || c === 92) {
      needs = true;
      break;
    }
  }
  return needs ? `"${v.replace(/["\\]/g, "\\$&")}"` : `"${v}"`;
}

/** One PostgreSQL array literal: `{"a","b",NULL}`. */
export function pgArray(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) out += (i === 0 ? "" : ",") + element(values[i]!);
  return out + "}";
}

function column<T>(rows: readonly T[], pick: (row: T) => string | null): string {
  let out = "{";
  for (let i = 0; i < rows.length; i++) out += (i === 0 ? "" : ",") + element(pick(rows[i]!));
  return out + "}";
}

export function spanColumns(spans: readonly SpanRow[]): SpanColumns {
  return {
    traceId: column(spans, (s) => s.traceId),
    spanId: column(spans, (s) => s.spanId),
    parentSpanId: column(spans, (s) => s.parentSpanId),
    name: column(spans, (s) => s.name),
    spanKind: column(spans, (s) => String(s.spanKind)),
    startNs: column(spans, (s) => s.startNs),
    endNs: column(spans, (s) => s.endNs),
    serviceName: column(spans, (s) => s.serviceName),
    attributes: column(spans, (s) => JSON.stringify(s.attributes)),
    statusCode: column(spans, (s) => String(s.statusCode)),
    contentHash: column(spans, (s) => s.contentHash),
  };
}

export function recordColumns(records: readonly RecordRow[]): RecordColumns {
  return {
    recordId: column(records, (r) => r.recordId),
    traceId: column(records, (r) => r.traceId),
    spanId: column(records, (r) => r.spanId),
    contentHash: column(records, (r) => r.contentHash),
    kind: column(records, (r) => r.kind),
    agent: column(records, (r) => r.agent),
    receivers: column(records, (r) => pgArray(r.receivers)),
    intent: column(records, (r) => r.intent),
    protocol: column(records, (r) => r.protocol),
    ts: column(records, (r) => r.ts),
    nonce: column(records, (r) => r.nonce),
    payload: column(records, (r) => r.payload),
    parents: column(records, (r) => pgArray(r.parents)),
    authority: column(records, (r) => pgArray(r.authority)),
    actionClass: column(records, (r) => r.actionClass),
    signature: column(records, (r) => r.signature),
    keyId: column(records, (r) => r.keyId),
  };
}

/** Declared lineage edges (lib/lineage/record-edges.ts) as three aligned columns. */
export interface EdgeColumns {
  count: number;
  child: string;
  parent: string;
  kind: string;
}

export function edgeColumns(records: readonly DeclaredLinks[]): EdgeColumns {
  const edges = records.flatMap((r) => declaredEdges(r));
  return { count: edges.length, child: column(edges, (e) => e.child), parent: column(edges, (e) => e.parent), kind: column(edges, (e) => e.kind) };
}

export function nonceKey(agent: string, nonce: string): string {
  return `${agent}\u0000${nonce}`;
}

/** A nonce claim (lib/db/ingest-store.ts claimNonces): the first record in sending order with an (agent, nonce). */
export interface NonceClaim {
  agent: string;
  nonce: string;
  traceId: string;
  spanId: string;
  contentHash: string;
}

export interface NonceColumns {
  agent: string;
  nonce: string;
  traceId: string;
  spanId: string;
  contentHash: string;
}

export function nonceColumns(claims: readonly NonceClaim[]): NonceColumns {
  return {
    agent: column(claims, (c) => c.agent),
    nonce: column(claims, (c) => c.nonce),
    traceId: column(claims, (c) => c.traceId),
    spanId: column(claims, (c) => c.spanId),
    contentHash: column(claims, (c) => c.contentHash),
  };
}
