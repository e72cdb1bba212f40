// The waterfall's layout, free of React so tests can drive it with 100,000
// spans. Every traversal is a loop over typed arrays or an explicit stack:
// trace depth is whatever senders make it, and a recursive walk of a
// 70,000-deep chain overflows the call stack (Jaeger UI found out).
import { scaleLinear } from "d3";

export interface SpanInput {
  ids: readonly string[];
  parents: readonly (string | null)[];
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
}

/** Why a span that names a parent is drawn as a root anyway. */
export type OrphanReason = "missing" | "cycle";

export interface SpanTree {
  count: number;
  /** First span with each id (ids can repeat when different spans were sent under one). */
  indexOf: ReadonlyMap<string, number>;
  /** Parent span index, or -1 for a root. */
  parent: Int32Array;
  /** 0: not an orphan; 1: its parent is not in the trace; 2: its parent chain loops back to it. */
  orphan: Uint8Array;
  depth: Int32Array;
  /** Children of span i are childList[childStart[i] .. childStart[i + 1]), earliest first. */
  childStart: Int32Array;
  childList: Int32Array;
  roots: Int32Array;
  /** Every span in depth-first order (parents before children, siblings earliest first). */
  order: Int32Array;
  /** Spans in the subtree of span i, itself included. */
  subtreeSize: Int32Array;
  maxDepth: number;
}

export const orphanReason = (tree: SpanTree, i: number): OrphanReason | null => (tree.orphan[i] === 1 ? "missing" : tree.orphan[i] === 2 ? "cycle" : null);

/**
 * Builds the tree from parent ids. A span whose parent is not in the trace
 * becomes a root marked "missing"; spans caught in a parent cycle are broken
 * at their earliest member, marked "cycle". When span ids repeat (different
 * spans sent under one id), children attach to the first.
 */
export function buildSpanTree(input: SpanInput): SpanTree {
  const n = input.ids.length;
  const { starts } = input;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!indexOf.has(input.ids[i]!)) indexOf.set(input.ids[i]!, i);

  const parent = new Int32Array(n).fill(-1);
  const orphan = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = input.parents[i];
    if (p === null || p === undefined) continue;
    const j = indexOf.get(p);
    if (j === undefined || j === i) orphan[i] = 1;
    else parent[i] = j;
  }

  const byStart = (a: number, b: number): number => (starts[a]! - starts[b]!) || a - b;
  const fillChildren = (): { childStart: Int32Array; childList: Int32Array; roots: Int32Array } => {
    const childStart = new Int32Array(n + 1);
    let rootCount = 0;
    for (let i = 0; i < n; i++) {
      if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
      else rootCount++;
    }
    for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
    const childList = new Int32Array(n - rootCount);
    const cursor = childStart.slice(0, n);
    const roots = new Int32Array(rootCount);
    let r = 0;
    for (let i = 0; i < n; i++) {
      const p = parent[i]!;
      if (p >= 0) childList[cursor[p]!++] = i;
      else roots[r++] = i;
    }
    for (let i = 0; i < n; i++) {
      const from = childStart[i]!;
      const to = childStart[i + 1]!;
      if (to - from > 1 && !isSorted(childList, from, to, starts)) childList.subarray(from, to).sort(byStart);
    }
    if (!isSorted(roots, 0, rootCount, starts)) roots.sort(byStart);
    return { childStart, childList, roots };
  };

  let links = fillChildren();
  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  const visited = new Uint8Array(n);
  let filled = 0;
  let maxDepth = 0;
  const stack = new Int32Array(n);
  const walkFrom = (rootList: ArrayLike<number>): void => {
    let top = 0;
    for (let k = rootList.length - 1; k >= 0; k--) stack[top++] = rootList[k]!;
    while (top > 0) {
      const v = stack[--top]!;
      if (visited[v]) continue;
      visited[v] = 1;
      order[filled++] = v;
      const p = parent[v]!;
      depth[v] = p >= 0 ? depth[p]! + 1 : 0;
      if (depth[v]! > maxDepth) maxDepth = depth[v]!;
      // Pushed last-to-first so the earliest child is popped first.
      for (let c = links.childStart[v + 1]! - 1; c >= links.childStart[v]!; c--) {
        const child = links.childList[c]!;
        if (!visited[child]) stack[top++] = child;
      }
    }
  };
  walkFrom(links.roots);

  if (filled < n) {
    // Whatever the roots cannot reach sits on a parent cycle (or hangs below one):
    // cut each cycle at its earliest span, then lay the tree out again.
    for (let i = 0; i < n; i++) {
      if (visited[i]) continue;
      // Climb until the path repeats (a cycle: cut it) or meets a path already settled here.
      const seen = new Set<number>();
      for (let v = i; ; ) {
        if (seen.has(v)) {
          let cut = v;
          for (let w = parent[v]!; w !== v; w = parent[w]!) if (byStart(w, cut) < 0) cut = w;
          parent[cut] = -1;
          orphan[cut] = 2;
          break;
        }
        if (visited[v] || parent[v]! < 0) break;
        seen.add(v);
        v = parent[v]!;
      }
      for (const w of seen) visited[w] = 1;
    }
    links = fillChildren();
    visited.fill(0);
    filled = 0;
    maxDepth = 0;
    walkFrom(links.roots);
  }

  const subtreeSize = new Int32Array(n).fill(1);
  // Children come after their parent in depth-first order, so one backward pass sums subtrees.
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k]!;
    const p = parent[v]!;
    if (p >= 0) subtreeSize[p]! += subtreeSize[v]!;
  }
  return { count: n, indexOf, parent, orphan, depth, childStart: links.childStart, childList: links.childList, roots: links.roots, order, subtreeSize, maxDepth };
}

