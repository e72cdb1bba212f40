// Which incident a finding belongs to. Findings that share lineage (the same
// origin, or one cascade: a record downstream of the incident's records) are
// one incident, as long as the incident has not gone quiet; a finding with
// no record groups by its agent. A finding that links incidents merges them
// only while no analyst has touched either: after that an incident never
// changes shape behind the analyst's back, and the two are linked instead.
// Types in, a plan out; lib/engine/incidents/incident-runner.ts stores it.
import { findingSeverity, maxSeverity, type Severity, type SeverityFacts } from "./severity.ts";

/** One hour without a new finding closes an incident to grouping; a later finding opens a new one. */
export const DEFAULT_QUIET_MS = 60 * 60 * 1000;
const TITLE_MAX = 200;

export interface FindingFacts extends SeverityFacts {
  id: string;
  recordId: string | null;
  agent: string | null;
  subject: string;
  explanation: string;
  /** ms since the epoch. */
  at: number;
  /** Lineage origins of the finding's record (flagged records with nothing flagged upstream, and a feedback loop's entry); the record itself when it has none. */
  origins: readonly string[];
  /** Records upstream of the finding's record that lineage saw (its paths to each origin). */
  upstream: readonly string[];
  /** Agents the finding touches: its own and those on its lineage paths. */
  agents: readonly string[];
}

export interface IncidentFacts {
  id: string;
  title: string;
  severity: Severity;
  /** Earliest and latest finding time (ms). */
  firstAt: number;
  lastAt: number;
  originIds: readonly string[];
  recordIds: readonly string[];
  agents: readonly string[];
  /** An analyst acknowledged it, wrote a note on it, or changed its status. */
  acted: boolean;
}

/** How a finding matched an incident, strongest first. */
export const MATCH_KINDS = ["origin", "lineage", "agent"] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export interface GroupedIncident extends Omit<IncidentFacts, "originIds" | "recordIds" | "agents"> {
  originIds: string[];
  recordIds: string[];
  agents: string[];
  /** The incident's id, or `new:N` for one this plan opens. */
  key: string;
  isNew: boolean;
  /** Findings this plan puts in it (those of incidents merged into it included). */
  findingIds: string[];
}

export interface GroupingPlan {
  /** Every incident the plan opens or changes, as it should be stored. */
  incidents: GroupedIncident[];
  /** Where each finding goes, after merges. */
  assignments: { findingId: string; incident: string; match: MatchKind | "opened" }[];
  /** Existing incidents folded into another (new ones folded in are simply never opened). */
  merges: { from: string; into: string; findingId: string }[];
  /** Incidents one finding ties together that stay apart because an analyst acted on one of them. */
  links: { a: string; b: string; findingId: string }[];
}

export interface GroupingOptions {
  quietMs?: number;
}

/** An incident while the plan is made: sets, so a long cascade stays cheap to match against. */
interface Working extends Omit<GroupedIncident, "originIds" | "recordIds" | "agents"> {
  originIds: Set<string>;
  recordIds: Set<string>;
  agents: Set<string>;
  alive: boolean;
}

interface Match {
  incident: Working;
  kind: MatchKind;
}

/**
 * Groups new findings (in time order) into the incidents still open to
 * grouping. Pure: the caller loads the candidates and stores the plan.
 */
