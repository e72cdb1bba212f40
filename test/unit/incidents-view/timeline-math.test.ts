import { describe, expect, it } from "vitest";
import { formatSpan, layoutTimeline, type TimelineInput } from "@/components/incidents/timeline-math.ts";
import { incidentFiltersSearch, incidentsApiSearch, parseIncidentFilters } from "@/components/incidents/incidents-url.ts";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const entry = (type: TimelineInput["type"], s: number): TimelineInput => ({ type, at: at(s) });

describe("layoutTimeline", () => {
  it("has no axis and no marks for an empty incident", () => {
    const l = layoutTimeline([]);
    expect(l).toEqual({ domain: null, marks: [], rows: { finding: 1, breaker: 1, event: 1 }, ticks: [], unreadable: 0 });
  });

  it("puts a single entry in the middle of a two-minute axis", () => {
    const l = layoutTimeline([entry("finding", 0)]);
    expect(l.domain).toEqual([T0 - 60_000, T0 + 60_000]);
    expect(l.marks).toEqual([{ index: 0, lane: "finding", at: T0, pos: 0.5, row: 0 }]);
    expect(l.ticks.length).toBeGreaterThan(0);
  });

  it("orders out-of-order entries by time and spans the axis first to last", () => {
    const l = layoutTimeline([entry("event", 100), entry("finding", 0), entry("breaker", 50)]);
    expect(l.marks.map((m) => [m.index, m.lane, m.pos])).toEqual([
      [1, "finding", 0],
      [2, "breaker", 0.5],
      [0, "event", 1],
    ]);
    for (const t of l.ticks) {
      expect(t.pos).toBeGreaterThanOrEqual(0);
      expect(t.pos).toBeLessThanOrEqual(1);
    }
  });

  it("stacks identical timestamps in one lane into rows, keeping their input order", () => {
    const l = layoutTimeline([entry("finding", 0), entry("finding", 0), entry("finding", 0), entry("breaker", 0), entry("finding", 100)]);
    const findings = l.marks.filter((m) => m.lane === "finding");
    expect(findings.map((m) => [m.index, m.row])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [4, 0],
    ]);
    expect(l.rows).toEqual({ finding: 3, breaker: 1, event: 1 });
  });

  it("shares the least crowded row once a lane has no rows left", () => {
    const same = Array.from({ length: 6 }, () => entry("event", 10));
    const l = layoutTimeline([...same, entry("event", 0)], { maxRows: 3 });
    expect(l.rows.event).toBe(3);
    expect(l.marks.every((m) => m.row < 3)).toBe(true);
  });

  it("leaves out entries it cannot read and says how many", () => {
    const l = layoutTimeline([{ type: "finding", at: "yesterday" }, entry("finding", 5), { type: "comet" as "event", at: at(1) }]);
    expect(l.unreadable).toBe(2);
    expect(l.marks.map((m) => m.index)).toEqual([1]);
  });
});

describe("formatSpan", () => {
  it("reads like a duration an analyst says aloud", () => {
    expect(formatSpan(0)).toBe("0s");
    expect(formatSpan(245_000)).toBe("4m 05s");
    expect(formatSpan(2 * 3_600_000 + 10 * 60_000)).toBe("2h 10m");
    expect(formatSpan(3 * 86_400_000 + 4 * 3_600_000)).toBe("3d 4h");
    expect(formatSpan(Number.NaN)).toBe("—");
    expect(formatSpan(-1)).toBe("—");
  });
});

describe("incident filters in the URL", () => {
  const p = (s: string) => new URLSearchParams(s);
  it("round-trips and drops nonsense", () => {
    const f = parseIncidentFilters(p("status=open&severity=critical&window=24h"));
    expect(f).toEqual({ status: "open", severity: "critical", window: "24h" });
    expect(incidentFiltersSearch(f)).toBe("?status=open&severity=critical&window=24h");
    expect(parseIncidentFilters(p("status=bogus&severity=&window=2y"))).toEqual({ status: null, severity: null, window: null });
    expect(incidentFiltersSearch({ status: null, severity: null, window: null })).toBe("");
  });

  it("turns the window into `from` at fetch time", () => {
    const q = new URLSearchParams(incidentsApiSearch({ status: null, severity: "high", window: "1h" }, T0, "abc", 25));
    expect(q.get("from")).toBe(new Date(T0 - 3_600_000).toISOString());
    expect(q.get("severity")).toBe("high");
    expect(q.get("cursor")).toBe("abc");
    expect(q.get("limit")).toBe("25");
    expect(q.has("status")).toBe(false);
  });
});
