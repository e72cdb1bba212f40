import "server-only";
import { z } from "zod";
import { badRequest } from "../api/errors.ts";
import { graphColumnsOf, type GraphColumns, type IndexedLink } from "../api/graph-columns.ts";
import { labelMatcher, type GraphBreakerView, type GraphLinkView, type GraphNodeView, type GraphQuery, type GraphResponse } from "../api/graph-views.ts";
import { parseDuration } from "../api/time-window.ts";
import { BreakerMachine } from "../engine/breaker/machine.ts";
import { BREAKER_STATES, type BreakerStateName } from "../engine/breaker/states.ts";
import type { Queryable } from "./lineage-store.ts";
import { SqlParams, edgeRowsSql, tallyWindow } from "./record-tallies.ts";

/** One link's messages in the window, as the statement returns it. */
export interface LinkRow {
  sender: string;
  receiver: string;
  messages: number;
  verified: number;
  forged: number;
  /** Milliseconds since the epoch, whole (the time's sub-millisecond part dropped, as a Date drops it). */
  last_seen: number;
}

interface LinkTotals {
  sender: string;
  receiver: string;
  messages: number;
  verified: number;
  forged: number;
  /** Null for a link with no traffic in the window (an open breaker keeps it on the graph). */
  lastSeen: number | null;
}

interface AgentRow {
  id: string;
  display_name: string;
  attested: boolean;
  labels: unknown;
}

interface LiveBreakerRow {
  sender: string;
  receiver: string;
  state: string;
  since: Date;
  machine: unknown;
}

interface EventBreakerRow {
  sender: string;
  receiver: string;
  to_state: string;
  at: Date;
  cause: string;
  detail: string;
  actor: string | null;
}

const Labels = z.record(z.string(), z.string());
const edgeKey = (sender: string, receiver: string): string => `${sender}\u0000${receiver}`;
const asState = (s: string): BreakerStateName => ((BREAKER_STATES as readonly string[]).includes(s) ? (s as BreakerStateName) : "CLOSED");
const CLOSED: GraphBreakerView = { state: "CLOSED", since: null, openUntil: null, awaitingReview: false, reason: null };

/** The answer before it takes a format: nodes sorted by id, links sorted by traffic then endpoints. */
interface GraphParts {
  from: Date;
  to: Date;
  replay: boolean;
  labelValues: Record<string, string[]>;
  nodes: GraphNodeView[];
  /** Endpoints as indices into `nodes`. */
  links: IndexedLink[];
}

/**
 * The agent graph over a window: every registered agent and every agent seen
 * in a message, the sender -> receiver links with their verification
 * counts, and the breaker on each link. Live, breakers come from the
 * breaker_states cache; in replay (`at` given) from the latest breaker event
 * per edge at or before `at`, so a past incident reads as it stood then.
 */
export async function agentGraph(db: Queryable, project: string, q: Omit<GraphQuery, "format">, now: Date = new Date()): Promise<GraphResponse> {
  return asObjects(await graphParts(db, project, q, now));
}

/** GET /api/v1/graph: the graph in the format asked for (`columns` for the dashboard, graph-columns.ts). */
export async function agentGraphAnswer(db: Queryable, project: string, q: GraphQuery, now: Date = new Date()): Promise<GraphResponse | GraphColumns> {
  const parts = await graphParts(db, project, q, now);
  return q.format === "columns" ? asColumns(parts) : asObjects(parts);
}

