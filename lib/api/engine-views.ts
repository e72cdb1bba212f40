// What the engine's routes (lineage, marks, findings, breakers) accept and
// return, as zod schemas: the routes parse with them, lib/api/openapi.ts
// documents them, and the integration tests check responses against them.
// Like views.ts, outputs are tolerant (plain strings for kinds, states,
// detectors and causes) so an older dashboard still reads a newer server;
// inputs are strict.
import { z } from "zod";
import { LineageBoundsQuery } from "../lineage/bounds-schema.ts";
import { ORIGIN_BECAUSE } from "../lineage/types.ts";
import { BREAKER_CAUSES, BREAKER_STATES } from "../engine/breaker/states.ts";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const rfc3339 = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an RFC 3339 time with a zone, like 2026-11-21T09:30:00Z` });
const name = (what: string) =>
  z.string({ error: `${what} is required` }).trim().min(1, { error: `${what} is empty` }).max(512, { error: `${what} is longer than 512 characters` });
/** Every change says why: the reason is stored with the actor who made it. */
const Reason = z
  .string({ error: "reason is required: say why, it is stored with your name" })
  .trim()
  .min(1, { error: "reason is empty: say why, it is stored with your name" })
  .max(2000, { error: "reason is longer than 2000 characters" });
const limit = (fallback: number, max: number) =>
  z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(max, { error: `limit must be at most ${max}` })
    .default(fallback);

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }): boolean =>
  q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to);

// ---------------------------------------------------------------- lineage

export const LineageRecordQuery = LineageBoundsQuery.safeExtend({
  record: name("record").meta({ description: "The firebreak id of the record to start from." }),
});
export type LineageRecordQuery = z.output<typeof LineageRecordQuery>;

export const StateOriginQuery = LineageBoundsQuery.safeExtend({
  key: name("key").meta({ description: "The state key (the intent of its state.write records)." }),
  at: rfc3339("at").optional().meta({ description: "The version current at this time (RFC 3339). Default: the latest." }),
});
export type StateOriginQuery = z.output<typeof StateOriginQuery>;

export const SuspicionView = z.object({
  kind: z.string().meta({ description: "verification | anomaly | compromised_agent | compromised_key | analyst_mark" }),
  detail: z.string(),
  detector: z.string().optional().meta({ description: "For an anomaly: the detector (or cap) whose finding names the record." }),
});

const nodeFields = {
  id: z.string(),
  stored: z.boolean().meta({ description: "False when the id is referenced but no record with it was stored." }),
  kind: z.string().nullable(),
  agent: z.string().nullable(),
  ts: isoTime.nullable(),
  actionClass: z.string().nullable(),
  flagged: z.boolean().meta({ description: "Suspect on its own, not merely downstream of something suspect." }),
  reasons: z.array(SuspicionView),
};

export const LineageNodeView = z.object(nodeFields).meta({ id: "LineageNodeView" });

export const SuspectView = z
  .object({ ...nodeFields, why: z.array(z.string()).meta({ description: "Its own reasons, then which origin it derives from and how far up." }) })
  .meta({ id: "SuspectView" });

const EdgeStep = z.object({
  kind: z.string().meta({ description: "parent | authority | state" }),
  prov: z.string().meta({ description: "The W3C PROV term: wasDerivedFrom | used | wasGeneratedBy | actedOnBehalfOf" }),
});

export const OriginPathView = z
  .object({
    origin: z.string(),
    hops: count,
    steps: z
      .array(SuspectView.safeExtend({ next: EdgeStep.nullable().meta({ description: "How this record depends on the next step up; null on the origin." }) }))
      .meta({ description: "From the record asked about (first) up to the origin (last)." }),
  })
  .meta({ id: "OriginPathView" });

const Truncated = z.array(z.string()).meta({ description: "Bounds that cut the walk short: depth | nodes | budget | window. Empty when the answer is complete." });

export const OriginView = z
  .object({
    start: z.string(),
    startStored: z.boolean(),
    tainted: z.boolean().meta({ description: "The start is flagged or derives from something flagged." }),
    origins: z
      .array(
        SuspectView.extend({
          because: z.enum(ORIGIN_BECAUSE).meta({ description: "nothing_flagged_upstream: its parents are clean, and theirs; loop_entry: a feedback loop entered here, its own parents clean, with something flagged further up (listed as another origin)." }),
        }),
      )
      .meta({ description: "Flagged records with nothing flagged upstream of them, and the first records a feedback_loop finding names whose own parents are clean (where a loop entered, ADR 0052); `why` says which." }),
    paths: z.array(OriginPathView).meta({ description: "One shortest path per origin." }),
    flaggedUpstream: count,
    visited: count,
    missing: z.array(z.string()).meta({ description: "Referenced ids with no stored record." }),
    truncated: Truncated,
  })
  .meta({ id: "OriginView" });
export type OriginView = z.infer<typeof OriginView>;

export const StateOriginView = z
  .object({ key: z.string(), at: isoTime.nullable(), version: z.string().meta({ description: "The state.write record current at `at`." }), origin: OriginView })
  .meta({ id: "StateOriginView" });
export type StateOriginView = z.infer<typeof StateOriginView>;

const DescendantView = z.object({
  ...nodeFields,
  depth: count,
  via: z.object({ parent: z.string(), kind: z.string(), prov: z.string() }).nullable().meta({ description: "The edge that first reached it." }),
  tainted: z.boolean(),
  taintedBy: z.string().nullable().meta({ description: "The flagged record (or start) its taint comes from; null when clean." }),
  why: z.array(z.string()),
});

const blastFields = {
  starts: z.array(LineageNodeView),
  startTainted: z.boolean(),
  descendants: z.array(DescendantView).meta({ description: "Everything downstream, breadth-first; the starts are not repeated." }),
  counts: z.object({
    total: count,
    messages: count,
    stateVersions: count,
    stateReads: count,
    actions: count,
    redActions: count,
    requests: count,
    approvals: count,
    unstored: count,
    tainted: count,
  }),
  byAgent: z.array(z.object({ agent: z.string(), records: count, tainted: count, decisions: count, taintedDecisions: count })).meta({ description: "Most records first." }),
  decisions: z
    .object({ total: count, tainted: count, share: z.number().min(0).max(1).nullable() })
    .meta({ description: "Actions and state writes downstream, and the share of them tainted (null when there are none)." }),
  time: z.object({ first: isoTime.nullable(), last: isoTime.nullable(), spanMs: z.number().nullable(), lastAfterStartMs: z.number().nullable() }),
  visited: count,
  truncated: Truncated,
};

export const BlastRadiusView = z
  .object({
    ...blastFields,
    upstreamOrigins: z.array(z.string()).nullable().meta({ description: "Origins upstream of the start; any makes the whole radius tainted." }),
  })
  .meta({ id: "BlastRadiusView" });
export type BlastRadiusView = z.infer<typeof BlastRadiusView>;

// ---------------------------------------------------------------- marks

export const CompromiseMarkView = z
  .object({
    id: z.string(),
    agent: z.string(),
    keyId: z.string().nullable().meta({ description: "Null: every key of the agent." }),
    from: isoTime.meta({ description: "Records stamped at or after this are suspect." }),
    reason: z.string(),
    markedBy: z.string(),
    markedAt: isoTime,
  })
  .meta({ id: "CompromiseMarkView" });
export type CompromiseMarkView = z.infer<typeof CompromiseMarkView>;

export const CompromiseMarkBody = z
  .object({
    agent: name("agent"),
    keyId: name("keyId").nullable().optional().meta({ description: "Mark only this key of the agent compromised. Leave out for the whole agent." }),
    from: rfc3339("from").meta({ description: "Compromised from this time on (RFC 3339)." }),
    reason: Reason,
  })
  .strict()
  .meta({ id: "CompromiseMarkBody" });
export type CompromiseMarkBody = z.output<typeof CompromiseMarkBody>;

export const CompromiseMarksQuery = z.object({ agent: z.string().max(512).optional().meta({ description: "Only this agent's marks." }) });
export type CompromiseMarksQuery = z.output<typeof CompromiseMarksQuery>;

export const MarkIdParams = z.object({ id: z.string().regex(/^\d{1,19}$/, { error: "a mark id is a whole number, as returned when the mark was made" }) });
export type MarkIdParams = z.output<typeof MarkIdParams>;

export const CompromiseImpactQuery = LineageBoundsQuery;

export const CompromiseImpactView = z
  .object({
    ...blastFields,
    mark: CompromiseMarkView,
    covered: count.meta({ description: "Records the mark covers directly (the starts)." }),
    coveredTruncated: z.boolean().meta({ description: "The mark covers more records than `maxNodes` allowed as starts." }),
  })
  .meta({ id: "CompromiseImpactView" });
export type CompromiseImpactView = z.infer<typeof CompromiseImpactView>;

export const RecordMarkView = z
  .object({ id: z.string(), recordId: z.string(), reason: z.string(), markedBy: z.string(), markedAt: isoTime })
  .meta({ id: "RecordMarkView" });
export type RecordMarkView = z.infer<typeof RecordMarkView>;

export const RecordMarkBody = z.object({ record: name("record"), reason: Reason }).strict().meta({ id: "RecordMarkBody" });
export type RecordMarkBody = z.output<typeof RecordMarkBody>;

export const RecordMarksQuery = z.object({ record: z.string().max(512).optional().meta({ description: "Only the marks on this record id." }) });
export type RecordMarksQuery = z.output<typeof RecordMarksQuery>;

export const DeletedView = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: "DeletedView" });
export type DeletedView = z.infer<typeof DeletedView>;

// ---------------------------------------------------------------- findings

export const FINDING_ORDERS = ["time", "impact"] as const;
export const DEFAULT_FINDINGS_LIMIT = 50;
export const MAX_FINDINGS_LIMIT = 500;

export const FindingsQuery = z.object({
  detector: z.string().max(128).optional().meta({ description: "Only findings of this detector or cap (e.g. semantic_deviation, cap_receivers)." }),
  agent: z.string().max(512).optional(),
  record: z.string().max(512).optional().meta({ description: "Only findings about this record id." }),
  from: rfc3339("from").optional().meta({ description: "Findings at or after this time (RFC 3339)." }),
  to: rfc3339("to").optional().meta({ description: "Findings before this time (RFC 3339)." }),
  order: z
    .enum(FINDING_ORDERS, { error: "order must be time or impact" })
    .default("time")
    .meta({ description: "`time`: newest first. `impact`: highest impact first; findings not yet scored come last." }),
  cursor: z.string().max(512).optional().meta({ description: "`nextCursor` of the previous page, with the same `order`." }),
  limit: limit(DEFAULT_FINDINGS_LIMIT, MAX_FINDINGS_LIMIT),
}).refine(fromBeforeTo, { error: "from must be before to", path: ["from"] });
export type FindingsQuery = z.output<typeof FindingsQuery>;

export const FindingView = z
  .object({
    id: z.string(),
    detector: z.string().meta({ description: "The detector, cap (cap_*) or `verification`; new ones may appear." }),
    recordId: z.string().nullable(),
    agent: z.string().nullable(),
    subject: z.string().meta({ description: "What was measured: a field path, an edge, an intent, a cycle." }),
    score: z.number().nullable().meta({ description: "How far from normal; null when there is no one number." }),
    explanation: z.string(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    evidence: z.array(z.string()).meta({ description: "Every record the finding rests on." }),
    at: isoTime,
    impact: z.number().nullable().meta({ description: "Deviation times downstream reach; null until scored." }),
    reach: count.nullable().meta({ description: "Records downstream of the finding's record; null until scored." }),
  })
  .meta({ id: "FindingView" });
export type FindingView = z.infer<typeof FindingView>;

export const FindingsPage = z
  .object({
    items: z.array(FindingView),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` (with the same `order`) for the next page; null on the last page." }),
  })
  .meta({ id: "FindingsPage" });
