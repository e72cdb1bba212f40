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
  /** Lag of each sample, ms, and when its pass committed (to ask about a period). */
  private readonly samples: { lag: number; at: number }[] = [];
  private next = 0;
  total = 0;
  /**
   * The summaries asked for since the last sample, by `since` (they are asked
   * for by /metrics and the engine thread's reports, for each project, far
   * more often than passes add samples; each sorts up to `capacity` lags).
   */
  private readonly asked = new Map<number, LagSummary>();

  constructor(private readonly capacity = 100_000) {}

  addBatch(committedAt: number, receivedAt: readonly number[]): void {
    for (const t of receivedAt) this.add(Math.max(0, committedAt - t), committedAt);
  }

  add(ms: number, at = Date.now()): void {
    this.total++;
    if (this.asked.size > 0) this.asked.clear();
    const sample = { lag: ms, at };
    if (this.samples.length < this.capacity) this.samples.push(sample);
    else {
      this.samples[this.next] = sample;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** Over the samples kept, or only those committed at or after `since`. */
  summary(since = Number.NEGATIVE_INFINITY): LagSummary {
    let s = this.asked.get(since);
    if (!s) {
      s = this.summarize(since);
      // Bounded: callers ask with a few `since`s between samples.
      if (this.asked.size >= 8) this.asked.clear();
      this.asked.set(since, s);
    }
    return s;
  }

  private summarize(since: number): LagSummary {
    let n = 0;
    for (const s of this.samples) if (s.at >= since) n++;
    if (n === 0) return { samples: 0, p50: 0, p99: 0, max: 0 };
    // A typed array sorts numbers natively: the engine thread reports these every second, between passes.
    const sorted = new Float64Array(n);
    let i = 0;
    for (const s of this.samples) if (s.at >= since) sorted[i++] = s.lag;
    sorted.sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
  }

  reset(): void {
    this.asked.clear();
    this.samples.length = 0;
    this.next = 0;
    this.total = 0;
  }
}
