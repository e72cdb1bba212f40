// The lineage DAG's layout as plain numbers: x is time (a d3 time scale),
// one lane per agent, records packed into sub-rows where their times are too
// close to tell apart. Big blast radii are aggregated into time buckets per
// lane, so ten thousand records draw as a few hundred shapes while the
// records that matter (the start, the origins, the path between them, every
// flagged record) stay drawn one by one. Pure and iterative: the unit tests
// call it, React only draws what it returns.
import { scaleTime } from "d3";

/** Where a record sits in the question asked. */
export type DagRole = "start" | "origin" | "path" | "descendant";

export interface DagNodeInput {
  id: string;
  /** null: the id is referenced but no record with it was stored. */
  agent: string | null;
  /** ms since the epoch; null when unknown (not stored). */
  ts: number | null;
  kind: string | null;
  actionClass: string | null;
  role: DagRole;
  /** Suspect on its own (verdicts, findings, compromise marks, analyst marks). */
  flagged: boolean;
  /** Flagged or downstream of something flagged. */
  tainted: boolean;
}

/** `child` depends on `parent`: drawn as an arrow from parent to child, the way taint flows. */
export interface DagEdgeInput {
  child: string;
  parent: string;
  kind: string;
}

export interface DagOptions {
  /** Drawing width in pixels. */
  width: number;
  /** More records than this and the rest are bucketed by time. */
  maxIndividual?: number;
  /** Bucket width in pixels when aggregated. */
  bucketPx?: number;
  /** At most this many edges are drawn; the rest are counted in `hiddenEdges`. */
  maxEdges?: number;
}

export interface DagLane {
  /** null: records referenced but never stored. */
  agent: string | null;
  y: number;
  height: number;
  records: number;
  tainted: number;
  flagged: number;
}

export interface PlacedNode extends DagNodeInput {
  x: number;
  y: number;
  lane: number;
  /** Drawn over another record: there were more at this time than the lane has rows. */
  overlaps: boolean;
}

export interface PlacedBucket {
  key: string;
  lane: number;
  x0: number;
  x1: number;
  y: number;
  /** Its records' time range, ms. */
  from: number;
  to: number;
  count: number;
  tainted: number;
  flagged: number;
  decisions: number;
  ids: string[];
}

export interface PlacedEdge {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Records edges it stands for (more than one between buckets). */
  count: number;
  /** The child end is tainted: taint flows along it. */
  tainted: boolean;
  /** On a cycle: a record that depends, through others, on itself (a forged parent). */
  cycle: boolean;
  /** The parent is later than the child: the clock or the record lies. */
  backwards: boolean;
  kind: string;
}

export interface DagLayout {
  width: number;
  height: number;
  /** Plot area, left and right edges of the time axis. */
  x0: number;
  x1: number;
  /** Time domain, ms; null when no record has a time. */
  domain: [number, number] | null;
  ticks: { x: number; t: number }[];
  lanes: DagLane[];
  nodes: PlacedNode[];
  buckets: PlacedBucket[];
  edges: PlacedEdge[];
  hiddenEdges: number;
  /** Edges on a cycle (each counted once). */
  cycleEdges: number;
  aggregated: boolean;
  /** Drawn item (node id or bucket key) of every record id. */
  itemOf: Map<string, string>;
}

export const LANE_LABEL_WIDTH = 168;
export const ROW_HEIGHT = 26;
export const LANE_PADDING = 10;
export const BUCKET_ROW_HEIGHT = 42;
/** Room for the lane's name and its counts on the left. */
const MIN_LANE_HEIGHT = 56;
export const AXIS_HEIGHT = 28;
const RIGHT_PAD = 28;
const NODE_GAP = 18;
const MAX_SUB_ROWS = 4;
export const DEFAULT_MAX_INDIVIDUAL = 400;
const DEFAULT_BUCKET_PX = 22;
const DEFAULT_MAX_EDGES = 2_500;

const ROLE_RANK: Record<DagRole, number> = { origin: 0, start: 1, path: 2, descendant: 3 };

/** A lane this small is drawn record by record when there is room: one record in a bar of its own says less than the record. */
const SMALL_LANE = 20;

/**
 * Keeps what an analyst needs one by one: the question's path first, then
 * flagged records, earliest first; then, while there is room, whole lanes
 * of a few records (a lane is either drawn one by one or in slices, never
 * half and half).
 */
