// The provenance graph's vocabulary. A node is a record, named by its
// firebreak id; an edge runs from a record to one it depends on. The W3C PROV
// reading of each edge is in prov-term.ts and docs/engine.md.

export const EDGE_KINDS = ["parent", "authority", "state"] as const;
/**
 * - `parent`: the record names it in `firebreak.parents`;
 * - `authority`: the record names it in `firebreak.authority`;
 * - `state`: a `state.read` that names no version read the latest
 *   `state.write` of its key at or before its own time (inferred).
 */
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** `child` depends on `parent`. Taint flows from parent to child. */
export interface LineageEdge {
  child: string;
  parent: string;
  kind: EdgeKind;
}

/** "up" walks from a record to what it depends on; "down" to what depends on it. */
export type Direction = "up" | "down";

export const SUSPICION_KINDS = ["verification", "anomaly", "compromised_agent", "compromised_key", "analyst_mark"] as const;
export type SuspicionKind = (typeof SUSPICION_KINDS)[number];

/**
 * Why an origin is one: nothing flagged lies upstream of it, or a feedback
 * loop entered there (its own parents clean, something flagged further up:
 * ADR 0052).
 */
export const ORIGIN_BECAUSE = ["nothing_flagged_upstream", "loop_entry"] as const;
export type OriginBecause = (typeof ORIGIN_BECAUSE)[number];

/** One reason a record is suspect on its own, in words an analyst can act on. */
export interface SuspicionReason {
  kind: SuspicionKind;
  detail: string;
  /** For an anomaly, the detector whose finding names the record. */
  detector?: string;
}

/** A stored record as the graph sees it. */
export interface LineageNode {
  id: string;
  kind: string;
  agent: string;
  keyId: string | null;
  intent: string | null;
  actionClass: string | null;
  /** The record's own timestamp, ms since the epoch. */
  ts: number;
  /** Why the record is suspect on its own; empty when it is clean. */
  reasons: readonly SuspicionReason[];
  /** When the collector stored it, ms since the epoch (absent: unknown). */
  storedAt?: number;
  /**
   * Set when every reason comes from another record with this id (a replayed
   * or forged copy) sent at this time (ms, its span's start: record time,
   * the clock children's `ts` are on), while the record the id stands for is
   * clean itself. A record made before the copy was sent cannot have been
   * made from it: the flag passes only to children whose timestamp is at or
   * after this time (`passesFlag`), whatever order they were stored in.
   * Absent: the flag passes to every child.
   */
  copyFlaggedAt?: number;
}

/** A node is flagged when it is suspect on its own (not merely downstream of one that is). */
export function isFlagged(node: LineageNode | null | undefined): boolean {
  return node !== null && node !== undefined && node.reasons.length > 0;
}

/** Flagged, and only by a copy stored later: its flag reaches only the children that came after that copy. */
export function isCopyFlagged(node: LineageNode | null | undefined): boolean {
  return isFlagged(node) && node!.copyFlaggedAt !== undefined;
}

/**
 * Whether a flagged parent's flag reaches this child: always, unless the flag
 * comes only from a copy sent after the child was made (causality: what was
 * made first cannot derive from what came later). Record time, not arrival:
 * the answer must not depend on which the collector happened to store first.
 * An unknown child passes.
 */
export function passesFlag(parent: LineageNode | null | undefined, child: LineageNode | null | undefined): boolean {
  if (!parent || parent.copyFlaggedAt === undefined) return true;
  if (!child) return true;
  return child.ts >= parent.copyFlaggedAt;
}

/** Kinds that are decisions: what the blast radius measures the tainted share of. */
export const DECISION_KINDS: ReadonlySet<string> = new Set(["action", "state.write"]);
