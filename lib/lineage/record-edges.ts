// The explicit edges a record declares: its parents and its authority chain.
// Inferred edges (a state.read to the version it read) need the store and are
// added there (lib/db/lineage-store.ts).
import type { LineageEdge } from "./types.ts";

export interface DeclaredLinks {
  recordId: string;
  parents: readonly string[];
  authority: readonly string[];
}

/** One edge per distinct (parent id, kind); empty ids are dropped. */
export function declaredEdges(r: DeclaredLinks): LineageEdge[] {
  const out: LineageEdge[] = [];
  const seen = new Set<string>();
  const add = (parent: string, kind: LineageEdge["kind"]) => {
    if (parent === "") return;
    const key = `${kind}\u0000${parent}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ child: r.recordId, parent, kind });
  };
  for (const p of r.parents) add(p, "parent");
  for (const a of r.authority) add(a, "authority");
  return out;
}

export function edgeKey(e: LineageEdge): string {
  return `${e.child}\u0000${e.parent}\u0000${e.kind}`;
}
