import type { BatchOutcome } from "./ingest.ts";

/** Counters the collector keeps since it started; /healthz reports them. */
export class IngestStats {
  batches = 0;
  spans = 0;
  records = 0;
  refused = 0;
  /** Spans the decoder refused (malformed, unsigned where a signature is required, ...): never stored. */
  rejectedSpans = 0;
  readonly verdicts: Record<string, number> = {};
  /** kind -> verdict -> records, for /metrics. */
  readonly verdictsByKind: Record<string, Record<string, number>> = {};

  recordBatch(outcome: BatchOutcome): void {
    this.batches++;
    this.spans += outcome.spans;
    this.records += outcome.records;
    for (const [v, n] of Object.entries(outcome.verdictCounts)) this.verdicts[v] = (this.verdicts[v] ?? 0) + n;
    for (const [kind, counts] of Object.entries(outcome.verdictsByKind)) {
      const mine = (this.verdictsByKind[kind] ??= {});
      for (const [v, n] of Object.entries(counts)) mine[v] = (mine[v] ?? 0) + n;
    }
  }

  toJSON(): Record<string, unknown> {
    return { batches: this.batches, spans: this.spans, records: this.records, refused: this.refused, rejectedSpans: this.rejectedSpans, verdicts: this.verdicts };
  }
}
