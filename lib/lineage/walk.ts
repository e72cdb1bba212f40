// A breadth-first walk over the provenance graph, one frontier at a time, with
// an explicit queue: never recursion, so a 70k-deep chain is just a long loop
// (Jaeger UI crashed on deep traces until it moved to an explicit stack).
// Bounded by depth, node count, record time and a wall-clock budget; a bound
// that cut the walk short is reported, never silent.
import { farEnd, nearEnd, type Adjacency } from "./adjacency.ts";
import type { Direction, EdgeKind, LineageEdge, LineageNode } from "./types.ts";

export interface WalkBounds {
  /** Hops from the start(s) beyond which nothing is expanded. */
  maxDepth?: number;
  /** Records visited, starts included, before the walk stops. */
  maxNodes?: number;
  /** Only records stamped at or after this (ms) are visited; starts always are. */
  from?: number;
  /** Only records stamped at or before this (ms) are visited; starts always are. */
  to?: number;
  /** Wall-clock budget for the whole walk, ms. */
  budgetMs?: number;
  /** The clock the budget is measured on (tests pass a fake one). */
  clock?: () => number;
}

export const DEFAULT_BOUNDS = { maxDepth: 10_000, maxNodes: 200_000, budgetMs: 30_000 } as const;

export const TRUNCATIONS = ["depth", "nodes", "budget", "window"] as const;
/** Which bound left part of the graph unexplored. */
export type Truncation = (typeof TRUNCATIONS)[number];

export interface Visit {
  id: string;
  /** Hops from the nearest start. */
  depth: number;
  /** The edge that first reached this record; null for a start. */
  via: LineageEdge | null;
  /** null when the id is referenced but no record with it was stored. */
  node: LineageNode | null;
}

export interface Walk {
  direction: Direction;
  starts: readonly string[];
  /** Every record reached, in breadth-first order. */
  visits: Map<string, Visit>;
  /** Every edge between two visited records that the walk crossed or saw. */
  edges: LineageEdge[];
  truncated: Truncation[];
  /** Records left out because their time was outside [from, to]. */
  outOfWindow: number;
}

const KIND_RANK: Record<EdgeKind, number> = { parent: 0, state: 1, authority: 2 };

export async function walk(adj: Adjacency, starts: readonly string[], direction: Direction, bounds: WalkBounds = {}): Promise<Walk> {
  const maxDepth = wholeOr(bounds.maxDepth, DEFAULT_BOUNDS.maxDepth);
  const maxNodes = Math.max(1, wholeOr(bounds.maxNodes, DEFAULT_BOUNDS.maxNodes));
  const from = Number.isFinite(bounds.from) ? (bounds.from as number) : -Infinity;
  const to = Number.isFinite(bounds.to) ? (bounds.to as number) : Infinity;
  const clock = bounds.clock ?? Date.now;
  const deadline = clock() + wholeOr(bounds.budgetMs, DEFAULT_BOUNDS.budgetMs);

  const visits = new Map<string, Visit>();
  const edges: LineageEdge[] = [];
  const truncated = new Set<Truncation>();
  const pruned = new Set<string>();

  const startIds = [...new Set(starts)];
  await adj.prefetch?.(startIds, direction, { maxNodes, maxDepth });
  const startNodes = await adj.nodes(startIds);
  for (const id of startIds.slice(0, maxNodes)) visits.set(id, { id, depth: 0, via: null, node: startNodes.get(id) ?? null });
  if (startIds.length > maxNodes) truncated.add("nodes");

  let frontier = startIds.filter((id) => visits.has(id));
  let depth = 0;
  while (frontier.length > 0) {
    if (clock() > deadline) {
      truncated.add("budget");
      break;
    }
    const found = sortEdges(Array.from(await adj.edges(frontier, direction)), direction);
    if (depth >= maxDepth) {
      // Edges among records already reached still count (a cycle, a diamond);
      // any edge leading further means the depth bound cut something off.
      for (const e of found) {
        if (visits.has(farEnd(e, direction))) edges.push(e);
        else if (!pruned.has(farEnd(e, direction))) truncated.add("depth");
      }
      break;
    }
    const fresh: string[] = [];
    const wanted = new Set<string>();
    for (const e of found) {
      const far = farEnd(e, direction);
      if (!visits.has(far) && !pruned.has(far) && !wanted.has(far)) {
        wanted.add(far);
        fresh.push(far);
      }
    }
    const nodes = fresh.length > 0 ? await adj.nodes(fresh) : new Map<string, LineageNode>();
    const next: string[] = [];
    let full = false;
    for (const e of found) {
      const far = farEnd(e, direction);
      if (visits.has(far)) {
        edges.push(e);
        continue;
      }
      if (pruned.has(far)) continue;
      const node = nodes.get(far) ?? null;
      if (node && (node.ts < from || node.ts > to)) {
        pruned.add(far);
        continue;
      }
      if (visits.size >= maxNodes) {
        full = true;
        continue;
      }
      visits.set(far, { id: far, depth: depth + 1, via: e, node });
      edges.push(e);
      next.push(far);
    }
    if (full) {
      truncated.add("nodes");
      break;
    }
    frontier = next;
    depth++;
  }
  if (pruned.size > 0) truncated.add("window");
  return { direction, starts: startIds, visits, edges, truncated: TRUNCATIONS.filter((t) => truncated.has(t)), outOfWindow: pruned.size };
}

/** Edges in a fixed order, so every graph backend gives the same walk. */
function sortEdges(list: LineageEdge[], direction: Direction): LineageEdge[] {
  return list.sort((a, b) => {
    const na = nearEnd(a, direction);
    const nb = nearEnd(b, direction);
    if (na !== nb) return na < nb ? -1 : 1;
    const fa = farEnd(a, direction);
    const fb = farEnd(b, direction);
    if (fa !== fb) return fa < fb ? -1 : 1;
    return KIND_RANK[a.kind] - KIND_RANK[b.kind];
  });
}

function wholeOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}
