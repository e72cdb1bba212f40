// Everything about one OTLP request that needs no database: decode, read the
// firebreak/1 records off the spans, and judge what the registry and a clock
// can judge. Runs in a worker thread (decode-worker.ts).
import { createHash } from "node:crypto";
import { decodeTraceRequest } from "../otlp/decode.ts";
import { OtlpDecodeError } from "../otlp/errors.ts";
import type { DecodedSpan } from "../otlp/decoded-span.ts";
import { recordFromAttributes } from "../protocol/span-to-record.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { checkRecord } from "../verify/check-record.ts";
import type { RecordRow, SpanRow } from "../db/ingest-store.ts";
import { packBatch, type DecodeJob, type DecodeResult } from "./decode-job.ts";
import { recordRowOf } from "./record-row.ts";

export function decodeBatch(job: DecodeJob, snapshot: RegistrySnapshot): DecodeResult {
  let decoded;
  try {
    decoded = decodeTraceRequest(job.body, job.format);
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { ...packBatch([], [], []), error: { code: "bad_request", message: err.message } };
    throw err;
  }
  const result: { spans: SpanRow[]; records: RecordRow[]; rejected: DecodeResult["rejected"] } = { spans: [], records: [], rejected: [...decoded.rejected] };
  decoded.spans.forEach((span, i) => {
    const parsed = recordFromAttributes(span.attributes);
    if (parsed && "error" in parsed) {
      // A record we cannot even read is refused, and the sender is told why.
      result.rejected.push({ path: `span ${span.traceId}/${span.spanId} (#${i})`, reason: parsed.error });
      return;
    }
    const spanRow = toSpanRow(span, parsed !== null);
    result.spans.push(spanRow);
    if (!parsed) return;
    const rec = parsed.record;
    result.records.push(recordRowOf(rec, spanRow, checkRecord(rec, snapshot, { now: job.receivedAt, skewMs: job.skewMs })));
  });
  return packBatch(result.spans, result.records, result.rejected);
}

function toSpanRow(span: DecodedSpan, isRecord: boolean): SpanRow {
  const row: Omit<SpanRow, "contentHash"> = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    spanKind: span.kind,
    startNs: span.startTimeUnixNano.toString(),
    endNs: span.endTimeUnixNano.toString(),
    serviceName: span.serviceName,
    attributes: span.attributes,
    statusCode: span.statusCode,
  };
  // Same content hash = an OTLP retry of the very same span (a no-op);
  // different content under the same ids is kept beside it as evidence.
  const contentHash = createHash("sha256").update(JSON.stringify([row, span.statusMessage])).digest("hex");
  // A record's firebreak.* attributes are stored once, in its records row.
  return { ...row, attributes: isRecord ? withoutRecordAttributes(span.attributes) : span.attributes, contentHash };
}

function withoutRecordAttributes(attrs: DecodedSpan["attributes"]): DecodedSpan["attributes"] {
  const rest: DecodedSpan["attributes"] = {};
  for (const [k, v] of Object.entries(attrs)) if (!k.startsWith("firebreak.")) rest[k] = v;
  return rest;
}
