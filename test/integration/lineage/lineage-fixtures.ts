// Records as the collector hands them to insertBatch, for lineage tests: a
// verified message by default, ids and hashes from a counter, times from a
// fixed instant.
import { createHash } from "node:crypto";
import type pg from "pg";
import { insertBatch, withTransaction, type RecordRow, type SpanRow } from "@/lib/db/ingest-store.ts";
import { insertEdges } from "@/lib/db/lineage-store.ts";
import type { VerdictDetail } from "@/lib/protocol/record.ts";
import type { Finding } from "@/lib/engine/detectors/finding.ts";

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
let counter = 0;
const hex = (label: string, chars: number) => createHash("sha256").update(label).digest("hex").slice(0, chars);

export interface RowSpec extends Partial<Omit<RecordRow, "ts" | "verdicts">> {
  /** Seconds after T0. */
  at?: number;
  verdicts?: VerdictDetail[];
}

export function recordRow(id: string, spec: RowSpec = {}): RecordRow {
  counter++;
  const { at, ...rest } = spec;
  return {
    recordId: id,
    traceId: hex(`trace ${counter}`, 32),
    spanId: hex(`span ${counter}`, 16),
    contentHash: hex(`content ${counter}`, 64),
    kind: "message",
    agent: "agent-a",
    receivers: [],
    intent: null,
    protocol: "a2a/0.3",
    ts: new Date(T0 + (at ?? counter) * 1000).toISOString(),
    nonce: hex(`nonce ${counter}`, 22),
    payload: null,
    parents: [],
    authority: [],
    actionClass: null,
    signature: null,
    keyId: "k1",
    verdicts: [{ verdict: "verified" }],
    pendingOn: [],
    ...rest,
  };
}

/** The span a record came in, sent `sentAt` seconds after T0 (its start time; a replay repeats the record, not the span). */
export function spanOf(row: RecordRow, sentAt: number): SpanRow {
  const ns = (BigInt(T0) + BigInt(Math.round(sentAt * 1000))) * 1_000_000n;
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    parentSpanId: null,
    name: `${row.kind} ${row.recordId}`,
    spanKind: 4,
    startNs: ns.toString(),
    endNs: ns.toString(),
    serviceName: row.agent,
    attributes: {},
    statusCode: 0,
    contentHash: row.contentHash,
  };
}

/** Stores rows the way the collector will: spans (when given), records, then their edges, in one transaction. */
export async function store(pool: pg.Pool, rows: RecordRow[], spans: SpanRow[] = []): Promise<number> {
  return withTransaction(pool, async (tx) => {
    await insertBatch(tx, "default", spans, rows);
    return insertEdges(tx, "default", rows);
  });
}

export const bad = (detail = "signature does not verify"): VerdictDetail[] => [{ verdict: "bad_signature", detail }];

/** A finding as a detector returns it: about `recordId`, resting on `evidence` (default: the record alone). */
export function finding(f: Pick<Finding, "detector" | "recordId" | "explanation"> & Partial<Finding>): Finding {
  return {
    agent: "agent-a",
    subject: f.detector,
    score: Number.NaN,
    params: {},
    evidence: f.recordId === null ? [] : [f.recordId],
    at: T0,
    ...f,
  };
}
