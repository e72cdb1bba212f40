// A fault's ground truth against what the engine and the lineage said about
// it: pure functions, no I/O (engine-observer.ts fetches, this judges).
//
// Like with like. The provenance graph names a record by its id, so copies
// of one id (an original and its replay) are one node: the truth is folded
// by id here too. (The replayed copy's flag reaches only what was stored
// after it, so the original's earlier descendants are not in its radius.) The truth's side of a blast radius is every record the
// fault tainted except where it entered (its origin records): downstream
// messages, actions, approvals, state reads and state versions, and the
// injected or corrupted records that inherited the taint from an earlier
// one (an amplified signal, a chain of forged records). The lineage's side
// is every tainted descendant of those origins, the origins themselves left
// out on both sides.
import type { FaultTruth, GroundTruth } from "./ground-truth.ts";

/** Share of `found` that is true and of `truth` that was found; null where the denominator is empty. */
export interface PrecisionRecall {
  precision: number | null;
  recall: number | null;
  /** Found and true. */
  hits: number;
  found: number;
  truth: number;
}

export function precisionRecall(found: ReadonlySet<string>, truth: ReadonlySet<string>): PrecisionRecall {
  let hits = 0;
  for (const id of found) if (truth.has(id)) hits++;
  return {
    precision: found.size === 0 ? null : hits / found.size,
    recall: truth.size === 0 ? null : hits / truth.size,
    hits,
    found: found.size,
    truth: truth.size,
  };
}

/** The ids the fault made or changed, the ids where it entered, and the ids it tainted besides (folded by id). */
export interface FaultSets {
  /** Injected and corrupted record ids. */
  own: Set<string>;
  /** Origin record ids: injected or corrupted with no tainted input. */
  origins: Set<string>;
  /** Every other id the fault tainted: what a blast radius from the origins should find. */
  downstream: Set<string>;
  /** Downstream decisions (actions and state writes), by id. */
  decisions: Set<string>;
}

const DECISION_KINDS: ReadonlySet<string> = new Set(["action", "state.write"]);

export function faultSets(truth: GroundTruth, fault: FaultTruth): FaultSets {
  const own = new Set([...fault.injected, ...fault.corrupted].map((r) => r.id));
  const origins = new Set(fault.origin.records.map((r) => r.id));
  const downstream = new Set<string>();
  const decisions = new Set<string>();
  for (const r of truth.records) {
    if (!r.faults.includes(fault.id) || origins.has(r.id)) continue;
    downstream.add(r.id);
    if (DECISION_KINDS.has(r.kind) && !own.has(r.id)) decisions.add(r.id);
  }
  return { own, origins, downstream, decisions };
}

/** Parent ids per record id, every copy's parents merged (the graph cannot tell copies apart either). */
export function parentIndex(truth: GroundTruth): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of truth.records) out.set(r.id, [...new Set([...(out.get(r.id) ?? []), ...r.parents])]);
  return out;
}

/** `start` and everything upstream of it by declared parents, breadth-first with an explicit queue. */
export function ancestorsOf(start: string, parents: ReadonlyMap<string, readonly string[]>, within?: ReadonlySet<string>): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const p of parents.get(queue[i]!) ?? []) {
      if (seen.has(p) || (within && !within.has(p))) continue;
      seen.add(p);
      queue.push(p);
    }
  }
  return seen;
}

/**
 * Why a trace missed the true origin:
 * - `unflagged`: nothing upstream of the start is flagged (the engine did not see the fault there);
 * - `masked`: a flagged record the fault never touched sits upstream, so the trace stops there;
 * - `late`: the engine flagged the fault's records further down, not where it entered.
 */
export type OriginMiss = "unflagged" | "masked" | "late";

export interface OriginCheck {
  start: string;
  /** What the lineage answered. */
  returned: string[];
  /** Truth origins upstream of the start; null when the declared parents reach none. */
  expected: string[] | null;
  found: boolean;
  miss: OriginMiss | null;
  /** Returned origins that are not upstream of the start at all: a lineage error, whatever was flagged. */
  offPath: string[];
}

