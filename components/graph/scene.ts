// Prepare, then draw: the graph response and the URL's view state turned
// into what the canvas needs per node and link (style, width, lock, whether
// it is shown, dimmed or highlighted). Pure; the canvas only applies it.
import type { GraphLinkView, GraphNodeView, GraphResponse } from "@/lib/api/graph-views.ts";
import { buildAdjacency, hopNeighbourhood, linkInFocus } from "./focus-math.ts";
import type { GraphView } from "./graph-url.ts";
import { parseEdgeParam } from "./graph-url.ts";
import { BREAKER_STYLES, STATE_SEVERITY, linkWidthScale, lockKind, nodeBadges, nodeRadiusScale, type BreakerStyle, type LockKind, type NodeBadge } from "./style-math.ts";

export interface SceneNode {
  index: number;
  data: GraphNodeView;
  r: number;
  badges: NodeBadge[];
  shown: boolean;
  /** Outside the selection's neighbourhood: drawn faint. */
  dim: boolean;
  selected: boolean;
}

export interface SceneLink {
  index: number;
  source: number;
  target: number;
  data: GraphLinkView;
  style: BreakerStyle;
  width: number;
  lock: LockKind | null;
  /** b -> a exists too: draw both side by side. */
  paired: boolean;
  shown: boolean;
  dim: boolean;
  selected: boolean;
}

export interface Scene {
  nodes: SceneNode[];
  /** Drawing order: quiet links first, the worst breaker states last (on top). */
  links: SceneLink[];
  byId: Map<string, number>;
  shownNodes: number;
  /** The focus neighbourhood (agent -> hops away) when a focus is on. */
  focus: Map<string, number> | null;
}

export function prepareScene(data: GraphResponse, view: Pick<GraphView, "agent" | "edge" | "hops" | "dir">): Scene {
  const byId = new Map(data.nodes.map((n, i) => [n.id, i]));
  const traffic = data.nodes.map((n) => n.sent + n.received);
  const radius = nodeRadiusScale(maxOf(traffic));
  const width = linkWidthScale(maxOf(data.links.map((l) => l.messages)));
  const selectedAgent = view.agent !== null && byId.has(view.agent) ? view.agent : null;
  const selectedEdge = parseEdgeParam(view.edge);

  let focus: Map<string, number> | null = null;
  let near: Set<string> | null = null;
  if (selectedAgent !== null) {
    const adj = buildAdjacency(data.links);
    if (view.hops !== null) focus = hopNeighbourhood(adj, selectedAgent, view.hops, view.dir);
    else near = new Set(hopNeighbourhood(adj, selectedAgent, 1, "both").keys());
  } else if (selectedEdge) {
    near = new Set(selectedEdge);
  }

  const nodes: SceneNode[] = data.nodes.map((n, index) => ({
    index,
    data: n,
    r: radius(traffic[index] ?? 0),
    badges: nodeBadges(n),
    shown: focus === null || focus.has(n.id),
    dim: near !== null && !near.has(n.id),
    selected: n.id === selectedAgent,
  }));

  const keys = new Set(data.links.map((l) => `${l.sender}\u0000${l.receiver}`));
  const links: SceneLink[] = [];
  data.links.forEach((l, index) => {
    const source = byId.get(l.sender);
    const target = byId.get(l.receiver);
    if (source === undefined || target === undefined) return;
    const isSelected = selectedEdge !== null && selectedEdge[0] === l.sender && selectedEdge[1] === l.receiver;
    links.push({
      index,
      source,
      target,
      data: l,
      style: BREAKER_STYLES[l.breaker.state],
      width: width(l.messages),
      lock: lockKind(l),
      paired: keys.has(`${l.receiver}\u0000${l.sender}`),
      shown: focus === null || linkInFocus(l, focus),
      dim: selectedAgent !== null && focus === null ? l.sender !== selectedAgent && l.receiver !== selectedAgent : selectedEdge !== null && !isSelected,
      selected: isSelected,
    });
  });
  links.sort((a, b) => STATE_SEVERITY[a.style.state] - STATE_SEVERITY[b.style.state] || a.width - b.width);

  return { nodes, links, byId, shownNodes: nodes.filter((n) => n.shown).length, focus };
}

/** Largest value, 0 for none; no spread, which overflows the stack on huge arrays. */
export function maxOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
