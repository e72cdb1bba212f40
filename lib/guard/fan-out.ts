// Fan-out: how many message deliveries one record has spawned from this
// guard. Each receiver of each message derived from a parent counts once, so
// both "one record, twenty sub-agents" and "one record, the same agent twenty
// times" hit the cap. A message with several parents counts against each.
// A message with no parents is checked on its own receivers only.
import { BoundedMap } from "./bounded-map.ts";

export class FanOutBook {
  private readonly counts: BoundedMap<string, number>;

  /** Parents tracked at most; the first tracked are forgotten first. */
  constructor(limit = 100_000) {
    this.counts = new BoundedMap(limit);
  }

  /** The largest count any parent would reach if a message to `receivers` receivers were sent. */
  projected(parents: readonly string[], receivers: number): number {
    let most = 0;
    for (const p of parents) {
      const n = this.counts.get(p) ?? 0;
      if (n > most) most = n;
    }
    return most + receivers;
  }

  add(parents: readonly string[], receivers: number): void {
    for (const p of parents) this.counts.set(p, (this.counts.get(p) ?? 0) + receivers);
  }

  count(parent: string): number {
    return this.counts.get(parent) ?? 0;
  }
}
