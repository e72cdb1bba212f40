import "server-only";
import { z } from "zod";
import { badRequest } from "../api/errors.ts";
import { toGraphColumns, type GraphColumns } from "../api/graph-columns.ts";
import { labelMatcher, type GraphBreakerView, type GraphLinkView, type GraphNodeView, type GraphQuery, type GraphResponse } from "../api/graph-views.ts";
import { parseDuration } from "../api/time-window.ts";
import { BreakerMachine } from "../engine/breaker/machine.ts";
import { BREAKER_STATES, type BreakerStateName } from "../engine/breaker/states.ts";
import type { PrismaClient } from "./generated/client.ts";

interface LinkRow {
  sender: string;
  receiver: string;
  messages: number;
  verified: number;
  forged: number;
  last_seen: Date;
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

/**
 * The agent graph over a window: every registered agent and every agent seen
 * in a message, the sender -> receiver links with their verification
 * counts, and the breaker on each link. Live, breakers come from the
 * breaker_states cache; in replay (`at` given) from the latest breaker event
 * per edge at or before `at`, so a past incident reads as it stood then.
 */
export async function agentGraph(db: PrismaClient, project: string, q: Omit<GraphQuery, "format">, now: Date = new Date()): Promise<GraphResponse> {
  const replay = q.at !== undefined;
  const to = replay ? new Date(q.at!) : now;
  if (to.getTime() > now.getTime()) throw badRequest("`at` is in the future: replay looks back, leave `at` out for now", [{ path: "query.at", message: `${to.toISOString()} is after ${now.toISOString()}` }]);
  const ms = parseDuration(q.window);
  if (ms === null) throw badRequest("`window` must be a length like 1h, 24h or 7d", [{ path: "query.window", message: "use a number and m, h or d" }]);
  const from = new Date(to.getTime() - ms);

  const [linkRows, agentRows, breakers] = await Promise.all([
    db.$queryRaw<LinkRow[]>`
      SELECT r.agent AS sender, rcv AS receiver, count(*)::int AS messages,
             (count(*) FILTER (WHERE r.verified))::int AS verified,
             (count(*) FILTER (WHERE r.verdicts && ARRAY['bad_signature', 'replay']::text[]))::int AS forged,
             max(r.ts) AS last_seen
        FROM records r CROSS JOIN LATERAL unnest(r.receivers) AS rcv
       WHERE r.project_id = ${project} AND r.kind = 'message' AND r.ts >= ${from} AND r.ts < ${to}
       GROUP BY r.agent, rcv`,
    db.$queryRaw<AgentRow[]>`SELECT id, display_name, attested, labels FROM agents WHERE project_id = ${project}`,
    replay ? replayBreakers(db, project, to) : liveBreakers(db, project, to),
  ]);

  const agents = new Map(agentRows.map((a) => [a.id, { displayName: a.display_name, attested: a.attested, labels: parseLabels(a.labels) }]));
  const labelValues = collectLabelValues([...agents.values()].map((a) => a.labels));
  const keep = labelMatcher(q.label);

  const links: GraphLinkView[] = [];
  const seen = new Set<string>();
  for (const r of linkRows) {
    const key = edgeKey(r.sender, r.receiver);
    seen.add(key);
    links.push({
      sender: r.sender,
      receiver: r.receiver,
      messages: r.messages,
      verified: r.verified,
      unverified: Math.max(0, r.messages - r.verified - r.forged),
      forgedOrReplayed: r.forged,
      lastSeen: r.last_seen.toISOString(),
      breaker: breakers.get(key) ?? CLOSED,
    });
  }
  // An open breaker blocks the edge, so it may carry no traffic at all: it must still show.
  for (const [key, b] of breakers) {
    if (seen.has(key) || b.state === "CLOSED" || b.state === "METRICS_ONLY") continue;
    const [sender = "", receiver = ""] = key.split("\u0000");
    links.push({ sender, receiver, messages: 0, verified: 0, unverified: 0, forgedOrReplayed: 0, lastSeen: null, breaker: b });
  }

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
  const outgoing = new Map<string, { all: number; forced: number }>();
  for (const l of links) {
    node(l.sender).sent += l.messages;
    node(l.receiver).received += l.messages;
    const o = outgoing.get(l.sender) ?? { all: 0, forced: 0 };
    o.all += 1;
    if (l.breaker.state === "FORCED_OPEN") o.forced += 1;
    outgoing.set(l.sender, o);
  }
  for (const [id, o] of outgoing) if (o.all > 0 && o.forced === o.all) node(id).killed = true;

  const keptNodes = [...nodes.values()].filter((n) => keep(n.labels)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keptIds = new Set(keptNodes.map((n) => n.id));
  const keptLinks = links
    .filter((l) => keptIds.has(l.sender) && keptIds.has(l.receiver))
    .sort((a, b) => b.messages - a.messages || (a.sender < b.sender ? -1 : a.sender > b.sender ? 1 : a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0));

  return { from: from.toISOString(), to: to.toISOString(), replay, labelValues, nodes: keptNodes, links: keptLinks };
}

/** GET /api/v1/graph: the graph in the format asked for (`columns` for the dashboard, graph-columns.ts). */
export async function agentGraphAnswer(db: PrismaClient, project: string, q: GraphQuery, now: Date = new Date()): Promise<GraphResponse | GraphColumns> {
  const g = await agentGraph(db, project, q, now);
  return q.format === "columns" ? toGraphColumns(g) : g;
}

async function liveBreakers(db: PrismaClient, project: string, at: Date): Promise<Map<string, GraphBreakerView>> {
  const rows = await db.$queryRaw<LiveBreakerRow[]>`SELECT sender, receiver, state, since, machine FROM breaker_states WHERE project_id = ${project}`;
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

async function replayBreakers(db: PrismaClient, project: string, at: Date): Promise<Map<string, GraphBreakerView>> {
  const [events, live] = await Promise.all([
    db.$queryRaw<EventBreakerRow[]>`
      SELECT DISTINCT ON (sender, receiver) sender, receiver, to_state, at, cause, detail, actor
        FROM breaker_events WHERE project_id = ${project} AND at <= ${at}
       ORDER BY sender, receiver, at DESC, id DESC`,
    db.$queryRaw<LiveBreakerRow[]>`SELECT sender, receiver, state, since, machine FROM breaker_states WHERE project_id = ${project} AND state = 'OPEN'`,
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
