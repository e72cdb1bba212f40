import type { BatchOutcome } from "./ingest.ts";

/** Counters the collector keeps in memory for its own health endpoint and the benchmark. */
export class IngestStats {
  batches = 0;
  spans = 0;
  records = 0;
  refused = 0;
  readonly verdicts: Record<string, number> = {};
  private readonly latencies: number[] = [];

  recordBatch(outcome: BatchOutcome, ms: number): void {
    this.batches++;
    this.spans += outcome.spans;
    this.records += outcome.records;
    for (const [v, n] of Object.entries(outcome.verdictCounts)) this.verdicts[v] = (this.verdicts[v] ?? 0) + n;
    // A bounded reservoir: the last 10k latencies are enough for a p99.
    if (this.latencies.length >= 10_000) this.latencies.shift();
    this.latencies.push(ms);
  }
}
