// The approval record the server signs when an on-call approves a held
// action: a firebreak/1 `approval` made by the instance's approver principal
// with the instance key, whose payload names exactly the action, agent, name
// and argument digest the guard holds (approvalMatches in
// lib/guard/approvals.ts), plus who decided and why, so the signed record
// itself is the evidence. It is then shaped as the collector's decoder would
// have shaped it, so it is stored and judged by the collector's own path.
import { createHash, randomBytes, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { packBatch, type DecodeResult } from "../collector/decode-job.ts";
import type { SpanRow } from "../db/ingest-store.ts";
import { recordRowOf } from "../collector/record-row.ts";
import { approvalPayloadFor, type ApprovalRequest } from "../guard/approvals.ts";
import type { WireRecord } from "../protocol/record.ts";
import { signRecord } from "../protocol/sign.ts";
import { formatTimestamp } from "../protocol/timestamp.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { checkRecord } from "../verify/check-record.ts";

export interface ApprovalSigner {
  agentId: string;
  keyId: string;
  privateKey: KeyObject;
}

export interface ApprovalRecordInput {
  request: ApprovalRequest;
  /** The queue entry's id, so the record and the queue point at each other. */
  approvalId: string;
  decidedBy: string;
  reason: string;
  now: number;
}

/**
 * The signed approval. Its parents are the action's parents (so it descends
 * from the request, as rule 4 of the authority check requires), or the
 * request itself when the action has none; its chain is the request alone.
 */
export function signApprovalRecord(input: ApprovalRecordInput, signer: ApprovalSigner, token: () => string = randomToken): WireRecord {
  const { request } = input;
  const root = request.authority[0];
  if (root === undefined) throw new Error("an approval needs the request at the root of the action's authority chain");
  const payload = canonicalize({ ...approvalPayloadFor(request), approvalId: input.approvalId, decidedBy: input.decidedBy, reason: input.reason });
  if (payload === undefined) throw new Error("approval payload cannot be written as canonical JSON");
  const rec: WireRecord = {
    kind: "approval",
    id: `apv-${token()}`,
    agent: signer.agentId,
    intent: request.name,
    timestamp: formatTimestamp(input.now),
    nonce: token(),
    payload,
    parents: request.parents.length > 0 ? [...request.parents] : [root],
    authority: [root],
  };
  rec.signature = signRecord(rec, signer.keyId, signer.privateKey);
  return rec;
}

function randomToken(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * One span and one record row, as decodeBatch would have made them from an
 * OTLP request carrying this record, with the verdicts a collector worker
 * gives at arrival. `traceId` is the root request's trace when it is stored,
 * so the approval shows in the trace the on-call is looking at.
 */
export function approvalBatch(rec: WireRecord, traceId: string, snapshot: RegistrySnapshot, now: number, skewMs?: number): DecodeResult {
  const spanId = randomBytes(8).toString("hex");
  const ns = (BigInt(now) * 1_000_000n).toString();
  const base: Omit<SpanRow, "contentHash"> = {
    traceId,
    spanId,
    parentSpanId: null,
    name: rec.intent === undefined ? "approval" : `approval ${rec.intent}`,
    spanKind: 1,
    startNs: ns,
    endNs: ns,
    serviceName: "firebreak",
    attributes: { "gen_ai.agent.id": rec.agent },
    statusCode: 0,
  };
  const contentHash = createHash("sha256").update(JSON.stringify([base, rec])).digest("hex");
  const row = recordRowOf(rec, { traceId, spanId, contentHash }, checkRecord(rec, snapshot, { now, ...(skewMs === undefined ? {} : { skewMs }) }));
  return packBatch([{ ...base, contentHash }], [row], []);
}

export function randomTraceId(): string {
  return randomBytes(16).toString("hex");
}