function keepSet(nodes: readonly DagNodeInput[], max: number): Set<string> {
  const ranked = nodes
    .filter((n) => n.role !== "descendant" || n.flagged)
    .sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || (a.ts ?? Infinity) - (b.ts ?? Infinity) || cmp(a.id, b.id));
  const keep = new Set<string>();
  for (const n of ranked) {
    // The path is always kept, even past the limit: it is the answer.
    if (keep.size >= max && n.role === "descendant") break;
    keep.add(n.id);
  }
  const lanes = new Map<string | null, DagNodeInput[]>();
  for (const n of nodes) {
    const list = lanes.get(n.agent);
    if (list) list.push(n);
    else lanes.set(n.agent, [n]);
  }
  const small = [...lanes.entries()].filter(([, list]) => list.length <= SMALL_LANE).sort(([a, la], [b, lb]) => la.length - lb.length || cmp(a ?? "", b ?? ""));
  for (const [, list] of small) {
    const missing = list.filter((n) => !keep.has(n.id));
    if (keep.size + missing.length > max) break;
    for (const n of missing) keep.add(n.id);
  }
  return keep;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lanes: the origin's agent on top, then agents in the order they first acted; records never stored last. */
function laneOrder(nodes: readonly DagNodeInput[]): (string | null)[] {
  const first = new Map<string | null, { ts: number; rank: number }>();
  for (const n of nodes) {
    const ts = n.ts ?? Infinity;
    const rank = n.role === "origin" ? 0 : 1;
    const f = first.get(n.agent);
    if (!f || rank < f.rank || (rank === f.rank && ts < f.ts)) first.set(n.agent, { ts, rank });
  }
  return [...first.entries()]
    .sort(([a, fa], [b, fb]) => {
      if (a === null) return 1;
      if (b === null) return -1;
      return fa.rank - fb.rank || fa.ts - fb.ts || cmp(a, b);
    })
    .map(([agent]) => agent);
}

