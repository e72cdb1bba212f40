import { describe, expect, it } from "vitest";
import { appendTraceWindow, joinTraceWindows, nextTraceCursor } from "@/components/waterfall/trace-pages.ts";
import { TraceView } from "@/lib/api/trace-views.ts";

// A whole trace as the server writes it, and the same trace cut into windows
// as the server writes those: each window's times from its own first start,
// its record indices from its own records, `next` where it stops.
interface Row {
  id: string;
  start: bigint;
  end: bigint;
  record: string | null;
}

const T0 = 1_764_000_000_000_000_000n; // nanoseconds since the epoch: past a double's exact range

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${String(i).padStart(15, "0")}`,
    start: T0 + BigInt(i * 1_000_003),
    end: T0 + BigInt(i * 1_000_003 + 500_000 + (i % 7) * 10_000_000),
    record: i % 3 === 1 ? `rec-${i}` : null,
  }));
}

function view(all: Row[], from: number, to: number): TraceView {
  const part = all.slice(from, to);
  const t0 = part[0]!.start;
  let rec = 0;
  const records = part.filter((r) => r.record !== null);
  const max = (xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a));
  return {
    traceId: "f".repeat(32),
    startNs: t0.toString(),
    endNs: max(part.map((r) => (r.end > r.start ? r.end : r.start))).toString(),
    total: to < all.length ? all.length : part.length,
    truncated: to < all.length,
    next: to < all.length ? `${part.at(-1)!.start}.${to}.0` : null,
    spans: {
      id: part.map((r) => r.id),
      parent: part.map((_, i) => (from + i === 0 ? null : all[0]!.id)),
      name: part.map((r) => `op ${r.id}`),
      service: part.map(() => "svc"),
      status: part.map((_, i) => ((from + i) % 5 === 0 ? 2 : 0)),
      start: part.map((r) => Number(r.start - t0)),
      end: part.map((r) => Number(r.end - t0)),
      record: part.map((r) => (r.record === null ? -1 : rec++)),
    },
    records: {
      id: records.map((r) => r.record!),
      kind: records.map(() => "message"),
      agent: records.map(() => "planner"),
      verdicts: records.map((r) => [r.id.endsWith("4") ? "bad_signature" : "verified"]),
      verified: records.map((r) => !r.id.endsWith("4")),
    },
  };
}

describe("trace windows", () => {
  const all = rows(23);
  const whole = view(all, 0, 23);

  it("appended in order, windows of any size make the whole trace: times shifted, record indices rebased", () => {
    for (const size of [1, 2, 5, 10, 22, 23]) {
      const windows: TraceView[] = [];
      for (let from = 0; from < all.length; from += size) windows.push(view(all, from, Math.min(from + size, all.length)));
      const joined = joinTraceWindows(windows)!;
      expect(TraceView.safeParse(joined).success).toBe(true);
      expect(joined, `windows of ${size}`).toEqual(whole);
      // The first window is a prefix of the joined one: span indices hold as windows arrive.
      for (const column of Object.keys(windows[0]!.spans) as (keyof TraceView["spans"])[]) expect(joined.spans[column].slice(0, windows[0]!.spans.id.length)).toEqual(windows[0]!.spans[column]);
    }
  });

  it("says how many rows there are once the last window is in, and that there are more while one is missing", () => {
    const first = view(all, 0, 10);
    const second = view(all, 10, 20);
    expect(appendTraceWindow(first, second)).toMatchObject({ truncated: true, total: 23, next: second.next });
    expect(appendTraceWindow(appendTraceWindow(first, second), view(all, 20, 23))).toMatchObject({ truncated: false, total: 23, next: null });
  });

  it("asks for the window after one only when it was cut", () => {
    expect(nextTraceCursor(view(all, 0, 10))).toBe(`${all[9]!.start}.10.0`);
    expect(nextTraceCursor(whole)).toBeUndefined();
    expect(nextTraceCursor({ truncated: true, next: null })).toBeUndefined();
    expect(nextTraceCursor({ truncated: true })).toBeUndefined();
    expect(joinTraceWindows([])).toBeUndefined();
  });
});
