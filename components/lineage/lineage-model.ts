// From the two lineage answers (upstream origins, downstream blast radius) to
// the DAG's nodes and edges, and the links an analyst follows from it. Pure:
// the unit tests call it with fixture answers.
import type { BlastRadiusView, OriginView } from "@/lib/api/engine-views.ts";
import { graphViewSearch, parseGraphView } from "../graph/graph-url.ts";
import type { WindowKey } from "@/lib/view/window.ts";
import type { DagEdgeInput, DagNodeInput } from "./dag-math.ts";

export interface LineageModel {
  nodes: DagNodeInput[];
  edges: DagEdgeInput[];
  /** Why each record is suspect or tainted, by id (its own reasons, then where its taint comes from). */
  why: Map<string, string[]>;
  /** Its own suspicion reasons, by id: the kind picks the icon and word. */
  reasons: Map<string, { kind: string; detail: string }[]>;
}

const parseTs = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

export function lineageModel(origin: OriginView | null, blast: BlastRadiusView | null): LineageModel {
  const nodes: DagNodeInput[] = [];
  const edges: DagEdgeInput[] = [];
  const why = new Map<string, string[]>();
  const reasons = new Map<string, { kind: string; detail: string }[]>();
  const originIds = new Set(origin?.origins.map((o) => o.id) ?? []);
  const start = origin?.start ?? blast?.starts[0]?.id ?? null;

  if (origin) {
    for (const p of origin.paths) {
      p.steps.forEach((s, i) => {
        const role = originIds.has(s.id) ? "origin" : s.id === start ? "start" : "path";
        nodes.push({ id: s.id, agent: s.agent, ts: parseTs(s.ts), kind: s.kind, actionClass: s.actionClass, role, flagged: s.flagged, tainted: true });
        if (!why.has(s.id)) why.set(s.id, s.why);
        if (s.reasons.length > 0) reasons.set(s.id, s.reasons);
        const up = p.steps[i + 1];
        if (up && s.next) edges.push({ child: s.id, parent: up.id, kind: s.next.kind });
      });
    }
    for (const o of origin.origins) {
      if (!why.has(o.id)) why.set(o.id, o.why);
      if (o.reasons.length > 0) reasons.set(o.id, o.reasons);
    }
  }
  if (blast) {
    for (const s of blast.starts) {
      const role = originIds.has(s.id) ? "origin" : "start";
      nodes.push({ id: s.id, agent: s.agent, ts: parseTs(s.ts), kind: s.kind, actionClass: s.actionClass, role, flagged: s.flagged, tainted: blast.startTainted || s.flagged });
      if (s.reasons.length > 0) reasons.set(s.id, s.reasons);
    }
    for (const d of blast.descendants) {
      nodes.push({ id: d.id, agent: d.agent, ts: parseTs(d.ts), kind: d.kind, actionClass: d.actionClass, role: originIds.has(d.id) ? "origin" : "descendant", flagged: d.flagged, tainted: d.tainted });
      if (d.why.length > 0 && !why.has(d.id)) why.set(d.id, d.why);
      if (d.reasons.length > 0) reasons.set(d.id, d.reasons);
      if (d.via) edges.push({ child: d.id, parent: d.via.parent, kind: d.via.kind });
    }
  }
  return { nodes: dedupe(nodes), edges, why, reasons };
}

const ROLE_RANK = { origin: 0, start: 1, path: 2, descendant: 3 } as const;

/** One node per id: a record on an origin path and among the starts keeps its strongest role and any flag. */
function dedupe(nodes: DagNodeInput[]): DagNodeInput[] {
  const byId = new Map<string, DagNodeInput>();
  for (const n of nodes) {
    const had = byId.get(n.id);
    if (!had) byId.set(n.id, n);
    else byId.set(n.id, { ...had, role: ROLE_RANK[n.role] < ROLE_RANK[had.role] ? n.role : had.role, flagged: had.flagged || n.flagged, tainted: had.tainted || n.tainted });
  }
  return [...byId.values()];
}

export const lineageHref = (recordId: string): string => `/lineage?record=${encodeURIComponent(recordId)}`;

/** The smallest graph window that still holds a record of this time (the graph shows agents active in its window). */
export function windowFor(ts: number | null, now: number): WindowKey {
  if (ts === null || !Number.isFinite(ts)) return "24h";
  const age = now - ts;
  if (age <= 60 * 60_000) return "1h";
  if (age <= 24 * 60 * 60_000) return "24h";
  return "7d";
}

/** The agent graph with this agent selected and its one-hop neighbourhood in focus. */
export function agentFocusHref(agent: string, window: WindowKey = "24h"): string {
  const view = { ...parseGraphView(new URLSearchParams()), window, agent, hops: 1 };
  return `/graph${graphViewSearch(view)}`;
}
