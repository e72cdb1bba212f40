// The incident tables: incidents, the findings in each, links between
// related incidents, analyst notes, and the audit trail of every change.
// Raw SQL over pg, like engine-store.ts: the grouping runner runs outside
// Next, and the API's routes pass lib/db/pool.ts's pool.
import { evidenceOf } from "./finding-evidence.ts";
import type pg from "pg";
import { conflict, notFound } from "../api/errors.ts";
import type { GroupingPlan, IncidentFacts } from "../engine/incidents/grouping.ts";
import type { Severity } from "../engine/incidents/severity.ts";
import { GROUPABLE_STATUSES, type IncidentStatus, type StatusFacts } from "../engine/incidents/status.ts";
import type { Tx } from "./ingest-store.ts";
import { enqueueWebhookEvents } from "./webhook-store.ts";

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

/** Who the grouping engine's own changes are recorded as. */
export const ENGINE_ACTOR = "engine";

// Any constant shared by every Firebreak process: one grouping at a time, so
// two engines never open two incidents for one cascade.
const GROUPING_LOCK = 0x496e_6369; // "Inci"

/** Incident ids are bigint serials; anything else names no incident. */
export function isIncidentId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

// ---------------------------------------------------------------- grouping

export async function lockGrouping(tx: Tx | pg.Client): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [GROUPING_LOCK]);
}

/** What grouping reads off a stored finding and its record. */
export interface FindingForGrouping {
  id: string;
  detector: string;
  recordId: string | null;
  agent: string | null;
  subject: string;
  explanation: string;
  score: number | null;
  impact: number | null;
  reach: number | null;
  at: number;
  /** The record (any stored copy) is an action or a state write. */
  recordIsDecision: boolean;
  /** The record, or one the finding rests on, is a red action. */
  redAction: boolean;
  /** The record (any stored copy) failed identity: bad_signature, replay or unknown_agent. */
  recordIdentityFailure: boolean;
}

/** The given findings that are in no incident yet, oldest first. */
export async function ungroupedFindings(q: Queryable, project: string, ids: readonly string[]): Promise<FindingForGrouping[]> {
  const numeric = ids.filter(isIncidentId);
  if (numeric.length === 0) return [];
  const res = await q.query<FindingForGrouping>(
    `SELECT f.id::text AS id, f.detector, f.record_id AS "recordId", f.agent, f.subject, f.explanation, f.score, f.impact, f.reach,
            (extract(epoch FROM f.ts) * 1000)::float8 AS at,
            COALESCE(r.decision, false) AS "recordIsDecision", COALESCE(r.red, false) OR e.red AS "redAction",
            COALESCE(r.identity, false) AS "recordIdentityFailure"
       FROM anomaly_findings f
       LEFT JOIN LATERAL (
         SELECT bool_or(kind IN ('action', 'state.write')) AS decision,
                bool_or(kind = 'action' AND action_class = 'red') AS red,
                bool_or(verdicts && ARRAY['bad_signature', 'replay', 'unknown_agent']) AS identity
           FROM records WHERE project_id = f.project_id AND record_id = f.record_id) r ON true
       LEFT JOIN LATERAL (
         SELECT EXISTS (SELECT 1 FROM records WHERE project_id = f.project_id AND record_id = ANY(${evidenceOf("f")}) AND kind = 'action' AND action_class = 'red') AS red) e ON true
      WHERE f.project_id = $2 AND f.id = ANY($1::bigint[])
        AND NOT EXISTS (SELECT 1 FROM incident_findings i WHERE i.finding_id = f.id)
      ORDER BY f.ts, f.id`,
    [numeric, project],
  );
  return res.rows;
}

/**
 * Incidents still open to grouping that could take any of these findings
 * (sharing an origin, a record or an agent, and not quiet for longer than
 * the window), locked so an analyst's action waits for the grouping to commit.
 */
