// Focus: an agent and everything N hops up- or downstream of it. Iterative
// breadth-first search (no recursion: graphs can be deep).

export type HopDirection = "up" | "down" | "both";

export interface Adjacency {
  out: Map<string, string[]>;
  in: Map<string, string[]>;
}

export function buildAdjacency(links: readonly { sender: string; receiver: string }[]): Adjacency {
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const l of links) {
    const o = out.get(l.sender);
    if (o) o.push(l.receiver);
    else out.set(l.sender, [l.receiver]);
    const i = inn.get(l.receiver);
    if (i) i.push(l.sender);
    else inn.set(l.receiver, [l.sender]);
  }
  return { out, in: inn };
}

/**
 * Agents within `hops` of `start` -> their distance. "down" follows messages
 * (whom it reaches), "up" goes against them (who reaches it), "both" either
 * way at every step.
 */
export function hopNeighbourhood(adj: Adjacency, start: string, hops: number, dir: HopDirection): Map<string, number> {
  const dist = new Map<string, number>([[start, 0]]);
  const limit = Number.isFinite(hops) ? Math.max(0, Math.floor(hops)) : 0;
  let frontier = [start];
  for (let d = 1; d <= limit && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const id of frontier) {
      const around = [...(dir !== "up" ? (adj.out.get(id) ?? []) : []), ...(dir !== "down" ? (adj.in.get(id) ?? []) : [])];
      for (const n of around) {
        if (dist.has(n)) continue;
        dist.set(n, d);
        next.push(n);
      }
    }
    frontier = next;
  }
  return dist;
}

/** A link stays in a focused view when both its ends do. */
export function linkInFocus(l: { sender: string; receiver: string }, dist: ReadonlyMap<string, number>): boolean {
  return dist.has(l.sender) && dist.has(l.receiver);
}