export type FindingsPage = z.infer<typeof FindingsPage>;

// ---------------------------------------------------------------- breakers

export const BreakersQuery = z.object({
  sender: z.string().max(512).optional(),
  receiver: z.string().max(512).optional(),
  state: z.enum(BREAKER_STATES, { error: `state must be one of: ${BREAKER_STATES.join(", ")}` }).optional(),
});
export type BreakersQuery = z.output<typeof BreakersQuery>;

export const BreakerView = z
  .object({
    sender: z.string(),
    receiver: z.string(),
    state: z.string().meta({ description: "CLOSED | OPEN | HALF_OPEN | FORCED_OPEN | METRICS_ONLY" }),
    since: isoTime,
    reopensAt: isoTime.nullable().meta({ description: "OPEN: when it lets a probe through; null when it waits for review or is not OPEN." }),
    awaitingReview: z.boolean(),
    failures: z
      .object({
        inARow: count.meta({ description: "Failures in a row (CLOSED and METRICS_ONLY)." }),
        window: z.object({ calls: count, failures: count, anomalies: count }).meta({ description: "The sliding window as of the last record." }),
      })
      .nullable()
      .meta({ description: "Null in states that do not count (OPEN, HALF_OPEN, FORCED_OPEN)." }),
    probesLeft: count.nullable().meta({ description: "HALF_OPEN: probes still to let through." }),
    wouldHaveTripped: count.nullable().meta({ description: "METRICS_ONLY: trips measured in dry run." }),
    forced: z.object({ actor: z.string(), reason: z.string() }).nullable().meta({ description: "FORCED_OPEN: who turned the kill switch on, and why." }),
    updatedAt: isoTime,
  })
  .meta({ id: "BreakerView" });
