import "server-only";
import type {
  ActivityQuery,
  ActivityView,
  BlastAgentView,
  OverviewQuery,
  OverviewView,
  SeriesBucketView,
  SeriesView,
  StateCountsView,
  TimelineQuery,
  TimelineView,
} from "../api/fleet-views.ts";
import { MAX_TIMELINE_ITEMS } from "../api/fleet-views.ts";
import { resolveWindow, type TimeWindow } from "../api/time-window.ts";
import { BreakerMachine } from "../engine/breaker/machine.ts";
import { BREAKER_STATES, type BreakerStateName } from "../engine/breaker/states.ts";
import { SEVERITIES } from "../engine/incidents/severity.ts";
import { bucketStarts, seriesStep } from "../view/series-step.ts";
import { fleetStateCounts, type EdgeState } from "../view/fleet-counts.ts";
import { breakerFromMachine } from "./graph-query.ts";
import type { Queryable } from "./lineage-store.ts";
import { SqlParams, agentRowsSql, edgeRowsSql, tallyWindow } from "./record-tallies.ts";

// The fleet screens' questions (overview, an agent's or an edge's activity,
// the anomaly timeline), one function per route, in the shapes of
// lib/api/fleet-views.ts. Raw `pg`: the record series and the edges come
// from the per-minute tallies (lib/db/record-tallies.ts), the findings are
// GROUP BYs over the (ts) indexes, and the timeline is two range scans.

const iso = (d: Date | number): string => new Date(d).toISOString();

/** Which records and findings a series counts. */
type SeriesScope = { kind: "fleet" } | { kind: "agent"; agent: string } | { kind: "edge"; sender: string; receiver: string };

interface BucketRow {
  b: string;
  records: number;
  verified: number;
  failed: number;
}

/** Records and findings per bucket over the window; every bucket present, zeros where nothing happened. */
export async function series(q: Queryable, project: string, w: TimeWindow, scope: SeriesScope): Promise<SeriesView> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const step = seriesStep(from, to);
  const params: unknown[] = [w.from, w.to, step, project];
  let findingWhere = "";
  // Records: the per-minute tallies and the records of the window's partial minutes (ADR 0051).
  const rp = new SqlParams([step]);
  const tw = tallyWindow(w.from, w.to);
  let source: string;
  if (scope.kind === "edge") {
    params.push(scope.sender, scope.receiver);
    // A finding is on the edge when its record went from sender to receiver.
    findingWhere = `AND f.agent = $5 AND EXISTS (SELECT 1 FROM records r WHERE r.project_id = $4 AND r.record_id = f.record_id AND r.agent = $5 AND $6 = ANY(r.receivers))`;
    source = edgeRowsSql(rp, project, tw, { sender: scope.sender, receiver: scope.receiver });
  } else {
    if (scope.kind === "agent") {
      params.push(scope.agent);
      findingWhere = `AND f.agent = $5`;
    }
    source = agentRowsSql(rp, project, tw, scope.kind === "agent" ? scope.agent : undefined);
  }
  const bucket = (col: string, step: string) => `(floor(extract(epoch FROM ${col}) * 1000 / ${step})::bigint * ${step})::text`;
  const [records, findings] = await Promise.all([
    q.query<BucketRow>(
      `SELECT ${bucket("at", "$1")} AS b, sum(n)::int AS records, coalesce(sum(n) FILTER (WHERE verified), 0)::int AS verified,
              coalesce(sum(n) FILTER (WHERE NOT verified AND NOT ('pending' = ANY(verdicts))), 0)::int AS failed
         FROM (${source}) s GROUP BY 1`,
      rp.values,
    ),
    q.query<{ b: string; findings: number }>(
      `SELECT ${bucket("f.ts", "$3")} AS b, count(*)::int AS findings FROM anomaly_findings f WHERE f.project_id = $4 AND f.ts >= $1 AND f.ts < $2 ${findingWhere} GROUP BY 1`,
      params,
    ),
  ]);
  const byStart = new Map<number, SeriesBucketView>();
  const starts = bucketStarts(from, to, step);
  for (const t of starts) byStart.set(t, { at: iso(t), records: 0, verified: 0, failed: 0, findings: 0 });
  for (const r of records.rows) {
    const b = byStart.get(Number(r.b));
    if (b) Object.assign(b, { records: r.records, verified: r.verified, failed: r.failed });
  }
  for (const r of findings.rows) {
    const b = byStart.get(Number(r.b));
    if (b) b.findings = r.findings;
  }
  return { from: iso(w.from), to: iso(w.to), stepMs: step, buckets: starts.map((t) => byStart.get(t)!) };
}

