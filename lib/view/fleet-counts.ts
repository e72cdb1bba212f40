// Fleet health as counts: edges by their breaker's state, and agents by the
// worst state among their outgoing edges (an agent whose every send is cut
// off is "forced open" as a whole; one that only receives reads closed).
import type { BreakerStateName } from "../engine/breaker/states.ts";

export interface EdgeState {
  sender: string;
  receiver: string;
  state: BreakerStateName;
}

export type StateCounts = Record<BreakerStateName, number>;

/** Worst first. Dry run ranks above closed: it does not block, but nobody is protected either. */
export const STATE_RANK: Record<BreakerStateName, number> = { FORCED_OPEN: 4, OPEN: 3, HALF_OPEN: 2, METRICS_ONLY: 1, CLOSED: 0 };

export const emptyCounts = (): StateCounts => ({ CLOSED: 0, HALF_OPEN: 0, OPEN: 0, FORCED_OPEN: 0, METRICS_ONLY: 0 });

export function fleetStateCounts(edges: readonly EdgeState[]): { edges: StateCounts; agents: StateCounts } {
  const byEdge = emptyCounts();
  const worst = new Map<string, BreakerStateName>();
  const seen = new Set<string>();
  for (const e of edges) {
    // One count per edge even if the caller lists it twice.
    const key = `${e.sender}\u0000${e.receiver}`;
    if (seen.has(key)) continue;
    seen.add(key);
    byEdge[e.state] += 1;
    const prev = worst.get(e.sender);
    if (prev === undefined || STATE_RANK[e.state] > STATE_RANK[prev]) worst.set(e.sender, e.state);
    if (!worst.has(e.receiver)) worst.set(e.receiver, "CLOSED");
  }
  const byAgent = emptyCounts();
  for (const s of worst.values()) byAgent[s] += 1;
  return { edges: byEdge, agents: byAgent };
}