export type BreakerView = z.infer<typeof BreakerView>;

export const BreakersResponse = z.object({ items: z.array(BreakerView) }).meta({ id: "BreakersResponse" });
export type BreakersResponse = z.infer<typeof BreakersResponse>;

export const BreakerEventsQuery = z.object({
  sender: z.string().max(512).optional(),
  receiver: z.string().max(512).optional(),
  cause: z.enum(BREAKER_CAUSES, { error: `cause must be one of: ${BREAKER_CAUSES.join(", ")}` }).optional(),
  from: rfc3339("from").optional().meta({ description: "Events at or after this time (RFC 3339)." }),
  to: rfc3339("to").optional().meta({ description: "Events before this time (RFC 3339)." }),
  limit: limit(100, 1000),
}).refine(fromBeforeTo, { error: "from must be before to", path: ["from"] });
export type BreakerEventsQuery = z.output<typeof BreakerEventsQuery>;

const transitionFields = {
    sender: z.string(),
    receiver: z.string(),
    from: z.string(),
    to: z.string(),
    at: isoTime,
    cause: z.string(),
    recordIds: z.array(z.string()).meta({ description: "The records that caused it." }),
    detail: z.string(),
    actor: z.string().nullable().meta({ description: "Who, for a human action." }),
};

export const BreakerEventView = z.object({ id: z.string(), ...transitionFields }).meta({ id: "BreakerEventView" });
export type BreakerEventView = z.infer<typeof BreakerEventView>;

