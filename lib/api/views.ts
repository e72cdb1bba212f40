// The JSON shapes the read API returns. The route handlers produce them,
// the dashboard parses responses with them, the integration tests check
// responses against them, and lib/api/openapi.ts documents them. Output
// schemas are tolerant (plain strings for kinds and verdicts) so an older
// dashboard still reads a newer server; the query schemas are the strict ones.
import { z } from "zod";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
/** Verdict name -> number of records that got it. */
const VerdictCounts = z.record(z.string(), count);

export const VerdictDetailView = z.object({
  verdict: z.string(),
  detail: z.string().optional(),
});
export type VerdictDetailView = z.infer<typeof VerdictDetailView>;

export const RecordView = z
  .object({
    seq: z.string().regex(/^\d+$/).meta({ description: "Storage order; stable across pages." }),
    id: z.string().meta({ description: "The firebreak id (firebreak.id); forged copies can share it." }),
    traceId: z.string(),
    spanId: z.string(),
    kind: z.string().meta({ description: "request | approval | message | state.write | state.read | action" }),
    agent: z.string().meta({ description: "The agent the record claims sent it." }),
    receivers: z.array(z.string()),
    intent: z.string().nullable(),
    protocol: z.string().nullable(),
    timestamp: isoTime.meta({ description: "The record's own timestamp (firebreak.timestamp)." }),
    receivedAt: isoTime,
    nonce: z.string().nullable(),
    payload: z.string().nullable().meta({ description: "The payload exactly as signed: JSON text." }),
    parents: z.array(z.string()),
    authority: z.array(z.string()),
    actionClass: z.string().nullable(),
    signature: z.string().nullable(),
    keyId: z.string().nullable(),
    verdicts: z.array(z.string()),
    verdictDetails: z.array(VerdictDetailView),
    verified: z.boolean(),
    pendingOn: z.array(z.string()).meta({ description: "Record ids the verdict still waits on." }),
  })
  .meta({ id: "RecordView" });
export type RecordView = z.infer<typeof RecordView>;

export const RecordsPage = z
  .object({
    items: z.array(RecordView),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "RecordsPage" });
export type RecordsPage = z.infer<typeof RecordsPage>;

export const RecordDetail = z
  .object({
    id: z.string(),
    records: z.array(RecordView).min(1).meta({ description: "More than one when copies with different content were sent under one id." }),
  })
  .meta({ id: "RecordDetail" });
export type RecordDetail = z.infer<typeof RecordDetail>;

const TimeWindowView = {
  from: isoTime,
  to: isoTime,
};

export const EdgeView = z
  .object({
    sender: z.string(),
    receiver: z.string(),
    total: count,
    verified: count,
    verifiedShare: z.number().min(0).max(1),
    byVerdict: VerdictCounts,
    lastSeen: isoTime,
  })
  .meta({ id: "EdgeView" });
export type EdgeView = z.infer<typeof EdgeView>;

export const EdgesResponse = z
  .object({ ...TimeWindowView, items: z.array(EdgeView) })
  .meta({ id: "EdgesResponse" });
export type EdgesResponse = z.infer<typeof EdgesResponse>;

export const AgentSummaryView = z
  .object({
    id: z.string(),
    registered: z.boolean().meta({ description: "False for senders that are not in the registry." }),
    displayName: z.string().nullable(),
    kind: z.string().nullable(),
    attested: z.boolean(),
    version: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    sent: count.meta({ description: "Records sent in the window." }),
    verified: count,
    verifiedShare: z.number().min(0).max(1).nullable().meta({ description: "Null when nothing was sent in the window." }),
    byVerdict: VerdictCounts,
    lastSeen: isoTime.nullable().meta({ description: "Timestamp of the agent's latest record, at any time." }),
  })
  .meta({ id: "AgentSummaryView" });
export type AgentSummaryView = z.infer<typeof AgentSummaryView>;

export const AgentsSummaryResponse = z
  .object({
    ...TimeWindowView,
    hasRecords: z.boolean().meta({ description: "Whether any record was ever stored, in any window: tells a new install from a quiet hour." }),
    items: z.array(AgentSummaryView),
  })
  .meta({ id: "AgentsSummaryResponse" });
export type AgentsSummaryResponse = z.infer<typeof AgentsSummaryResponse>;

export const ErrorView = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string().meta({ description: "What went wrong and what to fix." }),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: "Error" });
export type ErrorView = z.infer<typeof ErrorView>;
