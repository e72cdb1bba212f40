// Is an action's lineage still clean? The answer behind GET
// /api/v1/control/lineage, which a guard asks before a held action runs
// (lib/guard/lineage-source.ts). Pure: the store gathers the facts (which of
// the asked records are stored and judged, the flagged records upstream of
// them, the policy now), this decides.
//
// What taints is what the control plane acted on, not every suspicion: a
// record that failed verification at the door (a fact, not a statistic), one
// a person marked or whose agent or key is marked compromised, and an
// anomalous record the engine contained: a message on an edge whose breaker
// now refuses (OPEN, FORCED_OPEN) or that is killed, or any record of a
// killed agent. An anomaly finding alone does not hold an action back: the
// detectors have false positives, and through shared state nearly every
// record of a long-running fleet descends from some flagged one. A breaker
// trip is the engine's decision; the gate enforces decisions.
import { edgeKey, type BreakerState, type PolicySnapshot } from "../guard/policy.ts";
import type { LineageClearance } from "../guard/lineage-source.ts";
import type { SuspicionReason } from "../lineage/types.ts";

/** One of the records a guard asked about, as stored. */
export interface ClearanceStart {
  id: string;
  stored: boolean;
  /** The engine's cursor is past it. */
  judged: boolean;
  /** Ids its verdict still waits on (stored `pending`). */
  pendingOn: readonly string[];
}

/** A flagged record upstream of (or among) the asked ones. */
export interface FlaggedUpstream {
  id: string;
  kind: string;
  agent: string;
  receivers: readonly string[];
  reasons: readonly SuspicionReason[];
}

export type ClearancePolicy = Pick<PolicySnapshot, "breakers" | "killedEdges" | "killedAgents">;

const REFUSING: ReadonlySet<BreakerState> = new Set<BreakerState>(["OPEN", "FORCED_OPEN"]);
/** Reasons that taint on their own: the door's verdicts and people's marks. */
const DECISIVE: ReadonlySet<string> = new Set(["verification", "analyst_mark", "compromised_agent", "compromised_key"]);

/** Why the control plane contained this record, or null when it did not (a suspicion nobody acted on). */
export function containedBecause(r: FlaggedUpstream, policy: ClearancePolicy): string | null {
  const what = `${r.kind} ${r.id} from ${r.agent}`;
  const decisive = r.reasons.find((x) => DECISIVE.has(x.kind));
  if (decisive) return `${what}: ${decisive.detail}`;
  const anomaly = r.reasons.find((x) => x.kind === "anomaly");
  if (!anomaly) return null;
  if (policy.killedAgents.includes(r.agent)) return `${what} (agent killed): ${anomaly.detail}`;
  for (const to of r.receivers) {
    const edge = edgeKey(r.agent, to);
    const state = policy.breakers[edge];
    if (state !== undefined && REFUSING.has(state)) return `${what} on ${edge}, whose breaker is ${state}: ${anomaly.detail}`;
    if (policy.killedEdges.includes(edge)) return `${what} on ${edge}, which is killed: ${anomaly.detail}`;
  }
  return null;
}

export function judgeClearance(input: { starts: readonly ClearanceStart[]; flagged: readonly FlaggedUpstream[]; policy: ClearancePolicy; truncated: boolean }): LineageClearance {
  const records = input.starts.map((s) => s.id);
  // Taint first: a contained ancestor already known settles it, whatever is still on its way.
  const tainted: string[] = [];
  for (const r of input.flagged) {
    const why = containedBecause(r, input.policy);
    if (why !== null) tainted.push(why);
  }
  if (tainted.length > 0) return { verdict: "tainted", records, reasons: tainted.slice(0, 5), pending: [], truncated: input.truncated };
  const pending: string[] = [];
  const reasons: string[] = [];
  for (const s of input.starts) {
    if (!s.stored) reasons.push(`${s.id} is not stored yet`);
    else if (s.pendingOn.length > 0) reasons.push(`${s.id} waits on ${s.pendingOn.slice(0, 3).join(", ")} for its verdict`);
    else if (!s.judged) reasons.push(`the engine has not judged ${s.id} yet`);
    else continue;
    pending.push(s.id);
  }
  if (pending.length > 0) return { verdict: "pending", records, reasons, pending, truncated: input.truncated };
  return { verdict: "clear", records, reasons: [], pending: [], truncated: input.truncated };
}
