// What crosses between the collector's main thread and its workers. The
// worker hands over the batch ready to store (column text, lib/db/ingest-columns.ts)
// plus the records as objects for the checks that need the database, so the
// main thread does no per-span work and no per-record serialising beyond the verdicts.
import type { ErrorCode } from "../api/errors.ts";
import type { BodyFormat } from "../otlp/body.ts";
import type { RecordRow, SpanRow } from "../db/ingest-store.ts";
import {
  edgeColumns,
  nonceColumns,
  nonceKey,
  recordColumns,
  spanColumns,
  type EdgeColumns,
  type NonceClaim,
  type NonceColumns,
  type RecordColumns,
  type SpanColumns,
} from "../db/ingest-columns.ts";

export interface DecodeJob {
  /** The project the ingest key sends into: its registry judges the records. */
  project: string;
  body: Uint8Array;
  format: BodyFormat;
  /** Arrival time, ms since the epoch: the skew check's "now". */
  receivedAt: number;
  skewMs: number;
}

export interface DecodeResult {
  /** How many spans the batch stores, the records' own included. */
  spanCount: number;
  /** Those spans as column text; null when there are none. */
  spans: SpanColumns | null;
  /** Records with the verdicts that need no database: identity, signature, skew, contract, capability, protocol, memory. */
  records: RecordRow[];
  /** The same records' columns, in the same order (all but the verdicts). */
  recordColumns: RecordColumns;
  /** Their declared lineage edges (parents, authority). */
  edges: EdgeColumns;
  /** Indexes into `records` in the order their spans were sent (start time; ties and span-less records in batch order). */
  sendingOrder: number[];
  /** The nonce claims of nonceClaims(records in sending order), as columns. */
  nonces: NonceColumns;
  rejected: { path: string; reason: string }[];
  /** Set when the request as a whole is unusable (not decodable): no span is stored. */
  error?: { code: ErrorCode; message: string };
}

/** A decoded batch as the main thread stores it. */
export function packBatch(spans: readonly SpanRow[], records: RecordRow[], rejected: DecodeResult["rejected"]): DecodeResult {
  const order = sendingOrder(records, spans);
  return {
    spanCount: spans.length,
    spans: spans.length > 0 ? spanColumns(spans) : null,
    records,
    recordColumns: recordColumns(records),
    edges: edgeColumns(records),
    sendingOrder: order,
    nonces: nonceColumns(nonceClaims(order.map((i) => records[i]!))),
    rejected,
  };
}

function sendingOrder(records: readonly RecordRow[], spans: readonly SpanRow[]): number[] {
  const sentAt = new Map<string, bigint>();
  for (const s of spans) sentAt.set(`${s.traceId}/${s.spanId}`, BigInt(s.startNs));
  const at = records.map((r) => sentAt.get(`${r.traceId}/${r.spanId}`));
  return records
    .map((_, i) => i)
    .sort((a, b) => {
      const ta = at[a];
      const tb = at[b];
      return ta !== undefined && tb !== undefined && ta !== tb ? (ta < tb ? -1 : 1) : a - b;
    });
}

/** The first record in a batch claims a nonce; later ones with the same nonce are judged against it. */
export function nonceClaims(records: readonly RecordRow[]): NonceClaim[] {
  const seen = new Set<string>();
  const claims: NonceClaim[] = [];
  for (const r of records) {
    if (!r.nonce) continue;
    const key = nonceKey(r.agent, r.nonce);
    if (seen.has(key)) continue;
    seen.add(key);
    claims.push({ agent: r.agent, nonce: r.nonce, traceId: r.traceId, spanId: r.spanId, contentHash: r.contentHash });
  }
  return claims;
}