function isSorted(list: Int32Array, from: number, to: number, starts: ArrayLike<number>): boolean {
  for (let k = from + 1; k < to; k++) {
    const a = list[k - 1]!;
    const b = list[k]!;
    if (starts[a]! > starts[b]! || (starts[a] === starts[b] && a > b)) return false;
  }
  return true;
}

export const hasChildren = (tree: SpanTree, i: number): boolean => tree.childStart[i + 1]! > tree.childStart[i]!;
export const childCount = (tree: SpanTree, i: number): number => tree.childStart[i + 1]! - tree.childStart[i]!;

/** The rows on screen: depth-first order with collapsed subtrees left out. */
export interface VisibleRows {
  /** Span index of each row. */
  rows: Int32Array;
  /** Row of span i, or -1 when it is inside a collapsed subtree. */
  rowOf: Int32Array;
}

export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<number>): VisibleRows {
  const rows = new Int32Array(tree.count);
  const rowOf = new Int32Array(tree.count).fill(-1);
  let r = 0;
  for (let k = 0; k < tree.count; ) {
    const v = tree.order[k]!;
    rowOf[v] = r;
    rows[r++] = v;
    // A subtree is contiguous in depth-first order: skipping it is one jump.
    k += collapsed.has(v) ? tree.subtreeSize[v]! : 1;
  }
  return { rows: rows.slice(0, r), rowOf };
}

/** Collapse or expand one span; returns a new set (React state stays immutable). */
export function toggleCollapsed(collapsed: ReadonlySet<number>, span: number): Set<number> {
  const next = new Set(collapsed);
  if (next.has(span)) next.delete(span);
  else next.add(span);
  return next;
}

/** Collapse every span at `depth` that has children: a quick way to see the shape of a huge trace. */
export function collapseAtDepth(tree: SpanTree, depth: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < tree.count; i++) if (tree.depth[i] === depth && hasChildren(tree, i)) out.add(i);
  return out;
}

