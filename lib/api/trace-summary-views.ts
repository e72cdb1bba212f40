// The whole trace at a glance, computed by PostgreSQL over every span and
// record of the trace, whatever the waterfall has loaded: counts by verdict,
// kind and agent, the trace's start and end, and a binned density of rows and
// of failed or doubtful records over the trace's time, with the first of the
// worst in each bin so the minimap can jump there. A forged record in span
// 80,000 is in the summary before the analyst scrolls to it.
import { z } from "zod";

const count = z.number().int().nonnegative();
const unixNs = z.string().regex(/^-?\d+$/);

/** The minimap's resolution when the caller does not ask: about one bin per 4 px of a wide screen. */
export const TRACE_SUMMARY_BINS = 240;
export const MAX_TRACE_SUMMARY_BINS = 2_000;
/** Agents listed by name, most records first; `agentCount` says how many there are in all. */
export const TRACE_SUMMARY_AGENTS = 50;

export const TraceSummaryQuery = z.object({
  bins: z.coerce
    .number({ error: "bins must be a number" })
    .int({ error: "bins must be a whole number" })
    .min(1, { error: "bins must be at least 1" })
    .max(MAX_TRACE_SUMMARY_BINS, { error: `bins must be at most ${MAX_TRACE_SUMMARY_BINS}` })
    .default(TRACE_SUMMARY_BINS)
    .meta({ description: `How many equal slices of the trace's time the density is given in (default ${TRACE_SUMMARY_BINS}, at most ${MAX_TRACE_SUMMARY_BINS}).` }),
});
export type TraceSummaryQuery = z.output<typeof TraceSummaryQuery>;

/** The worst thing in a bin, the minimap's mark: a failed record, else a doubtful one, else a span with error status. */
export const TraceMarkSeverity = z.enum(["failed", "doubtful", "error"]);
export type TraceMarkSeverity = z.infer<typeof TraceMarkSeverity>;

const sameLength = (columns: Record<string, readonly unknown[]>): boolean => new Set(Object.values(columns).map((c) => c.length)).size <= 1;

/** Bin i covers offsets [i, i + 1) × (endNs − startNs + 1) / bins from startNs; element i of every column is bin i. */
export const TraceSummaryBins = z
  .object({
    rows: z.array(count).meta({ description: "Rows of the waterfall starting in the bin: spans, and records stored without their span." }),
    failed: z.array(count).meta({ description: "Records in the bin with a failing verdict (anything but verified, pending and the doubts: unattested_agent, stale, future)." }),
    doubtful: z.array(count).meta({ description: "Records in the bin whose worst verdict is a doubt (unattested_agent, stale, future)." }),
    errors: z.array(count).meta({ description: "Spans in the bin with OTLP error status." }),
    mark: z.array(TraceMarkSeverity.nullable()).meta({ description: "The bin's worst: failed, doubtful, error, or null when none." }),
    markSpan: z.array(z.string().nullable()).meta({ description: "Span id of the earliest row of the bin's worst kind: where a click on the mark goes." }),
    markAt: z.array(z.number().nullable()).meta({ description: "That row's start in nanoseconds after startNs." }),
  })
  .refine(sameLength, { error: "bin columns differ in length" });
export type TraceSummaryBins = z.infer<typeof TraceSummaryBins>;

export const TraceSummaryView = z
  .object({
    traceId: z.string(),
    startNs: unixNs.meta({ description: "Earliest start of any row, nanoseconds since the Unix epoch (the same as the first window's startNs)." }),
    endNs: unixNs.meta({ description: "Latest end of any row, nanoseconds since the Unix epoch." }),
    spans: count.meta({ description: "Spans stored for the trace." }),
    rows: count.meta({ description: "Rows of the whole waterfall: spans, plus records stored without their span, plus a span's extra stored records." }),
    errorSpans: count.meta({ description: "Spans with OTLP error status." }),
    records: count.meta({ description: "Records stored for the trace, every stored copy (forged ones too)." }),
    unverified: count.meta({ description: "Records without the `verified` verdict." }),
    failed: count.meta({ description: "Records with a failing verdict (see bins.failed)." }),
    doubtful: count.meta({ description: "Records whose worst verdict is a doubt (see bins.doubtful)." }),
    verdicts: z.record(z.string(), count).meta({ description: "Records carrying each verdict (a record with two verdicts counts under both)." }),
    kinds: z.record(z.string(), count).meta({ description: "Records of each kind." }),
    agents: z
      .array(z.object({ agent: z.string(), records: count, unverified: count }))
      .meta({ description: `The agents that sent records, most records first (at most ${TRACE_SUMMARY_AGENTS}).` }),
    agentCount: count.meta({ description: "Distinct agents that sent records." }),
    binWidthNs: z.number().positive().meta({ description: "Nanoseconds per bin: (endNs − startNs + 1) / bins." }),
    bins: TraceSummaryBins,
  })
  .meta({ id: "TraceSummaryView" });
export type TraceSummaryView = z.infer<typeof TraceSummaryView>;

/**
 * The bin of a row starting `offsetNs` after the trace's start, for a trace
 * lasting `durationNs` (end − start): floor(offset × bins / (duration + 1)),
 * in integers, so the last instant falls in the last bin and never past it.
 * PostgreSQL computes the same in numeric (lib/db/trace-summary-query.ts).
 */
export function traceBin(offsetNs: bigint, durationNs: bigint, bins: number): number {
  if (bins <= 0) return 0;
  const span = durationNs < 0n ? 1n : durationNs + 1n;
  const offset = offsetNs < 0n ? 0n : offsetNs > durationNs ? (durationNs < 0n ? 0n : durationNs) : offsetNs;
  return Number((offset * BigInt(bins)) / span);
}
