// A firebreak/1 record as the records table stores it: the wire record's
// fields under their column names, the span it rode in, and its verdicts.
// The collector's workers and the approvals service (which signs its own
// records) build rows the same way, so both are judged and stored alike.
import type { RecordRow } from "../db/ingest-store.ts";
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import { parseSignature } from "../protocol/sign.ts";

export function recordRowOf(rec: WireRecord, span: { traceId: string; spanId: string; contentHash: string }, verdicts: VerdictDetail[]): RecordRow {
  const sig = rec.signature ? parseSignature(rec.signature) : null;
  return {
    recordId: rec.id,
    traceId: span.traceId,
    spanId: span.spanId,
    contentHash: span.contentHash,
    kind: rec.kind,
    agent: rec.agent,
    receivers: rec.to ?? [],
    intent: rec.intent ?? null,
    protocol: rec.protocol ?? null,
    ts: rec.timestamp,
    nonce: rec.nonce ?? null,
    payload: rec.payload ?? null,
    parents: rec.parents ?? [],
    authority: rec.authority ?? [],
    actionClass: rec.class ?? null,
    signature: rec.signature ?? null,
    keyId: sig && "keyId" in sig ? sig.keyId : null,
    verdicts,
    pendingOn: [],
  };
}
