// An in-memory graph: fixtures in tests, and the baseline the lineage bench
// measures the database against.
import type { Adjacency } from "./adjacency.ts";
import { edgeKey } from "./record-edges.ts";
import type { Direction, LineageEdge, LineageNode } from "./types.ts";

export class MemoryAdjacency implements Adjacency {
  private readonly byId = new Map<string, LineageNode>();
  private readonly up = new Map<string, LineageEdge[]>();
  private readonly down = new Map<string, LineageEdge[]>();
  private readonly seen = new Set<string>();

  constructor(nodes: Iterable<LineageNode> = [], edges: Iterable<LineageEdge> = []) {
    for (const n of nodes) this.addNode(n);
    for (const e of edges) this.addEdge(e);
  }

  addNode(node: LineageNode): void {
    this.byId.set(node.id, node);
  }

  /** Adds an edge once; a repeat is ignored. */
  addEdge(e: LineageEdge): void {
    const key = edgeKey(e);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    push(this.up, e.child, e);
    push(this.down, e.parent, e);
  }

  get nodeCount(): number {
    return this.byId.size;
  }

  get edgeCount(): number {
    return this.seen.size;
  }

  edges(ids: readonly string[], direction: Direction): LineageEdge[] {
    const index = direction === "up" ? this.up : this.down;
    const out: LineageEdge[] = [];
    for (const id of ids) {
      const list = index.get(id);
      if (list) for (const e of list) out.push(e);
    }
    return out;
  }

  nodes(ids: readonly string[]): Map<string, LineageNode> {
    const out = new Map<string, LineageNode>();
    for (const id of ids) {
      const n = this.byId.get(id);
      if (n) out.set(id, n);
    }
    return out;
  }
}

function push(index: Map<string, LineageEdge[]>, id: string, e: LineageEdge): void {
  const list = index.get(id);
  if (list) list.push(e);
  else index.set(id, [e]);
}
