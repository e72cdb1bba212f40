// The lineage questions over any graph backend: the database in production
// (lineage-queries.ts), an in-memory map in tests and the bench baseline.
import type { Adjacency } from "./adjacency.ts";
import { blastRadius, type BlastRadius } from "./blast-radius.ts";
import { findOrigins, type OriginReport } from "./origin.ts";
import { walk, type WalkBounds } from "./walk.ts";

/** Upstream from a record: its origins, one path to each, and why each step is suspect. */
export async function originOf(adj: Adjacency, recordId: string, bounds: WalkBounds = {}): Promise<OriginReport> {
  return findOrigins(await walk(adj, [recordId], "up", bounds));
}

export interface BlastRadiusAnswer extends BlastRadius {
  /** Origins upstream of the start, when they were looked up (they make the whole radius tainted). */
  upstreamOrigins: string[] | null;
}

export interface BlastQueryOptions {
  /** Look upstream first to decide whether the start itself is tainted (default true). */
  checkUpstream?: boolean;
  /** Bounds for that upstream look (default: the same as downstream). */
  upstreamBounds?: WalkBounds;
}

/** Downstream from a record: every descendant, and how much of it is tainted. */
export async function blastRadiusOf(adj: Adjacency, recordId: string, bounds: WalkBounds = {}, options: BlastQueryOptions = {}): Promise<BlastRadiusAnswer> {
  // The two walks are independent until the summary: over a database they
  // run side by side.
  const [up, downWalk] = await Promise.all([
    (options.checkUpstream ?? true) ? originOf(adj, recordId, options.upstreamBounds ?? bounds) : null,
    walk(adj, [recordId], "down", bounds),
  ]);
  const origins = up ? up.origins.map((o) => o.id) : null;
  // Tainted from upstream: every descendant is. The start's own flag is the
  // walk's to judge (a flag from a later copy of its id reaches only what came after it).
  const down = blastRadius(downWalk, { startTainted: origins !== null && origins.some((o) => o !== recordId) });
  return { ...down, upstreamOrigins: origins };
}

/** Everything downstream of records known to be tainted (a compromised agent's, say), themselves included as starts. */
export async function taintFrom(adj: Adjacency, starts: readonly string[], bounds: WalkBounds = {}): Promise<BlastRadius> {
  return blastRadius(await walk(adj, starts, "down", bounds), { startTainted: true });
}
