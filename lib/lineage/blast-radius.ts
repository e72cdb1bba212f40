// Downstream from one record (or from many, for a compromise): every message,
// state version and action that depends on it, when, by whom, and how much of
// what was decided downstream is tainted.
import { provTerm, type ProvTerm } from "./prov-term.ts";
import { describeReason, nodeReport, type NodeReport } from "./node-report.ts";
import { propagateTaint } from "./taint.ts";
import { DECISION_KINDS, type EdgeKind } from "./types.ts";
import type { Truncation, Walk } from "./walk.ts";

export interface Descendant extends NodeReport {
  depth: number;
  /** The edge that first reached it: which record it depends on, and how. */
  via: { parent: string; kind: EdgeKind; prov: ProvTerm } | null;
  tainted: boolean;
  /** The flagged record its taint comes from (the nearest); null when clean. */
  taintedBy: string | null;
  why: string[];
}

export interface AgentCount {
  agent: string;
  records: number;
  tainted: number;
  decisions: number;
  taintedDecisions: number;
}

export interface BlastCounts {
  total: number;
  messages: number;
  stateVersions: number;
  stateReads: number;
  actions: number;
  redActions: number;
  requests: number;
  approvals: number;
  /** Referenced ids with no stored record. */
  unstored: number;
  tainted: number;
}

export interface BlastRadius {
  starts: NodeReport[];
  /** The start is flagged or derives from something flagged (decided by the caller, upstream). */
  startTainted: boolean;
  /** Everything downstream, breadth-first; the starts are not repeated here. */
  descendants: Descendant[];
  counts: BlastCounts;
  /** Per agent, most records first. */
  byAgent: AgentCount[];
  /** Actions and state writes downstream, and the share of them tainted (null when there are none). */
  decisions: { total: number; tainted: number; share: number | null };
  time: { first: string | null; last: string | null; spanMs: number | null; lastAfterStartMs: number | null };
  visited: number;
  truncated: Truncation[];
}

export interface BlastOptions {
  /** Treat the starts as tainted even when not flagged themselves (they derive from something flagged). */
  startTainted?: boolean;
}

export function blastRadius(w: Walk, options: BlastOptions = {}): BlastRadius {
  if (w.direction !== "down") throw new Error("blastRadius needs a downstream walk");
  const startTainted = options.startTainted ?? false;
  const taint = propagateTaint(w, startTainted ? w.starts : []);
  const startSet = new Set(w.starts);

  const counts: BlastCounts = { total: 0, messages: 0, stateVersions: 0, stateReads: 0, actions: 0, redActions: 0, requests: 0, approvals: 0, unstored: 0, tainted: 0 };
  const agents = new Map<string, AgentCount>();
  const descendants: Descendant[] = [];
  let first = Infinity;
  let last = -Infinity;
  let decisions = 0;
  let taintedDecisions = 0;

  for (const v of w.visits.values()) {
    if (startSet.has(v.id)) continue;
    const base = nodeReport(v.id, v.node);
    const source = taint.get(v.id) ?? null;
    const tainted = source !== null;
    const why = base.reasons.length > 0 ? base.reasons.map(describeReason) : [];
    if (tainted && source !== v.id) why.push(`downstream of ${startSet.has(source) ? "start" : "flagged record"} ${source}`);
    const via = v.via ? { parent: v.via.parent, kind: v.via.kind, prov: provTerm(v.via.kind, v.node?.kind, parentKind(w, v.via.parent, v.via.kind)) } : null;
    // A literal, not { ...base, ... }: spreading costs ten times as much at 10k records.
    descendants.push({
      id: base.id,
      stored: base.stored,
      kind: base.kind,
      agent: base.agent,
      ts: base.ts,
      actionClass: base.actionClass,
      flagged: base.flagged,
      reasons: base.reasons,
      depth: v.depth,
      via,
      tainted,
      taintedBy: source,
      why,
    });

    counts.total++;
    if (tainted) counts.tainted++;
    const node = v.node;
    if (!node) {
      counts.unstored++;
      continue;
    }
    countKind(counts, node.kind, node.actionClass);
    first = Math.min(first, node.ts);
    last = Math.max(last, node.ts);
    const decision = DECISION_KINDS.has(node.kind);
    if (decision) {
      decisions++;
      if (tainted) taintedDecisions++;
    }
    const a = agents.get(node.agent) ?? { agent: node.agent, records: 0, tainted: 0, decisions: 0, taintedDecisions: 0 };
    a.records++;
    if (tainted) a.tainted++;
    if (decision) {
      a.decisions++;
      if (tainted) a.taintedDecisions++;
    }
    agents.set(node.agent, a);
  }

  // A loop, not Math.min(...): a compromise can have a hundred thousand starts.
  let earliestStart: number | null = null;
  for (const id of w.starts) {
    const ts = w.visits.get(id)?.node?.ts;
    if (ts !== undefined && (earliestStart === null || ts < earliestStart)) earliestStart = ts;
  }
  const seen = Number.isFinite(first);
  return {
    starts: w.starts.map((id) => nodeReport(id, w.visits.get(id)?.node ?? null)),
    startTainted,
    descendants,
    counts,
    byAgent: [...agents.values()].sort((a, b) => b.records - a.records || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0)),
    decisions: { total: decisions, tainted: taintedDecisions, share: decisions === 0 ? null : taintedDecisions / decisions },
    time: {
      first: seen ? new Date(first).toISOString() : null,
      last: seen ? new Date(last).toISOString() : null,
      spanMs: seen ? last - first : null,
      lastAfterStartMs: seen && earliestStart !== null ? last - earliestStart : null,
    },
    visited: w.visits.size,
    truncated: [...w.truncated],
  };
}

/** Only a parent edge needs the parent's kind to be named (provTerm); skip the lookup otherwise. */
function parentKind(w: Walk, id: string, kind: EdgeKind): string | undefined {
  return kind === "parent" ? w.visits.get(id)?.node?.kind : undefined;
}

function countKind(c: BlastCounts, kind: string, actionClass: string | null): void {
  switch (kind) {
    case "message":
      c.messages++;
      break;
    case "state.write":
      c.stateVersions++;
      break;
    case "state.read":
      c.stateReads++;
      break;
    case "action":
      c.actions++;
      if (actionClass === "red") c.redActions++;
      break;
    case "request":
      c.requests++;
      break;
    case "approval":
      c.approvals++;
      break;
  }
}