export function planIncidents(findings: readonly FindingFacts[], existing: readonly IncidentFacts[], options: GroupingOptions = {}): GroupingPlan {
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const live: Working[] = existing.map((i) => ({
    ...i,
    originIds: new Set(i.originIds),
    recordIds: new Set(i.recordIds),
    agents: new Set(i.agents),
    key: i.id,
    isNew: false,
    findingIds: [],
    alive: true,
  }));
  const changed = new Set<Working>();
  const mergedInto = new Map<string, string>();
  const assignments: GroupingPlan["assignments"] = [];
  const merges: GroupingPlan["merges"] = [];
  const links: GroupingPlan["links"] = [];
  let opened = 0;

  const ordered = [...findings].sort((a, b) => a.at - b.at || compareIds(a.id, b.id));
  for (const f of ordered) {
    const matches: Match[] = [];
    for (const inc of live) {
      if (!inc.alive || f.at < inc.firstAt - quietMs || f.at > inc.lastAt + quietMs) continue;
      const kind = matchOf(f, inc);
      if (kind !== null) matches.push({ incident: inc, kind });
    }
    if (matches.length === 0) {
      const inc = openIncident(f, `new:${opened++}`);
      live.push(inc);
      changed.add(inc);
      assignments.push({ findingId: f.id, incident: inc.key, match: "opened" });
      continue;
    }
    matches.sort(byStrength);
    const best = matches[0]!;
    let target = best.incident;
    // An agent is weaker evidence than lineage: it attaches, never merges or links.
    const lineageMatches = best.kind === "agent" ? [] : matches.filter((m) => m.kind !== "agent").map((m) => m.incident);
    if (!target.acted) {
      const mergeable = lineageMatches.filter((i) => !i.acted).sort(bySeniority);
      target = mergeable[0] ?? target;
      for (const other of mergeable.slice(1)) {
        absorb(target, other);
        mergedInto.set(other.key, target.key);
        changed.delete(other);
        if (!other.isNew) merges.push({ from: other.key, into: target.key, findingId: f.id });
      }
    }
    attach(target, f);
    changed.add(target);
    assignments.push({ findingId: f.id, incident: target.key, match: best.kind });
    for (const other of lineageMatches) if (other.alive && other !== target) links.push({ a: target.key, b: other.key, findingId: f.id });
  }

  const resolve = (key: string): string => {
    // Merge chains are short, but a loop (not recursion) whatever their length.
    let k = key;
    for (let next = mergedInto.get(k); next !== undefined; next = mergedInto.get(k)) k = next;
    return k;
  };
  const seenLinks = new Set<string>();
  const finalLinks: GroupingPlan["links"] = [];
  for (const l of links) {
    const [a, b] = [resolve(l.a), resolve(l.b)].sort(compareIds) as [string, string];
    const pair = `${a}\u0000${b}`;
    if (a === b || seenLinks.has(pair)) continue;
    seenLinks.add(pair);
    finalLinks.push({ a, b, findingId: l.findingId });
  }
  return {
    incidents: [...changed]
      .filter((i) => i.alive)
      .map(({ alive: _alive, ...i }) => ({ ...i, originIds: [...i.originIds], recordIds: [...i.recordIds], agents: [...i.agents] })),
    assignments: assignments.map((a) => ({ ...a, incident: resolve(a.incident) })),
    merges: merges.map((m) => ({ ...m, into: resolve(m.into) })),
    links: finalLinks,
  };
}

function matchOf(f: FindingFacts, inc: Working): MatchKind | null {
  if (f.origins.some((o) => inc.originIds.has(o))) return "origin";
  if (f.recordId !== null && (inc.recordIds.has(f.recordId) || f.upstream.some((r) => inc.recordIds.has(r)))) return "lineage";
  if (f.recordId === null && f.agent !== null && inc.agents.has(f.agent)) return "agent";
  return null;
}

/** Strongest match first; then incidents that already exist, the oldest first. */
function byStrength(a: Match, b: Match): number {
  return MATCH_KINDS.indexOf(a.kind) - MATCH_KINDS.indexOf(b.kind) || bySeniority(a.incident, b.incident);
}

/** The incident that survives a merge: one that already exists, the oldest, the lowest id. */
function bySeniority(a: Working, b: Working): number {
  return Number(a.isNew) - Number(b.isNew) || a.firstAt - b.firstAt || compareIds(a.key, b.key);
}

/** Numeric ids by value, so "9" sorts before "10"; anything else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

function openIncident(f: FindingFacts, key: string): Working {
  return {
    id: key,
    key,
    isNew: true,
    title: titleOf(f),
    severity: findingSeverity(f),
    firstAt: f.at,
    lastAt: f.at,
    originIds: new Set(f.origins),
    recordIds: new Set(f.recordId === null ? [] : [f.recordId]),
    agents: new Set(f.agents),
    acted: false,
    findingIds: [f.id],
    alive: true,
  };
}

function attach(inc: Working, f: FindingFacts): void {
  addAll(inc.originIds, f.origins);
  if (f.recordId !== null) addAll(inc.recordIds, [f.recordId]);
  addAll(inc.agents, f.agents);
  inc.firstAt = Math.min(inc.firstAt, f.at);
  inc.lastAt = Math.max(inc.lastAt, f.at);
  inc.severity = maxSeverity(inc.severity, findingSeverity(f));
  inc.findingIds.push(f.id);
}

function absorb(into: Working, from: Working): void {
  addAll(into.originIds, from.originIds);
  addAll(into.recordIds, from.recordIds);
  addAll(into.agents, from.agents);
  into.firstAt = Math.min(into.firstAt, from.firstAt);
  into.lastAt = Math.max(into.lastAt, from.lastAt);
  into.severity = maxSeverity(into.severity, from.severity);
  into.findingIds.push(...from.findingIds);
  from.alive = false;
}

function addAll(set: Set<string>, items: Iterable<string>): void {
  for (const x of items) set.add(x);
}

function titleOf(f: FindingFacts): string {
  const where = f.agent ?? f.subject;
  const title = `${f.detector.replaceAll("_", " ")} at ${where}: ${f.explanation}`;
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}
