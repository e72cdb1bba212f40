// Where each record of the lineage figure goes on paper: columns by depth
// from the origins (taint flows left to right), rows ordered by their
// parents' rows so edges cross less, and a cap on both so the figure stays
// readable; what does not fit is counted, never silently dropped.
import type { LineageFigure } from "./bundle-schema.ts";

export interface PlacedNode {
  id: string;
  agent: string;
  kind: string;
  tainted: boolean;
  flagged: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedEdge {
  from: { x: number; y: number };
  to: { x: number; y: number };
  kind: string;
}

export interface FigureLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Records of the figure left out for room. */
  hidden: number;
  width: number;
  height: number;
}

export interface LayoutOptions {
  width: number;
  maxColumns?: number;
  maxRows?: number;
  boxHeight?: number;
  rowGap?: number;
}

export function layoutLineage(figure: LineageFigure, options: LayoutOptions): FigureLayout {
  const maxColumns = options.maxColumns ?? 5;
  const maxRows = options.maxRows ?? 9;
  const boxH = options.boxHeight ?? 30;
  const gap = options.rowGap ?? 12;
  const byDepth = new Map<number, LineageFigure["nodes"]>();
  let hidden = 0;
  for (const n of figure.nodes) {
    if (n.depth >= maxColumns) {
      hidden++;
      continue;
    }
    const col = byDepth.get(n.depth) ?? [];
    col.push(n);
    byDepth.set(n.depth, col);
  }
  const columns = [...byDepth.keys()].sort((a, b) => a - b);
  const colW = options.width / Math.max(1, columns.length);
  const boxW = Math.min(colW - 22, 150);
  const parentsOf = new Map<string, string[]>();
  for (const e of figure.edges) parentsOf.set(e.child, [...(parentsOf.get(e.child) ?? []), e.parent]);
  const row = new Map<string, number>();
  const placed: PlacedNode[] = [];
  columns.forEach((depth, ci) => {
    const col = [...(byDepth.get(depth) ?? [])];
    // Barycentre of the parents already placed; ties by id for a stable figure.
    const centre = (id: string) => {
      const rows = (parentsOf.get(id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length === 0 ? Number.MAX_SAFE_INTEGER : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    col.sort((a, b) => centre(a.id) - centre(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const shown = col.slice(0, maxRows);
    hidden += col.length - shown.length;
    shown.forEach((n, ri) => {
      row.set(n.id, ri);
      placed.push({ id: n.id, agent: n.agent, kind: n.kind, tainted: n.tainted, flagged: n.flagged, x: ci * colW + (colW - boxW) / 2, y: ri * (boxH + gap), w: boxW, h: boxH });
    });
  });
  const at = new Map(placed.map((p) => [p.id, p]));
  const edges: PlacedEdge[] = [];
  for (const e of figure.edges) {
    const parent = at.get(e.parent);
    const child = at.get(e.child);
    if (!parent || !child) continue;
    edges.push({ from: { x: parent.x + parent.w, y: parent.y + parent.h / 2 }, to: { x: child.x, y: child.y + child.h / 2 }, kind: e.kind });
  }
  const rows = Math.max(0, ...columns.map((d) => Math.min(maxRows, byDepth.get(d)?.length ?? 0)));
  return { nodes: placed, edges, hidden, width: options.width, height: rows === 0 ? 0 : rows * (boxH + gap) - gap };
}