const asState = (s: string): BreakerStateName => ((BREAKER_STATES as readonly string[]).includes(s) ? (s as BreakerStateName) : "CLOSED");

/** Every edge with traffic in the window or a breaker, and the state its breaker reads now. */
async function edgeStates(q: Queryable, project: string, w: TimeWindow, now: Date): Promise<{ edges: EdgeState[]; awaitingReview: number }> {
  const [traffic, rows] = await Promise.all([
    edgesWithTraffic(q, project, w),
    q.query<{ sender: string; receiver: string; state: string; machine: unknown }>(`SELECT sender, receiver, state, machine FROM breaker_states WHERE project_id = $1`, [project]),
  ]);
  const states = new Map<string, BreakerStateName>();
  let awaitingReview = 0;
  for (const r of rows.rows) {
    const m = BreakerMachine.safeParse(r.machine);
    const view = m.success ? breakerFromMachine(m.data, now) : null;
    if (view?.awaitingReview) awaitingReview += 1;
    states.set(`${r.sender}\u0000${r.receiver}`, view ? view.state : asState(r.state));
  }
  const edges: EdgeState[] = [...states].map(([k, state]) => {
    const [sender = "", receiver = ""] = k.split("\u0000");
    return { sender, receiver, state };
  });
  for (const t of traffic.rows) if (!states.has(`${t.sender}\u0000${t.receiver}`)) edges.push({ ...t, state: "CLOSED" });
  return { edges, awaitingReview };
}

/** The edges that carried a message in the window. */
function edgesWithTraffic(q: Queryable, project: string, w: TimeWindow) {
  const p = new SqlParams();
  const e = edgeRowsSql(p, project, tallyWindow(w.from, w.to));
  return q.query<{ sender: string; receiver: string }>(`SELECT sender, receiver FROM (${e}) e GROUP BY sender, receiver HAVING sum(n) > 0`, p.values);
}

interface BlastRow {
  agent: string;
  display_name: string | null;
  findings: number;
  max_impact: number | null;
  max_reach: number | null;
  last_at: Date;
  top_explanation: string;
}

export const BLAST_LIMIT = 8;

/** Agents whose findings in the window reach furthest downstream: highest impact, then reach, then most findings. */
async function blastAgents(q: Queryable, project: string, w: TimeWindow): Promise<BlastAgentView[]> {
  const res = await q.query<BlastRow>(
    `SELECT f.agent, a.display_name, count(*)::int AS findings, max(f.impact) AS max_impact, max(f.reach) AS max_reach, max(f.ts) AS last_at,
            (array_agg(f.explanation ORDER BY f.impact DESC NULLS LAST, f.ts DESC))[1] AS top_explanation
       FROM anomaly_findings f LEFT JOIN agents a ON a.project_id = f.project_id AND a.id = f.agent
      WHERE f.project_id = $3 AND f.agent IS NOT NULL AND f.ts >= $1 AND f.ts < $2
      GROUP BY f.agent, a.display_name
      ORDER BY max(f.impact) DESC NULLS LAST, max(f.reach) DESC NULLS LAST, count(*) DESC, f.agent
      LIMIT ${BLAST_LIMIT}`,
    [w.from, w.to, project],
  );
  return res.rows.map((r) => ({
    agent: r.agent,
    displayName: r.display_name,
    findings: r.findings,
    maxImpact: r.max_impact,
    maxReach: r.max_reach,
    lastAt: iso(r.last_at),
    topExplanation: r.top_explanation,
  }));
}

/** Fleet health for the overview: breakers by state, open incidents by severity, rates over time, the widest blast radius. */
export async function fleetOverview(q: Queryable, project: string, query: OverviewQuery, now: Date = new Date()): Promise<OverviewView> {
  const w = resolveWindow(query, now);
  const [states, incidents, fleetSeries, blast] = await Promise.all([
    edgeStates(q, project, w, now),
    q.query<{ status: string; severity: string; n: number }>(
      `SELECT status, severity, count(*)::int AS n FROM incidents WHERE project_id = $1 AND status IN ('open', 'acknowledged') GROUP BY status, severity`,
      [project],
    ),
    series(q, project, w, { kind: "fleet" }),
    blastAgents(q, project, w),
  ]);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
  let acknowledged = 0;
  for (const r of incidents.rows) {
    if (r.status === "acknowledged") acknowledged += r.n;
    else if ((SEVERITIES as readonly string[]).includes(r.severity)) bySeverity[r.severity as (typeof SEVERITIES)[number]] += r.n;
  }
  const counts = fleetStateCounts(states.edges);
  return {
    from: iso(w.from),
    to: iso(w.to),
    edges: counts.edges satisfies StateCountsView,
    agents: counts.agents,
    awaitingReview: states.awaitingReview,
    incidents: bySeverity,
    acknowledged,
    series: fleetSeries,
    blast,
  };
}