async function graphParts(db: Queryable, project: string, q: Omit<GraphQuery, "format">, now: Date): Promise<GraphParts> {
  const replay = q.at !== undefined;
  const to = replay ? new Date(q.at!) : now;
  if (to.getTime() > now.getTime()) throw badRequest("`at` is in the future: replay looks back, leave `at` out for now", [{ path: "query.at", message: `${to.toISOString()} is after ${now.toISOString()}` }]);
  const ms = parseDuration(q.window);
  if (ms === null) throw badRequest("`window` must be a length like 1h, 24h or 7d", [{ path: "query.window", message: "use a number and m, h or d" }]);
  const from = new Date(to.getTime() - ms);

  const [linkRows, agentRows, breakers] = await Promise.all([
    linkRowsOf(db, project, from, to),
    db.query<AgentRow>(`SELECT id, display_name, attested, labels FROM agents WHERE project_id = $1`, [project]),
    replay ? replayBreakers(db, project, to) : liveBreakers(db, project, to),
  ]);
  const totals = linkTotals(linkRows.rows);

  const agents = new Map(agentRows.rows.map((a) => [a.id, { displayName: a.display_name, attested: a.attested, labels: parseLabels(a.labels) }]));
  const labelValues = collectLabelValues([...agents.values()].map((a) => a.labels));
  const keep = labelMatcher(q.label);

  const nodes = new Map<string, GraphNodeView>();
  const node = (id: string): GraphNodeView => {
    let n = nodes.get(id);
    if (!n) {
      const a = agents.get(id);
      n = { id, displayName: a?.displayName ?? null, registered: a !== undefined, attested: a?.attested ?? false, killed: false, labels: a?.labels ?? {}, sent: 0, received: 0 };
      nodes.set(id, n);
    }
    return n;
  };
  for (const id of agents.keys()) node(id);
  // An open breaker blocks the edge, so it may carry no traffic at all: it must still show.
  for (const [key, b] of breakers) {
    if (totals.has(key) || b.state === "CLOSED" || b.state === "METRICS_ONLY") continue;
    const [sender = "", receiver = ""] = key.split("\u0000");
    totals.set(key, { sender, receiver, messages: 0, verified: 0, forged: 0, lastSeen: null });
  }
  const outgoing = new Map<string, { all: number; forced: number }>();
  for (const [key, t] of totals) {
    node(t.sender).sent += t.messages;
    node(t.receiver).received += t.messages;
    const o = outgoing.get(t.sender) ?? { all: 0, forced: 0 };
    o.all += 1;
    if (breakers.get(key)?.state === "FORCED_OPEN") o.forced += 1;
    outgoing.set(t.sender, o);
  }
  for (const [id, o] of outgoing) if (o.all > 0 && o.forced === o.all) node(id).killed = true;

  const keptNodes = [...nodes.values()].filter((n) => keep(n.labels)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const at = new Map(keptNodes.map((n, i) => [n.id, i]));
  const links: IndexedLink[] = [];
  for (const [key, t] of totals) {
    const sender = at.get(t.sender);
    const receiver = at.get(t.receiver);
    if (sender === undefined || receiver === undefined) continue;
    const unverified = Math.max(0, t.messages - t.verified - t.forged);
    links.push({ sender, receiver, messages: t.messages, verified: t.verified, unverified, forgedOrReplayed: t.forged, lastSeen: t.lastSeen, breaker: breakers.get(key) ?? CLOSED });
  }
  // Nodes are sorted by id, so comparing indices orders links by sender then receiver id without comparing strings.
  links.sort((a, b) => b.messages - a.messages || a.sender - b.sender || a.receiver - b.receiver);
  return { from, to, replay, labelValues, nodes: keptNodes, links };
}

/**
 * The window's messages per (sender, receiver), from the per-minute tallies
 * and the records of the partial minutes at each end (ADR 0051). A message
 * counts once on each link for each time it names the receiver.
 */
async function linkRowsOf(db: Queryable, project: string, from: Date, to: Date) {
  const p = new SqlParams();
  const e = edgeRowsSql(p, project, tallyWindow(from, to));
  // The epoch milliseconds are exact (extract gives numeric) and skip parsing 10,000 dates.
  return db.query<LinkRow>(
    `SELECT sender, receiver,
            sum(named)::int AS messages,
            coalesce(sum(named) FILTER (WHERE verified), 0)::int AS verified,
            coalesce(sum(named) FILTER (WHERE verdicts && ARRAY['bad_signature', 'replay']::text[]), 0)::int AS forged,
            floor(extract(epoch FROM max(last_ts)) * 1000)::float8 AS last_seen
       FROM (${e}) e
      GROUP BY sender, receiver HAVING sum(named) > 0`,
    p.values,
  );
}

function asObjects(p: GraphParts): GraphResponse {
  const links = p.links.map(
    (l): GraphLinkView => ({
      sender: p.nodes[l.sender]!.id,
      receiver: p.nodes[l.receiver]!.id,
      messages: l.messages,
      verified: l.verified,
      unverified: l.unverified,
      forgedOrReplayed: l.forgedOrReplayed,
      lastSeen: l.lastSeen === null ? null : new Date(l.lastSeen).toISOString(),
      breaker: l.breaker,
    }),
  );
  return { ...header(p), links };
}

const asColumns = (p: GraphParts): GraphColumns => graphColumnsOf(header(p), p.links);

const header = (p: GraphParts): Omit<GraphResponse, "links"> => ({ from: p.from.toISOString(), to: p.to.toISOString(), replay: p.replay, labelValues: p.labelValues, nodes: p.nodes });

/** The links by edge key, the key graphParts joins breakers on. */
export function linkTotals(rows: readonly LinkRow[]): Map<string, LinkTotals> {
  const out = new Map<string, LinkTotals>();
  for (const r of rows) out.set(edgeKey(r.sender, r.receiver), { sender: r.sender, receiver: r.receiver, messages: r.messages, verified: r.verified, forged: r.forged, lastSeen: r.last_seen });
  return out;
}

async function liveBreakers(db: Queryable, project: string, at: Date): Promise<Map<string, GraphBreakerView>> {
  const { rows } = await db.query<LiveBreakerRow>(`SELECT sender, receiver, state, since, machine FROM breaker_states WHERE project_id = $1`, [project]);
  const out = new Map<string, GraphBreakerView>();
  for (const r of rows) {
    const parsed = BreakerMachine.safeParse(r.machine);
    // A row the machine cannot read still says which state it is in.
    if (!parsed.success) {
      out.set(edgeKey(r.sender, r.receiver), { ...CLOSED, state: asState(r.state), since: r.since.toISOString() });
      continue;
    }
    out.set(edgeKey(r.sender, r.receiver), breakerFromMachine(parsed.data, at));
  }
  return out;
}

/** What a stored machine says at `at`: an OPEN period that has run out reads HALF_OPEN, as the machine's next step would make it. */
export function breakerFromMachine(m: BreakerMachine, at: Date): GraphBreakerView {
  const since = new Date(m.since).toISOString();
  switch (m.state) {
    case "OPEN":
      if (!m.awaitingReview && m.until <= at.getTime()) return { ...CLOSED, state: "HALF_OPEN", since: new Date(m.until).toISOString(), reason: "open period ran out" };
      return { state: "OPEN", since, openUntil: m.awaitingReview ? null : new Date(m.until).toISOString(), awaitingReview: m.awaitingReview, reason: m.awaitingReview ? "waiting for a review" : null };
    case "FORCED_OPEN":
      return { ...CLOSED, state: "FORCED_OPEN", since, reason: `${m.actor}: ${m.reason}` };
    default:
      return { ...CLOSED, state: m.state, since };
  }
}

async function replayBreakers(db: Queryable, project: string, at: Date): Promise<Map<string, GraphBreakerView>> {
  const [{ rows: events }, { rows: live }] = await Promise.all([
    db.query<EventBreakerRow>(
      `SELECT DISTINCT ON (sender, receiver) sender, receiver, to_state, at, cause, detail, actor
         FROM breaker_events WHERE project_id = $1 AND at <= $2
        ORDER BY sender, receiver, at DESC, id DESC`,
      [project, at],
    ),
    db.query<LiveBreakerRow>(`SELECT sender, receiver, state, since, machine FROM breaker_states WHERE project_id = $1 AND state = 'OPEN'`, [project]),
  ]);
  // Events do not carry the open period's end; the live row does, when it is still the same open period.
  const openUntil = new Map<string, { since: number; until: number; awaitingReview: boolean }>();
  for (const r of live) {
    const m = BreakerMachine.safeParse(r.machine);
    if (m.success && m.data.state === "OPEN") openUntil.set(edgeKey(r.sender, r.receiver), { since: m.data.since, until: m.data.until, awaitingReview: m.data.awaitingReview });
  }
  const out = new Map<string, GraphBreakerView>();
  for (const e of events) {
    const key = edgeKey(e.sender, e.receiver);
    const state = asState(e.to_state);
    const reason = e.actor ? `${e.actor}: ${e.detail}` : e.detail;
    const same = state === "OPEN" ? openUntil.get(key) : undefined;
    if (same && same.since === e.at.getTime()) {
      out.set(key, breakerFromMachine({ state: "OPEN", since: same.since, until: same.until, awaitingReview: same.awaitingReview }, at));
      continue;
    }
    out.set(key, { state, since: e.at.toISOString(), openUntil: null, awaitingReview: false, reason });
  }
  return out;
}

function parseLabels(value: unknown): Record<string, string> {
  const parsed = Labels.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

function collectLabelValues(all: readonly Record<string, string>[]): Record<string, string[]> {
  const byName = new Map<string, Set<string>>();
  for (const labels of all) {
    for (const [k, v] of Object.entries(labels)) {
      const set = byName.get(k) ?? new Set<string>();
      set.add(v);
      byName.set(k, set);
    }
  }
  return Object.fromEntries([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, vs]) => [k, [...vs].sort()]));
}
