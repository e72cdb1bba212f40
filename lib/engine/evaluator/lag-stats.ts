// Evaluation lag: from a record being stored (received_at) to the commit of
// the pass that judged it (its findings and breaker updates visible). Kept
// as a bounded reservoir of the latest samples for p50/p99.

export interface LagSummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export class LagStats {
  private readonly samples: number[] = [];
  private next = 0;
  total = 0;

  constructor(private readonly capacity = 100_000) {}

  addBatch(committedAt: number, receivedAt: readonly number[]): void {
    for (const t of receivedAt) this.add(Math.max(0, committedAt - t));
  }

  add(ms: number): void {
    this.total++;
    if (this.samples.length < this.capacity) this.samples.push(ms);
    else {
      this.samples[this.next] = ms;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  summary(): LagSummary {
    if (this.samples.length === 0) return { samples: 0, p50: 0, p99: 0, max: 0 };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
  }

  reset(): void {
    this.samples.length = 0;
    this.next = 0;
    this.total = 0;
  }
}
