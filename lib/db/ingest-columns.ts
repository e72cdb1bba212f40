// A batch's spans and records as PostgreSQL array literals, one text value
// per column, for `INSERT ... SELECT FROM unnest($1::text[], ...)`. The
// collector's workers build them (pure string work, no database), so the
// main thread hands ready text to the server and PostgreSQL parses flat
// arrays instead of a JSON document (docs/adr/0029-ingest-as-column-arrays.md).
// A column that is itself an array (receivers, parents) travels as a text[]
// of array literals, cast back per row: unnest would flatten a 2-D array.
import type { RecordRow, SpanRow } from "./ingest-store.ts";
import { declaredEdges, type DeclaredLinks } from "../lineage/record-edges.ts";

/** One array literal per field of T. */
export type Columns<T> = { [K in keyof T]-?: string };

export type SpanColumns = Columns<SpanRow>;

/** A record's columns as the door decided them: all but the verdicts, which the database-side checks complete. */
export type RecordColumns = Columns<Omit<RecordRow, "verdicts" | "pendingOn">>;

/** A nonce claim (claimNonces in lib/db/ingest-store.ts): the first record in sending order with an (agent, nonce). */
export interface NonceClaim {
  agent: string;
  nonce: string;
  traceId: string;
  spanId: string;
  contentHash: string;
}

export type NonceColumns = Columns<NonceClaim>;

/** Declared lineage edges (lib/lineage/record-edges.ts) as three aligned columns. */
export interface EdgeColumns extends Columns<{ child: string; parent: string; kind: string }> {
  count: number;
}

// Quoted always: an element that is empty, NULL-like or holds {},"\ or
// blanks needs it, and checking for those costs more than quoting.
function element(v: string | null): string {
  if (v === null) return "NULL";
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 34 || c === 92) return `"${v.replace(/["\\]/g, "\\$&")}"`;
  }
  return `"${v}"`;
}

/** How a field's value reads as PostgreSQL text: arrays as array literals, objects as JSON. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return pgArray(v as (string | null)[]);
  return JSON.stringify(v);
}

/** One PostgreSQL array literal: `{"a","b",NULL}`. */
export function pgArray(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) out += (i === 0 ? "" : ",") + element(values[i]!);
  return out + "}";
}

function columns<T, K extends keyof T>(rows: readonly T[], keys: readonly K[]): Columns<Pick<T, K>> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = pgArray(rows.map((r) => text(r[k])));
  return out as Columns<Pick<T, K>>;
}

const SPAN_KEYS = ["traceId", "spanId", "parentSpanId", "name", "spanKind", "startNs", "endNs", "serviceName", "attributes", "statusCode", "contentHash"] as const satisfies readonly (keyof SpanRow)[];
const RECORD_KEYS = [
  "recordId", "traceId", "spanId", "contentHash", "kind", "agent", "receivers", "intent", "protocol", "ts", "nonce", "payload",
  "parents", "authority", "actionClass", "signature", "keyId",
] as const satisfies readonly (keyof RecordColumns)[];
const NONCE_KEYS = ["agent", "nonce", "traceId", "spanId", "contentHash"] as const satisfies readonly (keyof NonceClaim)[];

export const spanColumns = (spans: readonly SpanRow[]): SpanColumns => columns(spans, SPAN_KEYS);
export const recordColumns = (records: readonly RecordRow[]): RecordColumns => columns(records, RECORD_KEYS);
export const nonceColumns = (claims: readonly NonceClaim[]): NonceColumns => columns(claims, NONCE_KEYS);

export function edgeColumns(records: readonly DeclaredLinks[]): EdgeColumns {
  const edges = records.flatMap((r) => declaredEdges(r));
  return { count: edges.length, ...columns(edges, ["child", "parent", "kind"] as const) };
}

export function nonceKey(agent: string, nonce: string): string {
  return `${agent}\u0000${nonce}`;
}
