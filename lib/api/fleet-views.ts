// The fleet screens' read API: the overview (GET /api/v1/overview), an agent's
// or an edge's activity over time (GET /api/v1/activity) and the anomaly
// timeline (GET /api/v1/timeline). Routes parse with the queries, the
// dashboard reads with the views, lib/api/openapi.ts documents both, and the
// integration tests check answers against them. Outputs are tolerant (plain
// strings for states, severities and detectors) like views.ts.
import { z } from "zod";
import { WindowQuery } from "./params.ts";

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const name = (what: string) => z.string({ error: `${what} is required` }).trim().min(1, { error: `${what} is empty` }).max(512, { error: `${what} is longer than 512 characters` });

// ---------------------------------------------------------------- series

export const SeriesBucketView = z
  .object({
    at: isoTime.meta({ description: "Start of the bucket." }),
    records: count.meta({ description: "Records in the bucket (for an edge: messages on it)." }),
    verified: count,
    failed: count.meta({ description: "Records that failed at least one check (not verified and not pending)." }),
    findings: count.meta({ description: "Anomaly and cap findings stamped in the bucket." }),
  })
  .meta({ id: "SeriesBucketView" });
export type SeriesBucketView = z.infer<typeof SeriesBucketView>;

export const SeriesView = z
  .object({
    from: isoTime,
    to: isoTime,
    stepMs: z.number().int().positive().meta({ description: "Bucket width in milliseconds." }),
    buckets: z.array(SeriesBucketView).meta({ description: "Every bucket from `from` to `to`, oldest first; empty buckets are zeros." }),
  })
  .meta({ id: "SeriesView" });
export type SeriesView = z.infer<typeof SeriesView>;

// ---------------------------------------------------------------- overview

export const OverviewQuery = WindowQuery;
export type OverviewQuery = z.output<typeof OverviewQuery>;

export const StateCountsView = z
  .object({ CLOSED: count, HALF_OPEN: count, OPEN: count, FORCED_OPEN: count, METRICS_ONLY: count })
  .meta({ id: "StateCountsView" });
export type StateCountsView = z.infer<typeof StateCountsView>;

export const BlastAgentView = z
  .object({
    agent: z.string(),
    displayName: z.string().nullable(),
    findings: count.meta({ description: "Findings about the agent in the window." }),
    maxImpact: z.number().nullable().meta({ description: "Largest impact (deviation times downstream reach); null until scored." }),
    maxReach: count.nullable().meta({ description: "Most agents downstream of one of its findings." }),
    lastAt: isoTime,
    topExplanation: z.string().meta({ description: "The explanation of its highest-impact finding." }),
  })
  .meta({ id: "BlastAgentView" });
export type BlastAgentView = z.infer<typeof BlastAgentView>;

export const OverviewView = z
  .object({
    from: isoTime,
    to: isoTime,
    edges: StateCountsView.meta({ description: "Edges (with traffic in the window or a breaker) by their breaker's state; no breaker row counts CLOSED." }),
    agents: StateCountsView.meta({ description: "Sending agents by the worst breaker state on their outgoing edges." }),
    awaitingReview: count.meta({ description: "OPEN breakers that wait for a person's review." }),
    incidents: z
      .object({ low: count, medium: count, high: count, critical: count })
      .meta({ description: "Open incidents (status `open`) by severity." }),
    acknowledged: count.meta({ description: "Incidents acknowledged but not resolved." }),
    series: SeriesView,
    blast: z.array(BlastAgentView).meta({ description: "Agents whose findings reach furthest, highest impact first (at most 8)." }),
  })
  .meta({ id: "OverviewView" });
export type OverviewView = z.infer<typeof OverviewView>;

// ---------------------------------------------------------------- activity

