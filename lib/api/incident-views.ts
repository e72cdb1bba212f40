// The incidents API: query, path and body schemas (strict, they parse what
// arrives) and the JSON shapes it returns (tolerant: plain strings for
// kinds, so an older dashboard still reads a newer server). The routes parse
// with them, the integration tests check responses against them, and
// lib/api/openapi.ts documents them.
import { z } from "zod";
import { FindingView } from "./engine-views.ts";
import { SEVERITIES } from "../engine/incidents/severity.ts";
import { INCIDENT_STATUSES } from "../engine/incidents/status.ts";

const isoTime = z.iso.datetime({ offset: true });
const rfc3339 = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an RFC 3339 time with a zone, like 2026-11-21T09:30:00Z` });

export const DEFAULT_INCIDENTS_LIMIT = 50;
export const MAX_INCIDENTS_LIMIT = 200;

export const IncidentsQuery = z.object({
  status: z
    .enum(INCIDENT_STATUSES, { error: `status must be one of: ${INCIDENT_STATUSES.join(", ")}` })
    .optional()
    .meta({ description: "Only incidents in this status. Default: every status but `merged`." }),
  severity: z.enum(SEVERITIES, { error: `severity must be one of: ${SEVERITIES.join(", ")}` }).optional(),
  from: rfc3339("from").optional().meta({ description: "Only incidents active at or after this time: their latest finding is not earlier (RFC 3339)." }),
  to: rfc3339("to").optional().meta({ description: "Only incidents that began before this time: their earliest finding is earlier (RFC 3339)." }),
  cursor: z.string().max(512).optional().meta({ description: "`nextCursor` of the previous page." }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_INCIDENTS_LIMIT, { error: `limit must be at most ${MAX_INCIDENTS_LIMIT}` })
    .default(DEFAULT_INCIDENTS_LIMIT),
}).refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { error: "from must be before to", path: ["from"] });
export type IncidentsQuery = z.output<typeof IncidentsQuery>;

export const IncidentIdParams = z.object({ id: z.string().min(1).max(64) });
export type IncidentIdParams = z.output<typeof IncidentIdParams>;

export const ResolveIncidentBody = z
  .object({
    reason: z
      .string({ error: "reason is required: say how the incident was dealt with" })
      .trim()
      .min(1, { error: "reason is empty: say how the incident was dealt with" })
      .max(4_000, { error: "reason must be at most 4000 characters" }),
  })
  .meta({ id: "ResolveIncidentBody" });
export type ResolveIncidentBody = z.output<typeof ResolveIncidentBody>;

export const IncidentNoteBody = z
  .object({
    text: z
      .string({ error: "text is required" })
      .trim()
      .min(1, { error: "text is empty: write the note" })
      .max(10_000, { error: "text must be at most 10000 characters" }),
  })
  .meta({ id: "IncidentNoteBody" });
export type IncidentNoteBody = z.output<typeof IncidentNoteBody>;

export const IncidentSummaryView = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: z.string().meta({ description: "low | medium | high | critical" }),
    status: z.string().meta({ description: "open | acknowledged | resolved | merged" }),
    firstAt: isoTime.meta({ description: "Time of its earliest finding." }),
    lastAt: isoTime.meta({ description: "Time of its latest finding: last activity. An hour later new findings open a new incident." }),
    openedAt: isoTime,
    updatedAt: isoTime,
    acknowledgedBy: z.string().nullable(),
    acknowledgedAt: isoTime.nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: isoTime.nullable(),
    resolution: z.string().nullable(),
    analystActed: z.boolean().meta({ description: "Acknowledged, noted or resolved: from then on it is never merged, only linked." }),
    mergedInto: z.string().nullable().meta({ description: "For a merged incident, the one its findings went to." }),
    originIds: z.array(z.string()).meta({ description: "Lineage origins of its findings' records." }),
    recordIds: z.array(z.string()),
    agents: z.array(z.string()),
    findingCount: z.number().int().nonnegative(),
    maxImpact: z.number().nullable().meta({ description: "The largest impact (deviation x (1 + downstream reach)) among its findings." }),
  })
  .meta({ id: "IncidentSummaryView" });
export type IncidentSummaryView = z.infer<typeof IncidentSummaryView>;

export const IncidentsPage = z
  .object({
    items: z.array(IncidentSummaryView),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "IncidentsPage" });
export type IncidentsPage = z.infer<typeof IncidentsPage>;

export const IncidentNoteView = z
  .object({ id: z.string(), author: z.string(), text: z.string(), at: isoTime })
  .meta({ id: "IncidentNoteView" });
export type IncidentNoteView = z.infer<typeof IncidentNoteView>;

export const IncidentEventView = z
  .object({
    id: z.string(),
    kind: z.string().meta({ description: "opened | severity | merged | absorbed | linked | acknowledged | resolved | noted" }),
    from: z.string().nullable(),
    to: z.string().nullable(),
    actor: z.string().meta({ description: "Who: the signed-in principal, or `engine` for grouping." }),
    detail: z.string(),
    at: isoTime,
  })
  .meta({ id: "IncidentEventView" });
export type IncidentEventView = z.infer<typeof IncidentEventView>;

export const TimelineEntryView = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("finding"), at: isoTime, findingId: z.string(), detector: z.string(), agent: z.string().nullable(), recordId: z.string().nullable(), text: z.string() }),
    z.object({ type: z.literal("breaker"), at: isoTime, sender: z.string(), receiver: z.string(), from: z.string(), to: z.string(), cause: z.string(), text: z.string() }),
    z.object({ type: z.literal("event"), at: isoTime, kind: z.string(), actor: z.string(), text: z.string() }),
  ])
  .meta({ id: "IncidentTimelineEntry" });
export type TimelineEntryView = z.infer<typeof TimelineEntryView>;

export const RelatedIncidentView = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: z.string(),
    status: z.string(),
    relation: z.enum(["linked", "merged_in"]).meta({ description: "`linked`: one finding ties them, kept apart because an analyst had acted; `merged_in`: its findings are now here." }),
    findingId: z.string().nullable().meta({ description: "The finding that tied them." }),
  })
  .meta({ id: "RelatedIncidentView" });
export type RelatedIncidentView = z.infer<typeof RelatedIncidentView>;

export const IncidentDetail = z
  .object({
    incident: IncidentSummaryView,
    findings: z.array(FindingView),
    timeline: z.array(TimelineEntryView).meta({ description: "Findings, breaker transitions on edges among its agents in its time range, and its own events, oldest first." }),
    agents: z.array(z.string()),
    notes: z.array(IncidentNoteView),
    events: z.array(IncidentEventView),
    related: z.array(RelatedIncidentView),
  })
  .meta({ id: "IncidentDetail" });
export type IncidentDetail = z.infer<typeof IncidentDetail>;
