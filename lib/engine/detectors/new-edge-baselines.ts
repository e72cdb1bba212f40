// new_edge's baseline, kept as records come and go instead of read again
// every pass: which receivers each sender's baseline records name (counted,
// so one aging out does not forget an edge another record still holds), how
// many records with receivers each sender has learned, and the agents they
// name. What new_edge reads of the history does not depend on its order, so
// these answer for any batch. The engine's history cache keeps one over
// every record it holds (history-cache.ts): its counts are the whole held
// baseline, every agent's, where a window passed to the detector holds what
// its caller put in it. The detector reads the window when given none.
import type { WindowRecord } from "./finding.ts";

export class NewEdgeBaselines {
  /** Records naming each edge, sender -> receiver -> count (learning records too: an edge they opened was seen). */
  private readonly edges = new Map<string, Map<string, number>>();
  /** Learned records with receivers, per sender. */
  private readonly sentBy = new Map<string, number>();
  /** Learned records with receivers naming each agent, as sender or receiver. */
  private readonly named = new Map<string, number>();
  private distinctEdges = 0;
  /** Learned records with receivers. */
  sent = 0;

  /** A record joins the baseline; `learning`: in its agent's open learning block (its edges are known, it is not counted yet). */
  enter(r: WindowRecord, learning: boolean): void {
    if (r.receivers.length === 0) return;
    let to = this.edges.get(r.agent);
    if (!to) this.edges.set(r.agent, (to = new Map()));
    for (const b of r.receivers) {
      const n = to.get(b) ?? 0;
      if (n === 0) this.distinctEdges++;
      to.set(b, n + 1);
    }
    if (!learning) this.count(r, 1);
  }

  /** A record in the baseline left its learning block and stays: it is counted now. */
  settle(r: WindowRecord): void {
    if (r.receivers.length > 0) this.count(r, 1);
  }

  /** A record leaves the baseline (aged out, or anomalous once its learning block closed). */
  leave(r: WindowRecord, learning: boolean): void {
    if (r.receivers.length === 0) return;
    const to = this.edges.get(r.agent);
    if (to) {
      for (const b of r.receivers) {
        const n = (to.get(b) ?? 0) - 1;
        if (n > 0) to.set(b, n);
        else if (to.delete(b)) this.distinctEdges--;
      }
      if (to.size === 0) this.edges.delete(r.agent);
    }
    if (!learning) this.count(r, -1);
  }

  knows(sender: string, receiver: string): boolean {
    return (this.edges.get(sender)?.get(receiver) ?? 0) > 0;
  }

  sentByAgent(agent: string): number {
    return this.sentBy.get(agent) ?? 0;
  }

  /** Agents named by learned records with receivers. */
  get agents(): number {
    return this.named.size;
  }

  /** Distinct edges of the baseline. */
  get knownEdges(): number {
    return this.distinctEdges;
  }

  clear(): void {
    this.edges.clear();
    this.sentBy.clear();
    this.named.clear();
    this.distinctEdges = 0;
    this.sent = 0;
  }

  private count(r: WindowRecord, by: 1 | -1): void {
    this.sent += by;
    bump(this.sentBy, r.agent, by);
    bump(this.named, r.agent, by);
    for (const b of r.receivers) bump(this.named, b, by);
  }
}

function bump(m: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (m.get(key) ?? 0) + by;
  if (n > 0) m.set(key, n);
  else m.delete(key);
}
