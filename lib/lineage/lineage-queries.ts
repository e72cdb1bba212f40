// The lineage questions asked of the stored graph: the walks of this folder
// over lib/db's graph backend. Compromise marks are read once per question,
// so an answer is consistent with one set of marks.
import { DbAdjacency, findStateVersion, getCompromiseMark, listCompromiseMarks, recordsCoveredBy, type Queryable } from "../db/lineage-store.ts";
import { blastRadiusOf, originOf, taintFrom, type BlastQueryOptions, type BlastRadiusAnswer } from "./answers.ts";
import type { BlastRadius } from "./blast-radius.ts";
import type { OriginReport } from "./origin.ts";
import { indexCompromise, type CompromiseMark } from "./suspicion.ts";
import { DEFAULT_BOUNDS, type WalkBounds } from "./walk.ts";

/** One project's graph: walks never leave it, even where record ids collide with another project's. */
export async function storedGraph(q: Queryable, project: string): Promise<DbAdjacency> {
  return new DbAdjacency(q, indexCompromise(await listCompromiseMarks(q, project)), { project });
}

/** Upstream from a record (a message, a state version, an action): origins, paths, and why. */
export async function traceOrigin(q: Queryable, project: string, recordId: string, bounds: WalkBounds = {}): Promise<OriginReport> {
  return originOf(await storedGraph(q, project), recordId, bounds);
}

/** Upstream from the version of a state key current at `at` (default: the latest); null when the key was never written. */
export async function traceStateOrigin(q: Queryable, project: string, key: string, at: Date | undefined, bounds: WalkBounds = {}): Promise<OriginReport | null> {
  const version = await findStateVersion(q, project, key, at);
  return version === null ? null : traceOrigin(q, project, version, bounds);
}

/** Downstream from a record: the blast radius. */
export async function traceBlastRadius(q: Queryable, project: string, recordId: string, bounds: WalkBounds = {}, options: BlastQueryOptions = {}): Promise<BlastRadiusAnswer> {
  return blastRadiusOf(await storedGraph(q, project), recordId, bounds, options);
}

export interface CompromiseImpact extends BlastRadius {
  mark: CompromiseMark;
  /** Records the mark covers directly (the starts). */
  covered: number;
  /** The mark covers more records than the node bound allowed as starts. */
  coveredTruncated: boolean;
}

/**
 * What a compromise mark taints: every record of the agent (or key) from the
 * mark's time on, and everything downstream of them. Taint is derived, never
 * stored, so this is also exactly what changed when the mark was made.
 */
export async function compromiseImpact(q: Queryable, project: string, markId: string, bounds: WalkBounds = {}): Promise<CompromiseImpact | null> {
  const mark = await getCompromiseMark(q, project, markId);
  if (!mark) return null;
  const covered = await recordsCoveredBy(q, project, mark, bounds.maxNodes ?? DEFAULT_BOUNDS.maxNodes);
  const radius = await taintFrom(await storedGraph(q, project), covered.ids, bounds);
  return { ...radius, mark, covered: covered.ids.length, coveredTruncated: covered.more };
}