export const ActivityQuery = WindowQuery.safeExtend({
  agent: name("agent").optional().meta({ description: "Records the agent sent, findings about it." }),
  sender: name("sender").optional().meta({ description: "With `receiver`: messages on the edge sender -> receiver." }),
  receiver: name("receiver").optional(),
}).superRefine((q, ctx) => {
  const edge = q.sender !== undefined || q.receiver !== undefined;
  if (edge && (q.sender === undefined || q.receiver === undefined)) {
    ctx.addIssue({ code: "custom", path: [q.sender === undefined ? "sender" : "receiver"], message: "an edge needs both sender and receiver" });
  }
  if (edge && q.agent !== undefined) ctx.addIssue({ code: "custom", path: ["agent"], message: "give either agent or sender and receiver, not both" });
  if (!edge && q.agent === undefined) ctx.addIssue({ code: "custom", path: ["agent"], message: "name an agent, or an edge with sender and receiver" });
});
export type ActivityQuery = z.output<typeof ActivityQuery>;

export const ActivityView = SeriesView.safeExtend({
  subject: z.string().meta({ description: "The agent id, or `sender -> receiver`." }),
}).meta({ id: "ActivityView" });
export type ActivityView = z.infer<typeof ActivityView>;

// ---------------------------------------------------------------- timeline

export const MAX_TIMELINE_ITEMS = 5_000;

export const TimelineQuery = WindowQuery.safeExtend({
  agent: name("agent").optional().meta({ description: "Only findings about this agent and transitions of its edges." }),
});
export type TimelineQuery = z.output<typeof TimelineQuery>;

export const TimelineFindingView = z
  .object({
    id: z.string(),
    detector: z.string(),
    recordId: z.string().nullable(),
    agent: z.string().nullable(),
    receivers: z.array(z.string()).meta({ description: "The receivers of the finding's record (its edges); empty when it has none." }),
    subject: z.string(),
    score: z.number().nullable(),
    explanation: z.string(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
    at: isoTime,
    impact: z.number().nullable(),
    reach: count.nullable(),
  })
  .meta({ id: "TimelineFindingView" });
export type TimelineFindingView = z.infer<typeof TimelineFindingView>;

export const TimelineTransitionView = z
  .object({
    id: z.string(),
    sender: z.string(),
    receiver: z.string(),
    from: z.string(),
    to: z.string(),
    at: isoTime,
    cause: z.string(),
    recordIds: z.array(z.string()),
    detail: z.string(),
    actor: z.string().nullable(),
  })
  .meta({ id: "TimelineTransitionView" });
export type TimelineTransitionView = z.infer<typeof TimelineTransitionView>;

export const TimelineView = z
  .object({
    from: isoTime,
    to: isoTime,
    findings: z.array(TimelineFindingView).meta({ description: `Oldest first; the newest ${MAX_TIMELINE_ITEMS} when there are more.` }),
    transitions: z.array(TimelineTransitionView).meta({ description: "Breaker transitions (kill switch included), oldest first." }),
    truncated: z.boolean().meta({ description: `More than ${MAX_TIMELINE_ITEMS} findings or transitions in the window: narrow it.` }),
  })
  .meta({ id: "TimelineView" });
export type TimelineView = z.infer<typeof TimelineView>;

// ---------------------------------------------------------------- registry entry, as the browser reads it

/**
 * GET /api/v1/agents/:id as the agent page reads it. The registry's own
 * AgentView checks each key is a usable Ed25519 point with node:crypto,
 * which a browser does not have; a reader only needs the shape, so this
 * one is tolerant like the other output views.
 */
export const RegistryAgentReadView = z.object({
  id: z.string(),
  displayName: z.string(),
  kind: z.string(),
  keys: z.array(z.object({ keyId: z.string(), publicKey: z.string(), notBefore: isoTime.nullable(), notAfter: isoTime.nullable() })),
  capabilities: z.array(z.object({ intent: z.string(), to: z.array(z.string()) })),
  memory: z.object({ read: z.array(z.string()), write: z.array(z.string()) }),
  protocols: z.record(z.string(), z.string()),
  version: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  attestation: z.object({ registrarKeyId: z.string() }).optional(),
  attested: z.boolean(),
  attestationError: z.string().optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type RegistryAgentReadView = z.infer<typeof RegistryAgentReadView>;
