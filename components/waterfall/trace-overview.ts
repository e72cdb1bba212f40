// The whole trace over the loaded part of it: the server's summary
// (lib/api/trace-summary-views.ts) gives the density and the worst entry of
// each slice of the trace's time; the waterfall has the windows loaded so far.
// Pure functions: where the minimap draws each slice and mark, how far the
// loaded windows reach, and which loaded row a mark points at.
import type { TraceMarkSeverity, TraceSummaryView } from "@/lib/api/trace-summary-views.ts";
import type { TraceView } from "@/lib/api/trace-views.ts";

/** One slice's mark on the minimap, in the waterfall's time frame (ns after the loaded trace's startNs). */
export interface OverviewMark {
  bin: number;
  severity: TraceMarkSeverity;
  /** Where the slice starts and how wide it is, as fractions of the time axis. */
  left: number;
  width: number;
  /** The earliest row of the slice's worst kind: where a click goes. */
  spanId: string;
  at: number;
  /** Failed (or doubtful, or error) entries in the slice. */
  count: number;
}

/** Nanoseconds to add to a summary offset to put it in the waterfall's frame (both usually start at the same instant). */
export function summaryShift(summary: Pick<TraceSummaryView, "startNs">, trace: Pick<TraceView, "startNs">): number {
  try {
    return Number(BigInt(summary.startNs) - BigInt(trace.startNs));
  } catch {
    return 0;
  }
}

/** The whole trace's length in the waterfall's frame: from the loaded trace's start to the summary's end. */
export function wholeDuration(summary: Pick<TraceSummaryView, "endNs">, trace: Pick<TraceView, "startNs">): number {
  try {
    return Math.max(0, Number(BigInt(summary.endNs) - BigInt(trace.startNs)));
  } catch {
    return 0;
  }
}

/**
 * How many rows the whole trace has, or null while unknown: the summary's
 * count once it is in (never fewer than the rows loaded); before it, the
 * windows' `total` when it is a count. The first window's is only a lower
 * bound, one more than the rows it holds (`total=lower-bound`, ADR 0039):
 * the header then says more are coming without a figure.
 */
export function wholeRowCount(summary: Pick<TraceSummaryView, "rows"> | undefined, trace: Pick<TraceView, "total">, loadedRows: number): number | null {
  if (summary) return Math.max(summary.rows, loadedRows);
  return trace.total > loadedRows + 1 ? trace.total : null;
}

/** The marks to draw over a time axis of `duration` ns: one per slice that holds a failed or doubtful record or an error span. */
export function overviewMarks(summary: TraceSummaryView, shift: number, duration: number): OverviewMark[] {
  const { bins } = summary;
  const n = bins.rows.length;
  const axis = duration > 0 ? duration : 1;
  const out: OverviewMark[] = [];
  for (let b = 0; b < n; b++) {
    const severity = bins.mark[b];
    const spanId = bins.markSpan[b];
    const markAt = bins.markAt[b];
    if (!severity || spanId === null || spanId === undefined || markAt === null || markAt === undefined) continue;
    const from = b * summary.binWidthNs + shift;
    const left = clamp01(from / axis);
    const width = Math.max(0, clamp01((from + summary.binWidthNs) / axis) - left);
    const count = severity === "failed" ? bins.failed[b]! : severity === "doubtful" ? bins.doubtful[b]! : bins.errors[b]!;
    out.push({ bin: b, severity, left, width, spanId, at: markAt + shift, count });
  }
  return out;
}

/** Rows per slice as bar heights in [0, 1] (square root, so one row next to 10,000 still shows). */
export function densityHeights(rows: readonly number[]): number[] {
  let max = 0;
  for (const r of rows) if (r > max) max = r;
  if (max <= 0) return rows.map(() => 0);
  const top = Math.sqrt(max);
  return rows.map((r) => (r > 0 ? Math.max(0.08, Math.sqrt(r) / top) : 0));
}

/**
 * How far the loaded windows reach in time: windows come in start order, so
 * every row starting before the last loaded start is in. Infinity when the
 * whole trace is loaded.
 */
export function loadedThrough(trace: Pick<TraceView, "spans" | "truncated">): number {
  if (!trace.truncated) return Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of trace.spans.start) if (s > last) last = s;
  return last;
}

/**
 * The loaded row a mark points at: the row with the mark's span id that
 * starts at the mark's time and is a record that is not verified (a forged
 * copy stored without its span has its real span's id), else one with the
 * id at that time, else the first with the id; -1 when it is not loaded yet.
 */
export function markedRow(trace: Pick<TraceView, "spans" | "records">, spanId: string, at: number): number {
  const { id, start, record } = trace.spans;
  let sameTime = -1;
  let first = -1;
  for (let i = 0; i < id.length; i++) {
    if (id[i] !== spanId) continue;
    if (first < 0) first = i;
    if (start[i] !== at) continue;
    const rec = record[i]!;
    if (rec >= 0 && trace.records.verified[rec] === false) return i;
    if (sameTime < 0) sameTime = i;
  }
  return sameTime >= 0 ? sameTime : first;
}

/** The first mark after the loaded windows, for "Next failure" once the loaded ones are used up. */
export function firstMarkAfter(marks: readonly OverviewMark[], through: number, severities: readonly TraceMarkSeverity[] = ["failed", "doubtful"]): OverviewMark | null {
  for (const m of marks) if (m.at > through && severities.includes(m.severity)) return m;
  return null;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
