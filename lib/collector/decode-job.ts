// What crosses between the collector's main thread and its workers.
import type { ErrorCode } from "../api/errors.ts";
import type { BodyFormat } from "../otlp/body.ts";
import type { RecordRow, SpanRow } from "../db/ingest-store.ts";

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
  spans: SpanRow[];
  /** Records with the verdicts that need no database: identity, signature, skew, contract, capability, protocol, memory. */
  records: RecordRow[];
  rejected: { path: string; reason: string }[];
  /** Set when the request as a whole is unusable (not decodable): no span is stored. */
  error?: { code: ErrorCode; message: string };
}
