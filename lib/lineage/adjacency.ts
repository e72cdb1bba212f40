// What a traversal needs from a graph, asked a whole frontier at a time so a
// database-backed graph answers each level of a walk in one round trip.
import type { Direction, LineageEdge, LineageNode } from "./types.ts";

export type MaybePromise<T> = T | Promise<T>;

export interface Adjacency {
  /**
   * Edges at the given ids: for "up", edges whose child is one of them (what
   * they depend on); for "down", edges whose parent is one of them.
   */
  edges(ids: readonly string[], direction: Direction): MaybePromise<readonly LineageEdge[]>;
  /** The stored records among ids; ids never stored are simply absent. */
  nodes(ids: readonly string[]): MaybePromise<ReadonlyMap<string, LineageNode>>;
  /**
   * Optional: told where a walk starts, which way, and how far it may go, so
   * a remote graph can fetch what is reachable in one go. Answers must not
   * change, only how fast they come.
   */
  prefetch?(starts: readonly string[], direction: Direction, bounds: { maxNodes: number; maxDepth: number }): MaybePromise<unknown>;
}

/** The far end of an edge when walking in `direction`. */
export function farEnd(e: LineageEdge, direction: Direction): string {
  return direction === "up" ? e.parent : e.child;
}

/** The near end (the one already reached) of an edge when walking in `direction`. */
export function nearEnd(e: LineageEdge, direction: Direction): string {
  return direction === "up" ? e.child : e.parent;
}