/** Expands every ancestor of a span so it is on screen (a linked `?span=` inside a collapsed subtree). */
export function revealSpan(tree: SpanTree, collapsed: ReadonlySet<number>, span: number): ReadonlySet<number> {
  let next: Set<number> | null = null;
  for (let p = tree.parent[span]!; p >= 0; p = tree.parent[p]!) {
    if (collapsed.has(p)) {
      next ??= new Set(collapsed);
      next.delete(p);
    }
  }
  return next ?? collapsed;
}

/**
 * The blocks of `chunkRows` rows to mount for a scroll position (first and
 * last block, inclusive): those the view touches and one more on each side,
 * so the set changes only when the view crosses into another block.
 */
export function chunkWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, chunkRows: number): { first: number; last: number } {
  if (rowCount <= 0 || rowHeight <= 0 || chunkRows <= 0) return { first: 0, last: 0 };
  const blockPx = rowHeight * chunkRows;
  const lastBlock = Math.ceil(rowCount / chunkRows) - 1;
  const top = Number.isFinite(scrollTop) ? Math.max(0, scrollTop) : 0;
  const height = Number.isFinite(viewportHeight) ? Math.max(0, viewportHeight) : 0;
  const first = Math.min(lastBlock, Math.max(0, Math.floor(top / blockPx) - 1));
  const last = Math.min(lastBlock, Math.floor((top + height) / blockPx) + 1);
  return { first, last: Math.max(first, last) };
}

/** The scrollTop that brings `row` into view, or the current one when it already is. */
export function scrollToRow(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return scrollTop;
}

/** A span bar as fractions of the visible time range, clamped to [0, 1]; never narrower than `minWidth`. */
export function barPosition(start: number, end: number, viewStart: number, viewEnd: number, minWidth = 0.001): { left: number; width: number } {
  const span = viewEnd - viewStart;
  const scale = scaleLinear()
    .domain([viewStart, span > 0 ? viewEnd : viewStart + 1])
    .range([0, 1])
    .clamp(true);
  const left = scale(Number.isFinite(start) ? start : viewStart);
  const right = scale(Number.isFinite(end) ? Math.max(end, start) : start);
  return { left: Math.min(left, 1 - minWidth), width: Math.max(minWidth, right - left) };
}

/** Tick marks over a duration in nanoseconds, as fractions with a label each. */
export function timeTicks(viewStart: number, viewEnd: number, count = 5): { at: number; label: string }[] {
  const end = viewEnd > viewStart ? viewEnd : viewStart + 1;
  const scale = scaleLinear().domain([viewStart, end]).range([0, 1]);
  return scale.ticks(count).map((t) => ({ at: scale(t), label: formatDuration(t) }));
}

const UNITS: [number, string][] = [
  [86_400e9, "d"],
  [3_600e9, "h"],
  [60e9, "min"],
  [1e9, "s"],
  [1e6, "ms"],
  [1e3, "µs"],
];

/** A duration in nanoseconds the way a person reads it: "1.25 s", "340 ms", "12 µs", "0". */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns === 0) return "0";
  const abs = Math.abs(ns);
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const v = ns / size;
      const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
      return `${Number(v.toFixed(digits))} ${unit}`;
    }
  }
  return `${Math.round(ns)} ns`;
}

/** Indentation of a row in pixels. Capped: a 100,000-deep chain still leaves room for the name; the depth is written out instead. */
export function indentPx(depth: number, step = 12, maxLevels = 12): number {
  return Math.min(Math.max(0, depth), maxLevels) * step;
}

/** The next focused row for a key of the tree's keyboard model, or null when the key means something else. */
export function moveFocus(key: string, row: number, rowCount: number, pageRows: number): number | null {
  if (rowCount === 0) return null;
  const clamp = (r: number): number => Math.max(0, Math.min(rowCount - 1, r));
  switch (key) {
    case "ArrowDown":
      return clamp(row + 1);
    case "ArrowUp":
      return clamp(row - 1);
    case "PageDown":
      return clamp(row + pageRows);
    case "PageUp":
      return clamp(row - pageRows);
    case "Home":
      return 0;
    case "End":
      return rowCount - 1;
    default:
      return null;
  }
}
