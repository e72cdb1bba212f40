import type { BatchOutcome } from "./ingest.ts";

/** One project's share of what the collector stored, for /metrics. */
export interface ProjectIngest {
  batches: number;
  spans: number;
  records: number;
  rejectedSpans: number;
  /** kind -> verdict -> records. */
  readonly verdictsByKind: Record<string, Record<string, number>>;
}

/** Counters the collector keeps since it started; /healthz reports the totals, /metrics each project's. */
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
  /**
   * Per project. Only projects that exist reach here (the door refuses a
   * batch for an unknown one), so the map grows with the projects table;
   * /metrics caps the label anyway (lib/metrics/bounded-labels.ts).
   */
  readonly byProject = new Map<string, ProjectIngest>();

  refuse(reason: keyof IngestStats["refusedBy"]): void {
    this.refused++;
    this.refusedBy[reason]++;
  }

  recordBatch(project: string, outcome: BatchOutcome, rejectedSpans = 0): void {
    this.batches++;
    this.spans += outcome.spans;
    this.records += outcome.records;
    this.rejectedSpans += rejectedSpans;
    for (const [v, n] of Object.entries(outcome.verdictCounts)) this.verdicts[v] = (this.verdicts[v] ?? 0) + n;
    const mine = this.project(project);
    mine.batches++;
    mine.spans += outcome.spans;
    mine.records += outcome.records;
    mine.rejectedSpans += rejectedSpans;
    for (const [kind, counts] of Object.entries(outcome.verdictsByKind)) {
      const ofKind = (mine.verdictsByKind[kind] ??= {});
      for (const [v, n] of Object.entries(counts)) ofKind[v] = (ofKind[v] ?? 0) + n;
    }
  }

  private project(project: string): ProjectIngest {
    let mine = this.byProject.get(project);
    if (!mine) this.byProject.set(project, (mine = { batches: 0, spans: 0, records: 0, rejectedSpans: 0, verdictsByKind: {} }));
    return mine;
  }

  toJSON(): Record<string, unknown> {
    return { batches: this.batches, spans: this.spans, records: this.records, refused: this.refused, refusedBy: this.refusedBy, rejectedSpans: this.rejectedSpans, verdicts: this.verdicts };
  }
}