/** An agent's or an edge's records and findings over time. */
export async function activity(q: Queryable, project: string, query: ActivityQuery, now: Date = new Date()): Promise<ActivityView> {
  const w = resolveWindow(query, now);
  if (query.agent !== undefined) return { subject: query.agent, ...(await series(q, project, w, { kind: "agent", agent: query.agent })) };
  const sender = query.sender ?? "";
  const receiver = query.receiver ?? "";
  return { subject: `${sender} -> ${receiver}`, ...(await series(q, project, w, { kind: "edge", sender, receiver })) };
}

interface TimelineFindingRow {
  id: string;
  detector: string;
  record_id: string | null;
  agent: string | null;
  receivers: string[] | null;
  subject: string;
  score: number | null;
  explanation: string;
  params: Record<string, number | string | boolean | null>;
  ts: Date;
  impact: number | null;
  reach: number | null;
}

interface TimelineTransitionRow {
  id: string;
  sender: string;
  receiver: string;
  from_state: string;
  to_state: string;
  at: Date;
  cause: string;
  record_ids: string[];
  detail: string;
  actor: string | null;
}

/** Findings and breaker transitions in the window, oldest first, for the swimlanes. */
export async function timeline(q: Queryable, project: string, query: TimelineQuery, now: Date = new Date()): Promise<TimelineView> {
  const w = resolveWindow(query, now);
  const agent = query.agent ?? null;
  const [findings, transitions] = await Promise.all([
    // Newest first with the cap, so a truncated answer keeps the latest; reversed below.
    q.query<TimelineFindingRow>(
      `SELECT f.id::text, f.detector, f.record_id, f.agent, rr.receivers, f.subject, f.score, f.explanation, f.params, f.ts, f.impact, f.reach
         FROM anomaly_findings f
         LEFT JOIN LATERAL (SELECT r.receivers FROM records r WHERE r.project_id = f.project_id AND r.record_id = f.record_id ORDER BY r.seq LIMIT 1) rr ON f.record_id IS NOT NULL
        WHERE f.project_id = $4 AND f.ts >= $1 AND f.ts < $2 AND ($3::text IS NULL OR f.agent = $3)
        ORDER BY f.ts DESC, f.id DESC LIMIT ${MAX_TIMELINE_ITEMS + 1}`,
      [w.from, w.to, agent, project],
    ),
    q.query<TimelineTransitionRow>(
      `SELECT id::text, sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor
         FROM breaker_events WHERE project_id = $4 AND at >= $1 AND at < $2 AND ($3::text IS NULL OR sender = $3 OR receiver = $3)
        ORDER BY at DESC, id DESC LIMIT ${MAX_TIMELINE_ITEMS + 1}`,
      [w.from, w.to, agent, project],
    ),
  ]);
  const truncated = findings.rows.length > MAX_TIMELINE_ITEMS || transitions.rows.length > MAX_TIMELINE_ITEMS;
  return {
    from: iso(w.from),
    to: iso(w.to),
    findings: findings.rows
      .slice(0, MAX_TIMELINE_ITEMS)
      .reverse()
      .map((r) => ({
        id: r.id,
        detector: r.detector,
        recordId: r.record_id,
        agent: r.agent,
        receivers: r.receivers ?? [],
        subject: r.subject,
        score: r.score !== null && Number.isFinite(r.score) ? r.score : null,
        explanation: r.explanation,
        params: r.params,
        at: iso(r.ts),
        impact: r.impact,
        reach: r.reach,
      })),
    transitions: transitions.rows
      .slice(0, MAX_TIMELINE_ITEMS)
      .reverse()
      .map((r) => ({
        id: r.id,
        sender: r.sender,
        receiver: r.receiver,
        from: r.from_state,
        to: r.to_state,
        at: iso(r.at),
        cause: r.cause,
        recordIds: r.record_ids,
        detail: r.detail,
        actor: r.actor,
      })),
    truncated,
  };
}
