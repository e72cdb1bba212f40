import type { BatchOutcome } from "./ingest.ts";

/** Counters the collector keeps since it started; /healthz reports them. */
export class IngestStats {
  batches = 0;
  spans = 0;
  records = 0;
  refused = 0;
  /** Refusals by cause: requests or bytes in flight, verification workers (429), the database (503). */
  readonly refusedBy: Record<"requests" | "bytes" | "workers" | "database", number> = { requests: 0, bytes: 0, workers: 0, database: 0 };
  /** Spans the decoder refused (malformed, unsigned where a signature is required, ...): never stored. */
  rejectedSpans = 0;
  readonly verdicts: Record<string, number> = {};
  /** kind -> verdict -> records, for /metrics. */
  readonly verdictsByKind: Record<string, Record<string, number>> = {};

  refuse(reason: keyof IngestStats["refusedBy"]): void {
    this.refused++;
    this.refusedBy[reason]++;
  }

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
    return { batches: this.batches, spans: this.spans, records: this.records, refused: this.refused, refusedBy: this.refusedBy, rejectedSpans: this.rejectedSpans, verdicts: this.verdicts };
  }
}