export function layoutDag(inputNodes: readonly DagNodeInput[], inputEdges: readonly DagEdgeInput[], options: DagOptions): DagLayout {
  const width = Math.max(LANE_LABEL_WIDTH + 200, Number.isFinite(options.width) ? options.width : 0);
  const maxIndividual = Math.max(1, options.maxIndividual ?? DEFAULT_MAX_INDIVIDUAL);
  const x0 = LANE_LABEL_WIDTH + 16;
  const x1 = width - RIGHT_PAD;
  const itemOf = new Map<string, string>();

  // One node per id (a record may be on an origin path and downstream at once): the strongest role wins.
  const byId = new Map<string, DagNodeInput>();
  for (const n of inputNodes) {
    const had = byId.get(n.id);
    if (!had) byId.set(n.id, n);
    else byId.set(n.id, { ...had, role: ROLE_RANK[n.role] < ROLE_RANK[had.role] ? n.role : had.role, flagged: had.flagged || n.flagged, tainted: had.tainted || n.tainted });
  }
  const nodes = [...byId.values()];
  if (nodes.length === 0) {
    return { width, height: AXIS_HEIGHT, x0, x1, domain: null, ticks: [], lanes: [], nodes: [], buckets: [], edges: [], hiddenEdges: 0, cycleEdges: 0, aggregated: false, itemOf };
  }

  // Time: a loop, not Math.min(...spread): ten thousand arguments overflow some engines.
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const n of nodes) {
    if (n.ts === null || !Number.isFinite(n.ts)) continue;
    if (n.ts < tMin) tMin = n.ts;
    if (n.ts > tMax) tMax = n.ts;
  }
  const timed = Number.isFinite(tMin);
  // Identical timestamps (or one record): widen by a second each side so the scale has a range.
  const domain: [number, number] | null = timed ? (tMin === tMax ? [tMin - 1_000, tMax + 1_000] : [tMin, tMax]) : null;
  const scale = scaleTime()
    .domain(domain ? [new Date(domain[0]), new Date(domain[1])] : [new Date(0), new Date(1)])
    .range([x0, x1]);
  const xOf = (n: DagNodeInput): number => (n.ts !== null && Number.isFinite(n.ts) && domain ? scale(new Date(n.ts)) : x0);
  const ticks = domain ? scale.ticks(Math.max(2, Math.floor((x1 - x0) / 130))).map((d) => ({ x: scale(d), t: d.getTime() })) : [];

  const aggregated = nodes.length > maxIndividual;
  const keep = aggregated ? keepSet(nodes, maxIndividual) : null;
  const lanesOrder = laneOrder(nodes);
  const laneIndex = new Map(lanesOrder.map((a, i) => [a, i]));

  // Per lane: its individual nodes sorted by x, and (aggregated) its buckets.
  const individual: PlacedNode[][] = lanesOrder.map(() => []);
  const bucketMaps: Map<number, PlacedBucket>[] = lanesOrder.map(() => new Map());
  const binCount = Math.max(1, Math.floor((x1 - x0) / Math.max(4, options.bucketPx ?? DEFAULT_BUCKET_PX)));
  const binWidth = (x1 - x0) / binCount;
  const lanes: DagLane[] = lanesOrder.map((agent) => ({ agent, y: 0, height: 0, records: 0, tainted: 0, flagged: 0 }));

  for (const n of nodes) {
    const li = laneIndex.get(n.agent)!;
    const lane = lanes[li]!;
    lane.records++;
    if (n.tainted) lane.tainted++;
    if (n.flagged) lane.flagged++;
    const x = xOf(n);
    if (!keep || keep.has(n.id)) {
      individual[li]!.push({ ...n, x, y: 0, lane: li, overlaps: false });
      itemOf.set(n.id, n.id);
      continue;
    }
    const bin = Math.min(binCount - 1, Math.max(0, Math.floor((x - x0) / binWidth)));
    let b = bucketMaps[li]!.get(bin);
    if (!b) {
      b = { key: `bucket:${li}:${bin}`, lane: li, x0: x0 + bin * binWidth, x1: x0 + (bin + 1) * binWidth, y: 0, from: Infinity, to: -Infinity, count: 0, tainted: 0, flagged: 0, decisions: 0, ids: [] };
      bucketMaps[li]!.set(bin, b);
    }
    b.count++;
    if (n.tainted) b.tainted++;
    if (n.flagged) b.flagged++;
    if (n.kind === "action" || n.kind === "state.write") b.decisions++;
    if (n.ts !== null && n.ts < b.from) b.from = n.ts;
    if (n.ts !== null && n.ts > b.to) b.to = n.ts;
    b.ids.push(n.id);
    itemOf.set(n.id, b.key);
  }

  // Stack lanes top to bottom; pack each lane's records into sub-rows.
  let y = AXIS_HEIGHT;
  const buckets: PlacedBucket[] = [];
  const placed: PlacedNode[] = [];
  lanes.forEach((lane, li) => {
    lane.y = y;
    const laneBuckets = [...bucketMaps[li]!.values()].sort((a, b) => a.x0 - b.x0);
    let inner = LANE_PADDING;
    if (laneBuckets.length > 0) {
      for (const b of laneBuckets) {
        b.y = y + inner + 17;
        if (!Number.isFinite(b.from)) b.from = b.to = domain?.[0] ?? 0;
        buckets.push(b);
      }
      inner += BUCKET_ROW_HEIGHT;
    }
    const list = individual[li]!.sort((a, b) => a.x - b.x || (a.ts ?? 0) - (b.ts ?? 0) || cmp(a.id, b.id));
    const rowEnds: number[] = [];
    for (const n of list) {
      let row = rowEnds.findIndex((end) => end + NODE_GAP <= n.x);
      if (row < 0) {
        if (rowEnds.length < MAX_SUB_ROWS) {
          row = rowEnds.length;
          rowEnds.push(-Infinity);
        } else {
          // Out of rows: share the one that ended earliest, and say it overlaps.
          row = 0;
          for (let r = 1; r < rowEnds.length; r++) if (rowEnds[r]! < rowEnds[row]!) row = r;
          n.overlaps = true;
        }
      }
      rowEnds[row] = n.x;
      n.y = y + inner + row * ROW_HEIGHT + ROW_HEIGHT / 2;
      placed.push(n);
    }
    inner += Math.max(rowEnds.length, laneBuckets.length > 0 ? 0 : 1) * ROW_HEIGHT;
    lane.height = Math.max(MIN_LANE_HEIGHT, inner + LANE_PADDING);
    y += lane.height;
  });

  // Edges between drawn items; many record edges between two buckets become one, with a count.
  const pos = new Map<string, { x: number; y: number; ts: number | null }>();
  for (const n of placed) pos.set(n.id, { x: n.x, y: n.y, ts: n.ts });
  for (const b of buckets) pos.set(b.key, { x: (b.x0 + b.x1) / 2, y: b.y, ts: null });
  const tsOf = new Map(nodes.map((n) => [n.id, n.ts]));
  const taintedOf = new Map(nodes.map((n) => [n.id, n.tainted]));

  // Cycles among the records themselves (not the buckets).
  const onCycle = cycleTest(nodes, inputEdges, byId);

  const merged = new Map<string, PlacedEdge & { rank: number }>();
  let cycleEdges = 0;
  const seenEdge = new Set<string>();
  for (const e of inputEdges) {
    const from = itemOf.get(e.parent);
    const to = itemOf.get(e.child);
    if (from === undefined || to === undefined) continue;
    const edgeKey = `${e.parent}\u0000${e.child}`;
    if (seenEdge.has(edgeKey)) continue;
    seenEdge.add(edgeKey);
    const cycle = onCycle(e);
    if (cycle) cycleEdges++;
    if (from === to && !cycle) continue;
    const pt = tsOf.get(e.parent) ?? null;
    const ct = tsOf.get(e.child) ?? null;
    const backwards = pt !== null && ct !== null && pt > ct;
    const tainted = taintedOf.get(e.child) === true;
    const key = `${from}\u0000${to}`;
    const had = merged.get(key);
    if (had) {
      had.count++;
      had.tainted ||= tainted;
      had.cycle ||= cycle;
      had.backwards ||= backwards;
      continue;
    }
    const a = pos.get(from)!;
    const b = pos.get(to)!;
    // Edges touching individually drawn records matter most; then tainted ones.
    const rank = (keep === null || !from.startsWith("bucket:") || !to.startsWith("bucket:") ? 0 : 2) + (tainted ? 0 : 1);
    merged.set(key, { from, to, x1: a.x, y1: a.y, x2: b.x, y2: b.y, count: 1, tainted, cycle, backwards, kind: e.kind, rank });
  }
  const maxEdges = Math.max(0, options.maxEdges ?? DEFAULT_MAX_EDGES);
  const all = [...merged.values()].sort((a, b) => a.rank - b.rank || b.count - a.count);
  const edges = all.slice(0, maxEdges).map(({ rank: _rank, ...e }) => e);

  return {
    width,
    height: y + 8,
    x0,
    x1,
    domain,
    ticks,
    lanes,
    nodes: placed,
    buckets,
    edges,
    hiddenEdges: all.length - edges.length,
    cycleEdges,
    aggregated,
    itemOf,
  };
}

