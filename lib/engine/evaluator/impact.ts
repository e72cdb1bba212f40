// How much a finding matters: how far it is from normal times how far its
// agent's output can spread. Reach is the number of agents downstream of the
// finding's agent in the message graph the engine knows (breadth first, with
// an explicit queue), so the anomaly at the head of a long pipeline outranks
// the same deviation at a leaf.

/** Directed agent graph: sender -> receivers. */
export class AgentGraph {
  private readonly out = new Map<string, Set<string>>();

  addEdge(sender: string, receiver: string): void {
    if (sender === receiver) return;
    const set = this.out.get(sender);
    if (set) set.add(receiver);
    else this.out.set(sender, new Set([receiver]));
  }

  /** Agents reachable from `agent` (itself excluded), up to `limit`. */
  reach(agent: string, limit = 100_000): number {
    const seen = new Set<string>([agent]);
    const queue = [agent];
    for (let i = 0; i < queue.length && seen.size - 1 < limit; i++) {
      for (const next of this.out.get(queue[i]!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return seen.size - 1;
  }
}

/** Deviation is capped so one absurd z-score cannot outrank every cascade. */
export const MAX_DEVIATION = 1_000;

export function impactOf(score: number, reach: number): number {
  const deviation = Number.isFinite(score) && score !== 0 ? Math.min(Math.abs(score), MAX_DEVIATION) : 1;
  return deviation * (1 + reach);
}