export const BreakerEventsResponse = z.object({ items: z.array(BreakerEventView) }).meta({ id: "BreakerEventsResponse" });
export type BreakerEventsResponse = z.infer<typeof BreakerEventsResponse>;

export const BREAKER_ACTIONS = ["force_open", "release", "dry_run", "enforce", "review", "reset"] as const;

export const BreakerOperationBody = z
  .object({
    sender: name("sender"),
    receiver: name("receiver"),
    action: z.enum(BREAKER_ACTIONS, { error: `action must be one of: ${BREAKER_ACTIONS.join(", ")}` }),
    reason: Reason,
    decision: z
      .enum(["release", "keep_open"], { error: "decision must be release or keep_open" })
      .optional()
      .meta({ description: "For `review` only: `release` lets it try half-open, `keep_open` leaves it open." }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.action === "review" && b.decision === undefined) ctx.addIssue({ code: "custom", path: ["decision"], message: "a review needs a decision: release or keep_open" });
    if (b.action !== "review" && b.decision !== undefined) ctx.addIssue({ code: "custom", path: ["decision"], message: "decision is only for action review" });
  })
  .meta({ id: "BreakerOperationBody" });
export type BreakerOperationBody = z.output<typeof BreakerOperationBody>;

export const BreakerOperationView = z
  .object({
    breaker: BreakerView,
    transitions: z
      .array(z.object(transitionFields))
      .meta({ description: "The transitions it took, each stored as an event; empty for a review that kept it open." }),
  })
  .meta({ id: "BreakerOperationView" });
export type BreakerOperationView = z.infer<typeof BreakerOperationView>;
