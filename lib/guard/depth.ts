// How far is a record from the human request that started the work? Depth
// counts delegation: hops from agent to agent, that is messages. The request
// is depth 0; a message is one deeper than the deepest of its parents; every
// other record (a state read or write, an action, an approval) sits at the
// depth of the deepest of its parents, because it is work done at that hop,
// not a new one. So request -> message to A -> A writes and reads its notes
// -> message to B -> B acts is depth 2 at B's action, not 5.
//
// A record carries no depth attribute (unsigned it would prove nothing, and
// signed it would be a claim nobody could check), so a guard works depth out
// from what it has seen: every record it sends or receives is kept here with
// its depth and authority. A parent it has never seen counts 0: all it knows
// is that the parent is at or below the root. The local depth is therefore a
// lower bound, exact along every stretch of the chain that passed through
// this guard. Because a receiver has usually not seen the parents of what it
// receives (they were its sender's inputs), senders pass their depth beside
// the record (guard.depthOf(id) -> receive(record, { depthHint })). The hint
// is raise-only: it can make a cap stricter, never looser, so a sender that
// lies can only get its own records refused. Firebreak's engine computes the
// exact depth from the stored records.
import { BoundedMap } from "./bounded-map.ts";

export interface ChainEntry {
  depth: number;
  /** The record's authority chain, root first; [id] for a request. */
  authority: readonly string[];
}

export type DepthLookup = (id: string) => number | undefined;

export function chainDepth(kind: string, parents: readonly string[] | undefined, known: DepthLookup): number {
  if (kind === "request") return 0;
  let deepest = 0;
  for (const p of parents ?? []) {
    const d = known(p) ?? 0;
    if (d > deepest) deepest = d;
  }
  return kind === "message" ? deepest + 1 : deepest;
}

/**
 * Record id -> depth and authority for the records this guard sent or
 * received. Bounded: the first recorded go first, and a forgotten parent then
 * counts as "never seen" (depth 0), which only lowers the bound.
 */
export class ChainBook {
  private readonly entries: BoundedMap<string, ChainEntry>;
  private readonly lookup: DepthLookup = (id) => this.entries.get(id)?.depth;

  constructor(limit = 100_000) {
    this.entries = new BoundedMap(limit);
  }

  get(id: string): ChainEntry | undefined {
    return this.entries.get(id);
  }

  /** Depth of a new record of `kind` with these parents; `hint` (a sender's figure) can only raise it. */
  depthOf(kind: string, parents: readonly string[] | undefined, hint = 0): number {
    return Math.max(chainDepth(kind, parents, this.lookup), hint);
  }

  set(id: string, entry: ChainEntry): void {
    this.entries.set(id, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
