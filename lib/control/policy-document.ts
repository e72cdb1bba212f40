// The enforcement policy the control plane serves: the guard's
// PolicySnapshot (lib/guard/policy.ts), merged from the live kill switches
// and every edge's breaker state, with the version the database gave it.
// Pure, so the merge is tested without a database.
import type { z } from "zod";
import { DEFAULT_CAPS, type BreakerState, type PolicySnapshot } from "../guard/policy.ts";

/** The document as JSON carries it (mutable arrays), which the guard parses back into a PolicySnapshot. */
export type PolicyDocument = z.output<typeof PolicySnapshot>;
import type { KillSwitch } from "./kill-switch.ts";

export interface EdgeBreakerState {
  sender: string;
  receiver: string;
  state: BreakerState;
}

/**
 * Only active switches bite: a pending kill-all is a request, not a kill.
 * A CLOSED breaker is left out (an edge not listed is closed), which keeps
 * the document small however many edges the engine has seen.
 */
export function mergePolicy(
  version: number,
  switches: readonly Pick<KillSwitch, "scope" | "target" | "state">[],
  breakers: readonly EdgeBreakerState[],
  quarantinedKeys: readonly string[] = [],
): PolicyDocument {
  const agents = new Set<string>();
  const edges = new Set<string>();
  const labels = new Set<string>();
  let killAll = false;
  for (const sw of switches) {
    if (sw.state !== "active") continue;
    if (sw.scope === "all") killAll = true;
    else if (sw.scope === "agent") agents.add(sw.target);
    else if (sw.scope === "edge") edges.add(sw.target);
    else labels.add(sw.target);
  }
  const breakerMap: Record<string, BreakerState> = {};
  for (const b of breakers) if (b.state !== "CLOSED") breakerMap[`${b.sender}->${b.receiver}`] = b.state;
  return {
    version,
    killAll,
    killedAgents: [...agents].sort(),
    killedEdges: [...edges].sort(),
    killedLabels: [...labels].sort(),
    breakers: Object.fromEntries(Object.entries(breakerMap).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    caps: { ...DEFAULT_CAPS },
    approvals: {},
    quarantinedKeys: [...new Set(quarantinedKeys)].sort(),
  };
}
