import { describe, expect, it } from "vitest";
import type { TraceSummaryView } from "@/lib/api/trace-summary-views.ts";
import type { TraceView } from "@/lib/api/trace-views.ts";
import { densityHeights, firstMarkAfter, loadedThrough, markedRow, overviewMarks, summaryShift, wholeDuration, wholeRowCount } from "@/components/waterfall/trace-overview.ts";

/** A summary of `bins` slices over [startNs, endNs]; marks given per bin. */
function summaryOf(startNs: bigint, endNs: bigint, marks: Record<number, { severity: "failed" | "doubtful" | "error"; span: string; at: number; count?: number }>, bins = 10): TraceSummaryView {
  const col = () => new Array<number>(bins).fill(0);
  const s: TraceSummaryView = {
    traceId: "t",
    startNs: startNs.toString(),
    endNs: endNs.toString(),
    spans: 0,
    rows: 0,
    errorSpans: 0,
    records: 0,
    unverified: 0,
    failed: 0,
    doubtful: 0,
    verdicts: {},
    kinds: {},
    agents: [],
    agentCount: 0,
    binWidthNs: Number(endNs - startNs + 1n) / bins,
    bins: { rows: col(), failed: col(), doubtful: col(), errors: col(), mark: new Array(bins).fill(null), markSpan: new Array(bins).fill(null), markAt: new Array(bins).fill(null) },
  };
  for (const [b, m] of Object.entries(marks)) {
    const i = Number(b);
    s.bins.mark[i] = m.severity;
    s.bins.markSpan[i] = m.span;
    s.bins.markAt[i] = m.at;
    (m.severity === "failed" ? s.bins.failed : m.severity === "doubtful" ? s.bins.doubtful : s.bins.errors)[i] = m.count ?? 1;
  }
  return s;
}

function traceOf(rows: { id: string; start: number; record?: { verified: boolean } }[], truncated = false): TraceView {
  const records = rows.filter((r) => r.record);
  let rec = 0;
  return {
    traceId: "t",
    startNs: "1000",
    endNs: "2000",
    total: rows.length,
    truncated,
    spans: {
      id: rows.map((r) => r.id),
      parent: rows.map(() => null),
      name: rows.map((r) => r.id),
      service: rows.map(() => null),
      status: rows.map(() => 0),
      start: rows.map((r) => r.start),
      end: rows.map((r) => r.start + 1),
      record: rows.map((r) => (r.record ? rec++ : -1)),
    },
    records: { id: records.map((r) => r.id), kind: records.map(() => "message"), agent: records.map(() => "a"), verdicts: records.map((r) => (r.record!.verified ? ["verified"] : ["bad_signature"])), verified: records.map((r) => r.record!.verified) },
  };
}

describe("the whole trace over the loaded part", () => {
  it("places each marked slice on the time axis, in the waterfall's frame", () => {
    const s = summaryOf(1000n, 1999n, { 2: { severity: "failed", span: "a", at: 250, count: 3 }, 9: { severity: "doubtful", span: "b", at: 950 } });
    const marks = overviewMarks(s, 0, 1000);
    expect(marks.map((m) => [m.bin, m.severity, m.spanId, m.at, m.count])).toEqual([
      [2, "failed", "a", 250, 3],
      [9, "doubtful", "b", 950, 1],
    ]);
    expect(marks[0]!.left).toBeCloseTo(0.2, 6);
    expect(marks[0]!.width).toBeCloseTo(0.1, 6);
    // On an axis one nanosecond short, the last slice is clamped to the edge.
    const short = overviewMarks(s, 0, 999).at(-1)!;
    expect(short.left + short.width).toBe(1);
    // A summary counted from a later start (spans arrived earlier since): shifted into the waterfall's frame.
    expect(overviewMarks(s, 500, 1499)[0]!.at).toBe(750);
  });

  it("shifts and stretches by the difference of the starts, exact past 2^53 ns since the epoch", () => {
    const s = summaryOf(1_764_000_000_000_000_123n, 1_764_000_000_000_100_123n, {});
    expect(summaryShift(s, { startNs: "1764000000000000000" })).toBe(123);
    expect(wholeDuration(s, { startNs: "1764000000000000000" })).toBe(100_123);
    expect(summaryShift(s, { startNs: "not a number" })).toBe(0);
  });

  it("scales density by square root with a visible floor, and survives empty or zero rows", () => {
    expect(densityHeights([0, 1, 100, 10_000])).toEqual([0, 0.08, 0.1, 1]);
    expect(densityHeights([0, 0])).toEqual([0, 0]);
    expect(densityHeights([])).toEqual([]);
  });

  it("knows how far the loaded windows reach: the last start, or everything when the trace is whole", () => {
    expect(loadedThrough(traceOf([{ id: "a", start: 0 }, { id: "b", start: 40 }, { id: "c", start: 30 }], true))).toBe(40);
    expect(loadedThrough(traceOf([{ id: "a", start: 0 }], false))).toBe(Number.POSITIVE_INFINITY);
  });

  it("finds the marked row: the unverified copy at the mark's time before the verified span with the same id", () => {
    const t = traceOf([
      { id: "root", start: 0 },
      { id: "x", start: 10, record: { verified: true } },
      { id: "x", start: 12, record: { verified: false } },
      { id: "y", start: 20 },
    ]);
    expect(markedRow(t, "x", 12)).toBe(2);
    expect(markedRow(t, "x", 10)).toBe(1);
    expect(markedRow(t, "y", 99)).toBe(3);
    expect(markedRow(t, "zzz", 0)).toBe(-1);
  });

  it("names the first failure mark past the loaded windows, skipping error spans", () => {
    const s = summaryOf(0n, 999n, { 1: { severity: "failed", span: "a", at: 150 }, 4: { severity: "error", span: "e", at: 420 }, 6: { severity: "doubtful", span: "d", at: 610 } });
    const marks = overviewMarks(s, 0, 999);
    expect(firstMarkAfter(marks, 100)?.spanId).toBe("a");
    expect(firstMarkAfter(marks, 200)?.spanId).toBe("d");
    expect(firstMarkAfter(marks, 700)).toBeNull();
  });
});

describe("wholeRowCount", () => {
  const summary = summaryOf(1000n, 2000n, {});
  it("is the summary's count once it is in, never fewer than the rows loaded", () => {
    expect(wholeRowCount({ ...summary, rows: 100_000 }, { total: 2_001 }, 2_000)).toBe(100_000);
    // Spans that arrived since the summary was counted.
    expect(wholeRowCount({ ...summary, rows: 11_990 }, { total: 12_500 }, 12_000)).toBe(12_000);
  });
  it("is unknown before the summary when the first window's total is only the lower bound (one more than it holds)", () => {
    expect(wholeRowCount(undefined, { total: 2_001 }, 2_000)).toBeNull();
  });
  it("is the windows' count when a later window counted the spans", () => {
    expect(wholeRowCount(undefined, { total: 100_000 }, 12_000)).toBe(100_000);
  });
  it("a trace loaded whole has as many rows as are loaded: nothing to add", () => {
    expect(wholeRowCount(undefined, { total: 1_500 }, 1_500)).toBeNull();
    expect(wholeRowCount({ ...summary, rows: 1_500 }, { total: 1_500 }, 1_500)).toBe(1_500);
  });
});
