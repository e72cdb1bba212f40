// Containment, measured rather than imagined: the same (scenario, fault,
// seed) run twice, once uncontained (the guards never hear of the engine)
// and once with every guard obeying the control plane, so the breakers the
// engine trips are enforced while the cascade is under way. Both are scored
// on one denominator: the decisions (actions, state writes) the agents the
// cascade reached made from the moment the fault began in the uncontained
// run, which is what would have been decided had nobody intervened. The
// field's figure for procurement, uncontained, is 87% of them poisoned
// within 4 hours.
import { faultSets } from "./engine-score.ts";
import type { FaultTruth, GroundTruth } from "./ground-truth.ts";

const DECISION_KINDS: ReadonlySet<string> = new Set(["action", "state.write"]);

/** An agent's role: ids are `<namespace>.<role>`, and twin runs differ in namespace only. */
const roleOf = (agent: string, namespace: string): string => (agent.startsWith(`${namespace}.`) ? agent.slice(namespace.length + 1) : agent);

export interface DownstreamDecisions {
  /** Decisions descended from the fault (its own records left out), by id. */
  tainted: number;
  /** Every decision made from the fault's start by the roles that made a tainted one (the fault's own left out). */
  all: number;
}

export function downstreamDecisions(truth: GroundTruth, fault: FaultTruth): DownstreamDecisions {
  const sets = faultSets(truth, fault);
  const roles = new Set<string>();
  for (const r of truth.records) if (sets.decisions.has(r.id)) roles.add(roleOf(r.agent, truth.namespace));
  const all = new Set<string>();
  for (const r of truth.records) {
    if (!DECISION_KINDS.has(r.kind) || r.simTime < fault.at || sets.own.has(r.id)) continue;
    if (roles.has(roleOf(r.agent, truth.namespace))) all.add(r.id);
  }
  return { tainted: sets.decisions.size, all: all.size };
}

export interface ContainmentShares {
  /** Uncontained: the share of downstream decisions poisoned. */
  uncontained: number | null;
  /** Enforced: the share that still got through poisoned, of the same (uncontained) decisions. */
  enforced: number | null;
  poisonedUncontained: number;
  poisonedEnforced: number;
  decisions: number;
}

export function containmentShares(uncontained: DownstreamDecisions, enforced: DownstreamDecisions | null): ContainmentShares {
  const share = (n: number): number | null => (uncontained.all === 0 ? null : Math.min(1, n / uncontained.all));
  return {
    uncontained: share(uncontained.tainted),
    enforced: enforced === null ? null : share(enforced.tainted),
    poisonedUncontained: uncontained.tainted,
    poisonedEnforced: enforced?.tainted ?? 0,
    decisions: uncontained.all,
  };
}