export async function candidateIncidents(
  tx: Queryable,
  project: string,
  c: { originIds: string[]; recordIds: string[]; agents: string[]; from: number; to: number; quietMs: number },
): Promise<IncidentFacts[]> {
  const res = await tx.query<IncidentRowBase>(
    `SELECT ${BASE_COLUMNS} FROM incidents i
      WHERE i.project_id = $7 AND i.status = ANY($1::text[]) AND i.last_at >= $2 AND i.first_at <= $3
        AND (i.origin_ids && $4::text[] OR i.record_ids && $5::text[] OR i.agents && $6::text[])
      ORDER BY i.id FOR UPDATE`,
    [GROUPABLE_STATUSES, new Date(c.from - c.quietMs), new Date(c.to + c.quietMs), c.originIds, c.recordIds, c.agents, project],
  );
  return res.rows.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    firstAt: r.first_at.getTime(),
    lastAt: r.last_at.getTime(),
    originIds: r.origin_ids,
    recordIds: r.record_ids,
    agents: r.agents,
    acted: r.analyst_acted_at !== null,
  }));
}

/** Stores a grouping plan; returns the ids of the incidents it opened, by plan key. */
export async function applyGroupingPlan(tx: Tx, project: string, plan: GroupingPlan, before: readonly IncidentFacts[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const severityBefore = new Map(before.map((i) => [i.id, i.severity]));
  const fresh = plan.incidents.filter((i) => i.isNew);
  if (fresh.length > 0) {
    // Ids drawn first, so each pairs with its plan key whatever order the insert takes.
    const drawn = await tx.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('incidents', 'id'))::text AS id FROM generate_series(1, $1)`, [fresh.length]);
    fresh.forEach((i, n) => ids.set(i.key, drawn.rows[n]!.id));
    await tx.query(
      `INSERT INTO incidents (project_id, id, title, severity, status, first_at, last_at, origin_ids, record_ids, agents)
       SELECT $2, i.id, i.title, i.severity, 'open', to_timestamp(i."firstAt" / 1000.0), to_timestamp(i."lastAt" / 1000.0), i."originIds", i."recordIds", i.agents
         FROM jsonb_to_recordset($1::jsonb) AS i(id bigint, title text, severity text, "firstAt" double precision, "lastAt" double precision,
              "originIds" text[], "recordIds" text[], agents text[])`,
      [JSON.stringify(fresh.map((i) => ({ ...i, id: ids.get(i.key) }))), project],
    );
  }
  const idOf = (key: string) => ids.get(key) ?? key;
  const changed = plan.incidents.filter((i) => !i.isNew);
  if (changed.length > 0) {
    await tx.query(
      `UPDATE incidents t SET severity = i.severity, first_at = to_timestamp(i."firstAt" / 1000.0), last_at = to_timestamp(i."lastAt" / 1000.0),
              origin_ids = i."originIds", record_ids = i."recordIds", agents = i.agents, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS i(key bigint, severity text, "firstAt" double precision, "lastAt" double precision,
              "originIds" text[], "recordIds" text[], agents text[])
        WHERE t.id = i.key`,
      [JSON.stringify(changed)],
    );
  }
  const events: EventInput[] = [];
  for (const i of fresh) {
    events.push({ incidentId: idOf(i.key), kind: "opened", from: null, to: "open", actor: ENGINE_ACTOR, detail: `opened by finding ${i.findingIds[0] ?? "?"}: ${i.title}` });
  }
  for (const i of changed) {
    const was = severityBefore.get(i.key);
    if (was !== undefined && was !== i.severity) {
      events.push({ incidentId: i.key, kind: "severity", from: null, to: null, actor: ENGINE_ACTOR, detail: `severity ${was} -> ${i.severity} as findings joined` });
    }
  }
  if (plan.assignments.length > 0) {
    await tx.query(
      `INSERT INTO incident_findings (finding_id, incident_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING`,
      [plan.assignments.map((a) => a.findingId), plan.assignments.map((a) => idOf(a.incident))],
    );
  }
  for (const m of plan.merges) {
    const into = idOf(m.into);
    await mergeIncident(tx, m.from, into);
    events.push(
      { incidentId: m.from, kind: "merged", from: "open", to: "merged", actor: ENGINE_ACTOR, detail: `merged into incident ${into}: finding ${m.findingId} ties them to one lineage` },
      { incidentId: into, kind: "absorbed", from: null, to: null, actor: ENGINE_ACTOR, detail: `incident ${m.from} merged in: finding ${m.findingId} ties them to one lineage` },
    );
  }
  for (const l of plan.links) {
    const [a, b] = [idOf(l.a), idOf(l.b)].sort((x, y) => Number(BigInt(x) - BigInt(y))) as [string, string];
    const res = await tx.query(`INSERT INTO incident_links (incident_id, related_id, finding_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [a, b, l.findingId]);
    if ((res.rowCount ?? 0) === 0) continue;
    const why = `finding ${l.findingId} ties them to one lineage; kept apart because an analyst has acted on one`;
    events.push(
      { incidentId: a, kind: "linked", from: null, to: null, actor: ENGINE_ACTOR, detail: `related to incident ${b}: ${why}` },
      { incidentId: b, kind: "linked", from: null, to: null, actor: ENGINE_ACTOR, detail: `related to incident ${a}: ${why}` },
    );
  }
  await insertEvents(tx, events);
  // incident.opened goes out through the webhook outbox, committed with the incident.
  await enqueueWebhookEvents(
    tx,
    project,
    fresh.map((i) => ({
      type: "incident.opened" as const,
      data: {
        incident: { id: idOf(i.key), title: i.title, severity: i.severity, agents: i.agents, firstAt: new Date(i.firstAt).toISOString(), findingIds: i.findingIds },
      },
    })),
  );
  return ids;
}

/** Moves an untouched incident's findings and links to another, and leaves it as a pointer. */
async function mergeIncident(tx: Tx, from: string, into: string): Promise<void> {
  await tx.query(`UPDATE incident_findings SET incident_id = $2 WHERE incident_id = $1`, [from, into]);
  await tx.query(
    `INSERT INTO incident_links (incident_id, related_id, finding_id)
     SELECT LEAST(o, $2::bigint), GREATEST(o, $2::bigint), finding_id
       FROM (SELECT CASE WHEN incident_id = $1 THEN related_id ELSE incident_id END AS o, finding_id
               FROM incident_links WHERE incident_id = $1 OR related_id = $1) l
      WHERE o <> $2
     ON CONFLICT DO NOTHING`,
    [from, into],
  );
  await tx.query(`DELETE FROM incident_links WHERE incident_id = $1 OR related_id = $1`, [from]);
  // The CHECK on incidents refuses this for an incident an analyst has acted on.
  await tx.query(`UPDATE incidents SET status = 'merged', merged_into = $2, updated_at = now() WHERE id = $1`, [from, into]);
}

// ---------------------------------------------------------------- analyst actions

export interface EventInput {
  incidentId: string;
  kind: string;
  from: IncidentStatus | null;
  to: IncidentStatus | null;
  actor: string;
  detail: string;
}

async function insertEvents(tx: Queryable, events: readonly EventInput[]): Promise<void> {
  if (events.length === 0) return;
  // unnest keeps the array order, so the serial ids follow the order the events happened in.
  await tx.query(
    `INSERT INTO incident_events (incident_id, kind, from_status, to_status, actor, detail)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      events.map((e) => e.incidentId),
      events.map((e) => e.kind),
      events.map((e) => e.from),
      events.map((e) => e.to),
      events.map((e) => e.actor),
      events.map((e) => e.detail),
    ],
  );
}

/** The incident's status, row-locked until the transaction ends; 404 when there is none. */
export async function lockIncident(tx: Tx, project: string, id: string): Promise<StatusFacts> {
  const row = isIncidentId(id) ? (await tx.query<IncidentRowBase>(`SELECT ${BASE_COLUMNS} FROM incidents i WHERE i.id = $1 AND i.project_id = $2 FOR UPDATE`, [id, project])).rows[0] : undefined;
  if (!row) throw notFound(`no incident has id ${id}: list them with GET /api/v1/incidents`);
  return {
    id: row.id,
    status: row.status,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    mergedInto: row.merged_into,
  };
}

/** Records an analyst's status change, with the audit event, in the caller's transaction. */
export async function setStatus(tx: Tx, id: string, move: { from: IncidentStatus; to: IncidentStatus; actor: string; reason?: string }): Promise<void> {
  if (move.to === "acknowledged") {
    await tx.query(
      `UPDATE incidents SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now(), analyst_acted_at = COALESCE(analyst_acted_at, now()), updated_at = now() WHERE id = $1`,
      [id, move.actor],
    );
  } else if (move.to === "resolved") {
    await tx.query(
      `UPDATE incidents SET status = 'resolved', resolved_by = $2, resolved_at = now(), resolution = $3, analyst_acted_at = COALESCE(analyst_acted_at, now()), updated_at = now() WHERE id = $1`,
      [id, move.actor, move.reason ?? null],
    );
  } else {
    throw conflict(`an analyst cannot move an incident to ${move.to}`);
  }
  const detail = move.to === "resolved" ? `resolved: ${move.reason ?? ""}` : "acknowledged";
  await insertEvents(tx, [{ incidentId: id, kind: move.to, from: move.from, to: move.to, actor: move.actor, detail }]);
}

export async function insertNote(tx: Tx, id: string, author: string, text: string): Promise<IncidentNote> {
  const res = await tx.query<{ id: string; author: string; text: string; at: Date }>(
    `INSERT INTO incident_notes (incident_id, author, text) VALUES ($1, $2, $3) RETURNING id::text, author, text, at`,
    [id, author, text],
  );
  await tx.query(`UPDATE incidents SET analyst_acted_at = COALESCE(analyst_acted_at, now()), updated_at = now() WHERE id = $1`, [id]);
  const note = res.rows[0]!;
  await insertEvents(tx, [{ incidentId: id, kind: "noted", from: null, to: null, actor: author, detail: `note ${note.id} added` }]);
  return note;
}

// ---------------------------------------------------------------- reads

interface IncidentRowBase {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  first_at: Date;
  last_at: Date;
  opened_at: Date;
  updated_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution: string | null;
  analyst_acted_at: Date | null;
  merged_into: string | null;
  origin_ids: string[];
  record_ids: string[];
  agents: string[];
}

/** Every column of `incidents i`. */
const BASE_COLUMNS = `i.id::text AS id, i.title, i.severity, i.status, i.first_at, i.last_at, i.opened_at, i.updated_at, i.acknowledged_by,
  i.acknowledged_at, i.resolved_by, i.resolved_at, i.resolution, i.analyst_acted_at, i.merged_into::text AS merged_into, i.origin_ids, i.record_ids, i.agents`;

export interface IncidentRow {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  firstAt: Date;
  lastAt: Date;
  openedAt: Date;
  updatedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolution: string | null;
  analystActedAt: Date | null;
  mergedInto: string | null;
  originIds: string[];
  recordIds: string[];
  agents: string[];
  findingCount: number;
  maxImpact: number | null;
}

interface IncidentRowFull extends IncidentRowBase {
  finding_count: number;
  max_impact: number | null;
}

const FULL_COLUMNS = `${BASE_COLUMNS},
  (SELECT count(*)::int FROM incident_findings x WHERE x.incident_id = i.id) AS finding_count,
  (SELECT max(f.impact) FROM incident_findings x JOIN anomaly_findings f ON f.id = x.finding_id WHERE x.incident_id = i.id) AS max_impact`;

// Open first, then acknowledged, resolved, merged; within a status the most severe, then the latest activity.
const STATUS_RANK = `CASE i.status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 WHEN 'resolved' THEN 2 ELSE 3 END`;
const SEVERITY_RANK = `CASE i.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`;

function toIncidentRow(r: IncidentRowFull): IncidentRow {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    firstAt: r.first_at,
    lastAt: r.last_at,
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    resolution: r.resolution,
    analystActedAt: r.analyst_acted_at,
    mergedInto: r.merged_into,
    originIds: r.origin_ids,
    recordIds: r.record_ids,
    agents: r.agents,
    findingCount: r.finding_count,
    maxImpact: r.max_impact,
  };
}

/** Where a page ended: the ranks and the last row's position. */
export interface IncidentPosition {
  statusRank: number;
  severityRank: number;
  lastAt: string;
  id: string;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: Severity;
  /** Only incidents whose latest finding is at or after this. */
  activeFrom?: Date;
  /** Only incidents whose earliest finding is before this. */
  startedBefore?: Date;
  limit: number;
  after?: IncidentPosition;
}

/**
 * Incidents, open first, then by severity, then by latest activity. Merged
 * incidents are pointers to where their findings went: listed only when asked
 * for by status.
 */
export async function listIncidents(q: Queryable, project: string, f: IncidentFilter): Promise<{ items: IncidentRow[]; last: IncidentPosition | null; more: boolean }> {
  const a = f.after;
  const res = await q.query<IncidentRowFull & { status_rank: number; severity_rank: number }>(
    `SELECT ${FULL_COLUMNS}, ${STATUS_RANK} AS status_rank, ${SEVERITY_RANK} AS severity_rank
       FROM incidents i
      WHERE i.project_id = $10 AND ($1::text IS NULL AND i.status <> 'merged' OR i.status = $1) AND ($2::text IS NULL OR i.severity = $2)
        AND ($3::int IS NULL OR ${STATUS_RANK} > $3 OR ${STATUS_RANK} = $3 AND (${SEVERITY_RANK} > $4
             OR ${SEVERITY_RANK} = $4 AND (i.last_at, i.id) < ($5::timestamptz, $6::bigint)))
        AND ($8::timestamptz IS NULL OR i.last_at >= $8) AND ($9::timestamptz IS NULL OR i.first_at < $9)
      ORDER BY status_rank, severity_rank, i.last_at DESC, i.id DESC
      LIMIT $7`,
    [f.status ?? null, f.severity ?? null, a?.statusRank ?? null, a?.severityRank ?? null, a?.lastAt ?? null, a?.id ?? null, f.limit + 1, f.activeFrom ?? null, f.startedBefore ?? null, project],
  );
  const rows = res.rows.slice(0, f.limit);
  const lastRow = rows.at(-1);
  return {
    items: rows.map(toIncidentRow),
    more: res.rows.length > f.limit,
    last: lastRow ? { statusRank: lastRow.status_rank, severityRank: lastRow.severity_rank, lastAt: lastRow.last_at.toISOString(), id: lastRow.id } : null,
  };
}

export async function getIncident(q: Queryable, project: string, id: string): Promise<IncidentRow | null> {
  if (!isIncidentId(id)) return null;
  const res = await q.query<IncidentRowFull>(`SELECT ${FULL_COLUMNS} FROM incidents i WHERE i.id = $1 AND i.project_id = $2`, [id, project]);
  const row = res.rows[0];
  return row ? toIncidentRow(row) : null;
}

export interface IncidentFindingRow {
  id: string;
  detector: string;
  recordId: string | null;
  agent: string | null;
  subject: string;
  score: number | null;
  explanation: string;
  params: unknown;
  evidence: string[];
  at: Date;
  impact: number | null;
  reach: number | null;
}

export async function incidentFindings(q: Queryable, id: string, limit = 1_000): Promise<IncidentFindingRow[]> {
  const res = await q.query<IncidentFindingRow & { evidence: string[] | null }>(
    `SELECT f.id::text AS id, f.detector, f.record_id AS "recordId", f.agent, f.subject, f.score, f.explanation, f.params, ${evidenceOf("f")} AS evidence,
            f.ts AS at, f.impact, f.reach
       FROM incident_findings x JOIN anomaly_findings f ON f.id = x.finding_id
      WHERE x.incident_id = $1 ORDER BY f.ts, f.id LIMIT $2`,
    [id, limit],
  );
  return res.rows.map((r) => ({ ...r, evidence: r.evidence ?? [] }));
}

export interface IncidentNote {
  id: string;
  author: string;
  text: string;
  at: Date;
}

export async function incidentNotes(q: Queryable, id: string): Promise<IncidentNote[]> {
  return (await q.query<IncidentNote>(`SELECT id::text, author, text, at FROM incident_notes WHERE incident_id = $1 ORDER BY at, id`, [id])).rows;
}

export interface IncidentEventRow {
  id: string;
  kind: string;
  from: string | null;
  to: string | null;
  actor: string;
  detail: string;
  at: Date;
}

export async function incidentEvents(q: Queryable, id: string): Promise<IncidentEventRow[]> {
  const res = await q.query<IncidentEventRow>(
    `SELECT id::text, kind, from_status AS "from", to_status AS "to", actor, detail, at FROM incident_events WHERE incident_id = $1 ORDER BY at, id`,
    [id],
  );
  return res.rows;
}

export interface RelatedIncidentRow {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  findingId: string | null;
}

/** Incidents linked to this one, and those merged into it. */
export async function relatedIncidents(q: Queryable, id: string): Promise<{ linked: RelatedIncidentRow[]; mergedIn: RelatedIncidentRow[] }> {
  const linked = await q.query<{ id: string; title: string; severity: Severity; status: IncidentStatus; finding_id: string | null }>(
    `SELECT i.id::text, i.title, i.severity, i.status, l.finding_id::text
       FROM incident_links l JOIN incidents i ON i.id = CASE WHEN l.incident_id = $1 THEN l.related_id ELSE l.incident_id END
      WHERE l.incident_id = $1 OR l.related_id = $1 ORDER BY i.id`,
    [id],
  );
  const merged = await q.query<{ id: string; title: string; severity: Severity; status: IncidentStatus; finding_id: string | null }>(
    `SELECT id::text, title, severity, status, NULL::text AS finding_id FROM incidents WHERE merged_into = $1 ORDER BY id`,
    [id],
  );
  const view = (r: { id: string; title: string; severity: Severity; status: IncidentStatus; finding_id: string | null }): RelatedIncidentRow => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    findingId: r.finding_id,
  });
  return { linked: linked.rows.map(view), mergedIn: merged.rows.map(view) };
}

export interface BreakerTransitionRow {
  sender: string;
  receiver: string;
  from: string;
  to: string;
  cause: string;
  detail: string;
  at: Date;
}

/** Breaker transitions on edges whose both ends are among these agents, in [from, to], oldest first. */
export async function breakerTransitionsAmong(q: Queryable, project: string, agents: readonly string[], from: Date, to: Date, limit = 500): Promise<BreakerTransitionRow[]> {
  if (agents.length === 0) return [];
  const res = await q.query<BreakerTransitionRow>(
    `SELECT sender, receiver, from_state AS "from", to_state AS "to", cause, detail, at FROM breaker_events
      WHERE project_id = $5 AND sender = ANY($1::text[]) AND receiver = ANY($1::text[]) AND at >= $2 AND at <= $3
      ORDER BY at, id LIMIT $4`,
    [agents, from, to, limit, project],
  );
  return res.rows;
}
