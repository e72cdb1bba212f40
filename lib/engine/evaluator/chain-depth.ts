// Hops from the human request at the root of a record's chain, for the depth
// cap. Depth counts delegation, as the guard does (lib/guard/depth.ts): a
// request is depth 0, a message one more than the deepest of its parents, and
// any other record (action, approval, state write) sits at its deepest
// parent's depth. A state read starts at 0: what it read was written by
// earlier work, and memory carried from one cycle to the next is data, not
// another hop, or depth would grow with every cycle. Depths are remembered for recent records (a bounded map, the
// oldest forgotten first); a parent the engine has not seen is looked up in
// storage by the caller and handed in with `remember`.
import { BoundedMap } from "../../collections/bounded-map.ts";

export interface DepthFacts {
  recordId: string;
  kind: string;
  parents: readonly string[];
}

export class ChainDepth {
  private readonly depths: BoundedMap<string, number | null>;

  constructor(capacity = 500_000) {
    this.depths = new BoundedMap(capacity);
  }

  get(recordId: string): number | null | undefined {
    return this.depths.get(recordId);
  }

  remember(recordId: string, depth: number | null): void {
    this.depths.set(recordId, depth);
  }

  /** Parents of these records whose depth is not known yet. */
  missingParents(records: readonly DepthFacts[]): string[] {
    const inBatch = new Set(records.map((r) => r.recordId));
    const out = new Set<string>();
    for (const r of records) for (const p of r.parents) if (!inBatch.has(p) && !this.depths.has(p)) out.add(p);
    return [...out];
  }

  /**
   * Depth of each record, in the order given (parents in the same batch come
   * first when the batch is in storage order). Null when no parent has a
   * known depth: the chain cannot be followed to a request.
   */
  assign(records: readonly DepthFacts[]): Map<string, number | null> {
    const out = new Map<string, number | null>();
    for (const r of records) {
      let depth: number | null;
      if (r.kind === "request" || r.kind === "state.read") depth = 0;
      else {
        let deepest: number | null = null;
        for (const p of r.parents) {
          const d = out.get(p) ?? this.depths.get(p) ?? null;
          if (d !== null && (deepest === null || d > deepest)) deepest = d;
        }
        depth = deepest === null ? null : r.kind === "message" ? deepest + 1 : deepest;
      }
      out.set(r.recordId, depth);
      this.remember(r.recordId, depth);
    }
    return out;
  }
}
