// Provenance graph fixtures: a record is a line of spec, edges come from its
// parents and authority as they would from the collector. Times count up from
// a fixed instant so every run compares equal.
import { MemoryAdjacency } from "@/lib/lineage/memory-adjacency.ts";
import { declaredEdges } from "@/lib/lineage/record-edges.ts";
import type { LineageEdge, LineageNode, SuspicionReason } from "@/lib/lineage/types.ts";
import type { Adjacency } from "@/lib/lineage/adjacency.ts";

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

export interface NodeSpec {
  kind?: string;
  agent?: string;
  keyId?: string | null;
  intent?: string | null;
  actionClass?: string | null;
  /** Seconds after T0; defaults to the spec's position. */
  at?: number;
  parents?: string[];
  authority?: string[];
  /** Reasons as "kind: detail" shorthand: a bare string is a verification problem. */
  flags?: (string | SuspicionReason)[];
  /** Seconds after T0 the collector stored it. */
  stored?: number;
  /** Seconds after T0 a flagged copy of its id was sent, record time (its flags come only from that copy). */
  copyFlagged?: number;
}

export interface FixtureGraph {
  adj: MemoryAdjacency;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export function lineageNode(id: string, spec: NodeSpec = {}, position = 0): LineageNode {
  return {
    id,
    kind: spec.kind ?? "message",
    agent: spec.agent ?? "agent-a",
    keyId: spec.keyId ?? "k1",
    intent: spec.intent ?? null,
    actionClass: spec.actionClass ?? null,
    ts: T0 + (spec.at ?? position) * 1000,
    reasons: (spec.flags ?? []).map((f) => (typeof f === "string" ? { kind: "verification", detail: f } : f)),
    ...(spec.stored !== undefined ? { storedAt: T0 + spec.stored * 1000 } : {}),
    ...(spec.copyFlagged !== undefined ? { copyFlaggedAt: T0 + spec.copyFlagged * 1000 } : {}),
  };
}

export function graph(spec: Record<string, NodeSpec>, extraEdges: LineageEdge[] = []): FixtureGraph {
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  Object.entries(spec).forEach(([id, s], i) => {
    nodes.push(lineageNode(id, s, i));
    edges.push(...declaredEdges({ recordId: id, parents: s.parents ?? [], authority: s.authority ?? [] }));
  });
  edges.push(...extraEdges);
  return { adj: new MemoryAdjacency(nodes, edges), nodes, edges };
}

/** c0 <- c1 <- ... <- c(n-1): each record's parent is the one before it. */
export function chain(n: number, flagged: readonly number[] = []): FixtureGraph {
  const flaggedSet = new Set(flagged);
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push(lineageNode(`c${i}`, { flags: flaggedSet.has(i) ? ["bad_signature"] : [] }, i));
    if (i > 0) edges.push({ child: `c${i}`, parent: `c${i - 1}`, kind: "parent" });
  }
  return { adj: new MemoryAdjacency(nodes, edges), nodes, edges };
}

/** The same graph served asynchronously, with edges in reverse order, like a database might. */
export function asAsync(adj: Adjacency): Adjacency & { calls: number } {
  const wrapped = {
    calls: 0,
    async edges(ids: readonly string[], direction: "up" | "down") {
      wrapped.calls++;
      return [...(await adj.edges(ids, direction))].reverse();
    },
    async nodes(ids: readonly string[]) {
      return adj.nodes(ids);
    },
  };
  return wrapped;
}
