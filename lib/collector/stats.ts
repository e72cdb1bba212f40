import type { BatchOutcome } from "./ingest.ts";

/** One project's share of what the collector stored, for /metrics. */
export interface ProjectIngest {
  batches: number;
  spans: number;
  records: number;
  rejectedSpans: number;
  /** Batches refused after the project was known (overload, workers, database). */
  refused: number;
  readonly refusedBy: RefusedBy;
  /** kind -> verdict -> records. */
  readonly verdictsByKind: Record<string, Record<string, number>>;
}

type RefusalCause = "requests" | "bytes" | "workers" | "database";
type RefusedBy = Record<RefusalCause, number>;

const noRefusals = (): RefusedBy => ({ requests: 0, bytes: 0, workers: 0, database: 0 });

/** Counters the collector keeps since it started; /healthz reports the totals, /metrics each project's. */
export class IngestStats {
  batches = 0;
  spans = 0;
  records = 0;
  refused = 0;
  /** Refusals by cause: requests or bytes in flight, verification workers (429), the database (503). */
  readonly refusedBy: RefusedBy = noRefusals();
  /** Spans the decoder refused (malformed, unsigned where a signature is required, ...): never stored. */
  rejectedSpans = 0;
  readonly verdicts: Record<string, number> = {};
  /**
   * Per project. Only projects that exist reach here (the door refuses a
   * batch for an unknown one), so the map grows with the projects table;
   * /metrics caps the label anyway (lib/metrics/bounded-labels.ts).
   */
  readonly byProject = new Map<string, ProjectIngest>();

  /** A refused batch; `project` when the door knew whose it was (not for a key it could not check). */
  refuse(reason: RefusalCause, project?: string): void {
    this.refused++;
    this.refusedBy[reason]++;
    if (project === undefined) return;
    const mine = this.project(project);
    mine.refused++;
    mine.refusedBy[reason]++;
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
    if (!mine) this.byProject.set(project, (mine = { batches: 0, spans: 0, records: 0, rejectedSpans: 0, refused: 0, refusedBy: noRefusals(), verdictsByKind: {} }));
    return mine;
  }

  /** Every project's counters and the totals: for the holder of a configured (instance-wide) key. */
  toJSON(): Record<string, unknown> {
    const projects: Record<string, unknown> = {};
    for (const id of [...this.byProject.keys()].sort()) projects[id] = this.projectJSON(id);
    return { batches: this.batches, spans: this.spans, records: this.records, refused: this.refused, refusedBy: this.refusedBy, rejectedSpans: this.rejectedSpans, verdicts: this.verdicts, projects };
  }

  /**
   * One project's counters in the same shape as the totals: all an ingest key
   * of that project may see, since another tenant's traffic is not its business.
   */
  projectJSON(project: string): Record<string, unknown> {
    const mine = this.byProject.get(project);
    if (!mine) return { batches: 0, spans: 0, records: 0, refused: 0, refusedBy: noRefusals(), rejectedSpans: 0, verdicts: {} };
    const verdicts: Record<string, number> = {};
    for (const counts of Object.values(mine.verdictsByKind)) for (const [v, n] of Object.entries(counts)) verdicts[v] = (verdicts[v] ?? 0) + n;
    return { batches: mine.batches, spans: mine.spans, records: mine.records, refused: mine.refused, refusedBy: mine.refusedBy, rejectedSpans: mine.rejectedSpans, verdicts };
  }
}