/**
 * Which edges lie on a cycle: Tarjan's components over integer indices with
 * an explicit stack (no recursion: a blast radius can be ten thousand deep).
 * An edge is on a cycle when both ends share a component of two or more, or
 * it is a self-loop.
 */
function cycleTest(nodes: readonly DagNodeInput[], edges: readonly DagEdgeInput[], byId: ReadonlyMap<string, unknown>): (e: DagEdgeInput) => boolean {
  const n = nodes.length;
  const idx = new Map<string, number>();
  nodes.forEach((node, i) => idx.set(node.id, i));
  // Successors as compressed rows: parent -> children.
  const degree = new Int32Array(n + 1);
  const pairs: number[] = [];
  for (const e of edges) {
    if (!byId.has(e.child) || !byId.has(e.parent)) continue;
    const a = idx.get(e.parent)!;
    const b = idx.get(e.child)!;
    pairs.push(a, b);
    degree[a + 1]!++;
  }
  for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
  const succ = new Int32Array(pairs.length / 2);
  const fill = degree.slice(0, n);
  for (let k = 0; k < pairs.length; k += 2) succ[fill[pairs[k]!]!++] = pairs[k + 1]!;

  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const sizes: number[] = [];
  const frameV: number[] = [];
  const frameNext: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    frameV.push(root);
    frameNext.push(degree[root]!);
    while (frameV.length > 0) {
      const top = frameV.length - 1;
      const v = frameV[top]!;
      const next = frameNext[top]!;
      if (next < degree[v + 1]!) {
        frameNext[top] = next + 1;
        const w = succ[next]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frameV.push(w);
          frameNext.push(degree[w]!);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      frameV.pop();
      frameNext.pop();
      if (low[v] === index[v]) {
        const c = sizes.length;
        let size = 0;
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = c;
          size++;
          if (w === v) break;
        }
        sizes.push(size);
      }
      const parent = frameV[frameV.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
    }
  }
  return (e) => {
    if (e.child === e.parent) return true;
    const a = idx.get(e.child);
    const b = idx.get(e.parent);
    if (a === undefined || b === undefined) return false;
    return comp[a] === comp[b] && (sizes[comp[a]!] ?? 0) > 1;
  };
}