/** Found: the answer names a true origin upstream of the start (any truth origin when parents reach none). */
export function checkOrigin(start: string, returned: readonly string[], sets: Pick<FaultSets, "origins" | "own" | "downstream">, parents: ReadonlyMap<string, readonly string[]>): OriginCheck {
  const up = ancestorsOf(start, parents);
  const expectedHere = [...sets.origins].filter((o) => up.has(o));
  const accept: ReadonlySet<string> = expectedHere.length > 0 ? new Set(expectedHere) : sets.origins;
  const found = returned.some((o) => accept.has(o));
  let miss: OriginMiss | null = null;
  if (!found) {
    if (returned.length === 0) miss = "unflagged";
    else if (returned.some((o) => !sets.own.has(o) && !sets.downstream.has(o))) miss = "masked";
    else miss = "late";
  }
  return {
    start,
    returned: [...returned],
    expected: expectedHere.length > 0 ? expectedHere : null,
    found,
    miss,
    offPath: returned.filter((o) => !up.has(o)),
  };
}

/** Where origins are traced from: every downstream record, or the fault's last own record when nothing lies downstream. */
export function originStarts(fault: FaultTruth, sets: FaultSets): string[] {
  if (sets.downstream.size > 0) return [...sets.downstream];
  const own = [...fault.injected, ...fault.corrupted];
  const last = own[own.length - 1];
  return last ? [last.id] : [];
}

export interface TimedEdge {
  sender: string;
  receiver: string;
  /** Record time of the transition to OPEN, epoch ms. */
  at: number;
  /** Wall-clock time the engine committed it, epoch ms, where the source knows it: what enforcement is timed from. */
  committedAt?: number;
}

export const edgeKey = (sender: string, receiver: string): string => `${sender}->${receiver}`;

/**
 * Of the downstream decisions, the share made before containment: before the
 * first breaker trip on an edge some message on its tainted path travelled.
 * A decision with no trip on its path was never contained. Null when there
 * are no decisions (or none was stored to have a time).
 */
export function taintedShareBeforeContainment(input: {
  decisions: ReadonlySet<string>;
  /** Records the fault tainted, its own included: the paths run through these. */
  tainted: ReadonlySet<string>;
  parents: ReadonlyMap<string, readonly string[]>;
  /** Stored record time and receivers, by id. */
  stored: ReadonlyMap<string, { ts: number; receivers: readonly string[]; agent: string }>;
  trips: readonly TimedEdge[];
}): { share: number | null; before: number; total: number } {
  const firstTrip = new Map<string, number>();
  for (const t of input.trips) {
    const k = edgeKey(t.sender, t.receiver);
    firstTrip.set(k, Math.min(firstTrip.get(k) ?? Infinity, t.at));
  }
  let before = 0;
  let total = 0;
  for (const d of input.decisions) {
    const rec = input.stored.get(d);
    if (!rec) continue;
    total++;
    let contained = Infinity;
    for (const id of ancestorsOf(d, input.parents, input.tainted)) {
      const r = input.stored.get(id);
      for (const receiver of r?.receivers ?? []) contained = Math.min(contained, firstTrip.get(edgeKey(r!.agent, receiver)) ?? Infinity);
    }
    if (rec.ts < contained) before++;
  }
  return { share: total === 0 ? null : before / total, before, total };
}

export interface EngineFlag {
  /** Record time of the finding or the trip, epoch ms. */
  at: number;
  /** The detector, or `breaker` for a trip. */
  by: string;
  recordIds: readonly string[];
}

/** The earliest flag that names one of `ids`. */
export function firstFlagOn(flags: readonly EngineFlag[], ids: ReadonlySet<string>): EngineFlag | null {
  let best: EngineFlag | null = null;
  for (const f of flags) {
    if (!f.recordIds.some((id) => ids.has(id))) continue;
    if (best === null || f.at < best.at) best = f;
  }
  return best;
}
