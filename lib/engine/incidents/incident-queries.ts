// The incidents as the API shows them: a page of summaries, and one
// incident with its findings, timeline, notes, audit trail and relatives.
import type pg from "pg";
import { z } from "zod";
import { FindingView } from "../../api/engine-views.ts";
import { badRequest, notFound } from "../../api/errors.ts";
import type {
  IncidentDetail,
  IncidentsPage,
  IncidentsQuery,
  IncidentSummaryView,
  RelatedIncidentView,
  TimelineEntryView,
} from "../../api/incident-views.ts";
import {
  breakerTransitionsAmong,
  getIncident,
  incidentEvents,
  incidentFindings,
  incidentNotes,
  listIncidents,
  relatedIncidents,
  type IncidentPosition,
  type IncidentRow,
} from "../../db/incident-store.ts";
import { DEFAULT_QUIET_MS } from "./grouping.ts";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d === null ? null : d.toISOString());

export function summaryView(r: IncidentRow): IncidentSummaryView {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    firstAt: iso(r.firstAt),
    lastAt: iso(r.lastAt),
    openedAt: iso(r.openedAt),
    updatedAt: iso(r.updatedAt),
    acknowledgedBy: r.acknowledgedBy,
    acknowledgedAt: isoOrNull(r.acknowledgedAt),
    resolvedBy: r.resolvedBy,
    resolvedAt: isoOrNull(r.resolvedAt),
    resolution: r.resolution,
    analystActed: r.analystActedAt !== null,
    mergedInto: r.mergedInto,
    originIds: r.originIds,
    recordIds: r.recordIds,
    agents: r.agents,
    findingCount: r.findingCount,
    maxImpact: r.maxImpact,
  };
}

// The cursor is the last row's place in the order, opaque to clients.
const Position = z.object({ s: z.number().int().min(0).max(3), v: z.number().int().min(0).max(3), t: z.iso.datetime({ offset: true }), i: z.string().regex(/^\d{1,18}$/) });

function encodePosition(p: IncidentPosition): string {
  return Buffer.from(JSON.stringify({ s: p.statusRank, v: p.severityRank, t: p.lastAt, i: p.id }), "utf8").toString("base64url");
}

function decodePosition(cursor: string): IncidentPosition {
  let raw: unknown = null;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // falls through to the refusal below
  }
  const p = Position.safeParse(raw);
  if (!p.success) {
    throw badRequest("`cursor` is not a cursor this API issued: pass `nextCursor` from the previous page unchanged", [{ path: "query.cursor", message: "not a valid cursor" }]);
  }
  return { statusRank: p.data.s, severityRank: p.data.v, lastAt: p.data.t, id: p.data.i };
}

export async function incidentsPage(pool: pg.Pool, project: string, q: IncidentsQuery): Promise<IncidentsPage> {
  const page = await listIncidents(pool, project, {
    limit: q.limit,
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    ...(q.from === undefined ? {} : { activeFrom: new Date(q.from) }),
    ...(q.to === undefined ? {} : { startedBefore: new Date(q.to) }),
    ...(q.cursor === undefined ? {} : { after: decodePosition(q.cursor) }),
  });
  return { items: page.items.map(summaryView), nextCursor: page.more && page.last ? encodePosition(page.last) : null };
}

export async function incidentSummary(pool: pg.Pool, project: string, id: string): Promise<IncidentSummaryView> {
  const row = await getIncident(pool, project, id);
  if (!row) throw notFound(`no incident has id ${id}: list them with GET /api/v1/incidents`);
  return summaryView(row);
}

export async function incidentDetail(pool: pg.Pool, project: string, id: string): Promise<IncidentDetail> {
  // Another project's incident is a 404 like one that does not exist; its children are reached only through it.
  const row = await getIncident(pool, project, id);
  if (!row) throw notFound(`no incident has id ${id}: list them with GET /api/v1/incidents`);
  // Breakers keep reacting after the last finding (half-open, closed again): look
  // until the incident is resolved, or as long as it stays open to grouping.
  const until = row.resolvedAt ?? new Date(row.lastAt.getTime() + DEFAULT_QUIET_MS);
  const [findings, notes, events, related, breakers] = await Promise.all([
    incidentFindings(pool, row.id),
    incidentNotes(pool, row.id),
    incidentEvents(pool, row.id),
    relatedIncidents(pool, row.id),
    breakerTransitionsAmong(pool, project, row.agents, row.firstAt, until),
  ]);
  const timeline: (TimelineEntryView & { sortAt: number })[] = [
    ...findings.map((f) => ({ type: "finding" as const, at: iso(f.at), sortAt: f.at.getTime(), findingId: f.id, detector: f.detector, agent: f.agent, recordId: f.recordId, text: f.explanation })),
    ...breakers.map((b) => ({ type: "breaker" as const, at: iso(b.at), sortAt: b.at.getTime(), sender: b.sender, receiver: b.receiver, from: b.from, to: b.to, cause: b.cause, text: b.detail })),
    ...events.map((e) => ({ type: "event" as const, at: iso(e.at), sortAt: e.at.getTime(), kind: e.kind, actor: e.actor, text: e.detail })),
  ];
  // A stable sort keeps findings before breaker transitions before events at the same instant.
  timeline.sort((a, b) => a.sortAt - b.sortAt);
  const relatedViews: RelatedIncidentView[] = [
    ...related.linked.map((r) => ({ ...r, relation: "linked" as const })),
    ...related.mergedIn.map((r) => ({ ...r, relation: "merged_in" as const })),
  ];
  return {
    incident: summaryView(row),
    findings: findings.map((f) => ({ ...f, params: FindingView.shape.params.parse(f.params), at: iso(f.at) })),
    timeline: timeline.map(({ sortAt: _sortAt, ...entry }) => entry),
    agents: row.agents,
    notes: notes.map((n) => ({ ...n, at: iso(n.at) })),
    events: events.map((e) => ({ ...e, at: iso(e.at) })),
    related: relatedViews,
  };
}
