import { describe, expect, it } from "vitest";
import { bandLayout, brushRange, buildLanes, deviationBand, findingLaneKeys, fromFraction, histogram, inSelection, orderedRange, pct, toFraction, visibleRows } from "@/components/timeline/timeline-math.ts";
import { parseTimelineView, timelineSearch } from "@/components/timeline/timeline-url.ts";
import type { TimelineFindingView, TimelineTransitionView } from "@/lib/api/fleet-views.ts";

const T0 = Date.UTC(2026, 11, 5, 12);
const MIN = 60_000;
const R = { from: T0, to: T0 + 100 * MIN };

let n = 0;
function finding(over: Partial<TimelineFindingView> = {}): TimelineFindingView {
  n++;
  return { id: String(n), detector: "semantic_deviation", recordId: `rec-${n}`, agent: "a", receivers: ["b"], subject: "Quote price", score: 4, explanation: "x", params: {}, at: new Date(T0 + n * MIN).toISOString(), impact: null, reach: null, ...over };
}
function transition(over: Partial<TimelineTransitionView> = {}): TimelineTransitionView {
  n++;
  return { id: String(n), sender: "a", receiver: "b", from: "CLOSED", to: "OPEN", at: new Date(T0 + n * MIN).toISOString(), cause: "failures", recordIds: [], detail: "", actor: null, ...over };
}

describe("time <-> fraction", () => {
  it("maps the range onto [0, 1] and back", () => {
    expect(toFraction(T0, R)).toBe(0);
    expect(toFraction(T0 + 25 * MIN, R)).toBe(0.25);
    expect(toFraction(T0 + 200 * MIN, R)).toBe(2);
    expect(fromFraction(0.25, R)).toBe(T0 + 25 * MIN);
    expect(fromFraction(7, R)).toBe(R.to);
  });
  it("NaN, empty and reversed ranges give NaN, never Infinity", () => {
    expect(toFraction(Number.NaN, R)).toBeNaN();
    expect(toFraction(T0, { from: T0, to: T0 })).toBeNaN();
    expect(toFraction(T0, { from: T0, to: T0 - 1 })).toBeNaN();
    expect(fromFraction(Number.NaN, R)).toBeNaN();
  });
  it("huge ranges keep precision at the millisecond scale they matter", () => {
    const huge = { from: 0, to: 8.64e15 };
    expect(toFraction(4.32e15, huge)).toBe(0.5);
    expect(pct(0.5)).toBe("50%");
    expect(pct(0.123456)).toBe("12.346%");
    expect(pct(Number.NaN)).toBe("-9999%");
  });
});

describe("brush", () => {
  it("turns a drag either way into an ordered time range, clamped to the axis", () => {
    expect(brushRange(25, 75, 100, R)).toEqual({ from: T0 + 25 * MIN, to: T0 + 75 * MIN });
    expect(brushRange(75, 25, 100, R)).toEqual({ from: T0 + 25 * MIN, to: T0 + 75 * MIN });
    expect(brushRange(-50, 250, 100, R)).toEqual(R);
  });
  it("a click, a zero-width axis or NaN is no selection", () => {
    expect(brushRange(50, 50.1, 100, R)).toBeNull();
    expect(brushRange(10, 50, 0, R)).toBeNull();
    expect(brushRange(Number.NaN, 50, 100, R)).toBeNull();
    expect(orderedRange(5, 5)).toBeNull();
  });
  it("a selection includes its ends; no selection keeps everything", () => {
    expect(inSelection(T0, { from: T0, to: T0 + 1 })).toBe(true);
    expect(inSelection(T0 - 1, { from: T0, to: T0 + 1 })).toBe(false);
    expect(inSelection(T0, null)).toBe(true);
  });
});

describe("lanes", () => {
  it("per agent: one lane per agent, busiest first, marks oldest first whatever the input order", () => {
    const late = finding({ agent: "a", impact: 100 });
    const early = finding({ agent: "a", at: new Date(T0).toISOString() });
    const lanes = buildLanes([late, early, finding({ agent: "c" })], [transition({ sender: "c", to: "FORCED_OPEN", cause: "forced" })], "agent");
    expect(lanes.map((l) => l.key)).toEqual(["a", "c"]);
    expect(lanes[0]!.findings.map((f) => f.id)).toEqual([early.id, late.id]);
    expect(lanes[1]!.transitions).toHaveLength(1);
  });
  it("per edge: a finding goes on each edge its record went along, a new edge by its subject, the rest on the agent's own lane", () => {
    expect(findingLaneKeys(finding({ receivers: ["b", "c", "b"] }), "edge")).toEqual(["a\u0000b", "a\u0000c"]);
    expect(findingLaneKeys(finding({ receivers: [], detector: "new_edge", subject: "x -> y" }), "edge")).toEqual(["x\u0000y"]);
    expect(findingLaneKeys(finding({ receivers: [], agent: null, subject: "rate" }), "edge")).toEqual(["(no agent)\u0000"]);
    const lanes = buildLanes([finding({ receivers: [] , subject: "rate"})], [transition()], "edge");
    expect(lanes.map((l) => l.label).sort()).toEqual(["a (no edge)", "a -> b"]);
    expect(lanes.find((l) => l.label === "a -> b")).toMatchObject({ sender: "a", receiver: "b" });
  });
  it("nothing in, nothing out; ties sort by name", () => {
    expect(buildLanes([], [], "agent")).toEqual([]);
    expect(buildLanes([finding({ agent: "z" }), finding({ agent: "m" })], [], "agent").map((l) => l.key)).toEqual(["m", "z"]);
  });
});

describe("virtual rows", () => {
  it("renders the rows in view plus the overscan", () => {
    expect(visibleRows(0, 100, 20, 1000, 2)).toEqual({ first: 0, last: 7 });
    expect(visibleRows(2000, 100, 20, 1000, 2)).toEqual({ first: 98, last: 107 });
    expect(visibleRows(1e9, 100, 20, 1000, 2)).toEqual({ first: 1000, last: 1000 });
  });
  it("empty lists, zero rows and NaN scroll", () => {
    expect(visibleRows(0, 100, 20, 0)).toEqual({ first: 0, last: 0 });
    expect(visibleRows(Number.NaN, 100, 20, 10, 0)).toEqual({ first: 0, last: 5 });
    expect(visibleRows(0, 100, 0, 10)).toEqual({ first: 0, last: 0 });
  });
});

describe("deviation band", () => {
  it("recovers the z-score band around the median from the stored params", () => {
    // Value 1200 at z = 9 against a median of 100: the 3.5 bound is 3.5/9 of the way out on the log scale.
    const b = deviationBand("semantic_deviation", { median: 100, value: 1200, z: 9, zThreshold: 3.5, minRatio: 1.5, maxRatio: 10 })!;
    const halfWidth = (3.5 * (Math.log1p(1200) - Math.log1p(100))) / 9;
    expect(b.high).toBeCloseTo(Math.expm1(Math.log1p(100) + halfWidth), 6);
    expect(b.low).toBeCloseTo(Math.expm1(Math.log1p(100) - halfWidth), 6);
    expect(b.low).toBeLessThan(100);
    expect(b.high).toBeGreaterThan(150);
    expect(b.value).toBe(1200);
  });
  it("never narrower than minRatio, never wider than maxRatio", () => {
    const narrow = deviationBand("semantic_deviation", { median: 100, value: 101, z: 100, zThreshold: 3.5, minRatio: 1.5, maxRatio: 10 })!;
    expect(narrow.low).toBeCloseTo(100 / 1.5);
    expect(narrow.high).toBeCloseTo(150);
    const wide = deviationBand("semantic_deviation", { median: 100, value: 5000, z: 0.1, zThreshold: 3.5, minRatio: 1.5, maxRatio: 10 })!;
    expect(wide.low).toBeCloseTo(10);
    expect(wide.high).toBeCloseTo(1000);
  });
  it("a constant baseline (no z) is the ratio band; other detectors and missing params have none", () => {
    expect(deviationBand("semantic_deviation", { median: 4, value: 40, z: null, minRatio: 2 })).toMatchObject({ low: 2, high: 8 });
    expect(deviationBand("new_edge", { median: 1, value: 2 })).toBeNull();
    expect(deviationBand("semantic_deviation", { median: "x", value: 2 })).toBeNull();
    expect(deviationBand("semantic_deviation", { median: Number.NaN, value: 2 })).toBeNull();
  });
  it("lays out on a log axis for positive numbers, linear otherwise, everything inside [0, 1]", () => {
    const l = bandLayout({ median: 100, value: 1000, low: 50, high: 200 });
    expect(l.log).toBe(true);
    expect(l.low).toBeLessThan(l.median);
    expect(l.median).toBeLessThan(l.high);
    expect(l.high).toBeLessThan(l.value);
    const neg = bandLayout({ median: -5, value: 20, low: -10, high: 0 });
    expect(neg.log).toBe(false);
    for (const v of [neg.low, neg.high, neg.median, neg.value]) expect(v >= 0 && v <= 1).toBe(true);
    const flat = bandLayout({ median: 1, value: 1, low: 1, high: 1 });
    expect(flat.median).toBeCloseTo(0.5);
  });
});

describe("timeline URL", () => {
  const p = (s: string) => new URLSearchParams(s);
  it("round-trips a brushed, pinned, per-edge view with a finding open", () => {
    const v = parseTimelineView(p("from=2026-12-05T10:00:00Z&to=2026-12-05T12:00:00Z&start=2026-12-05T11:00:00Z&end=2026-12-05T11:30:00Z&by=edge&finding=42"));
    expect(v).toEqual({ window: "24h", from: "2026-12-05T10:00:00.000Z", to: "2026-12-05T12:00:00.000Z", start: "2026-12-05T11:00:00.000Z", end: "2026-12-05T11:30:00.000Z", by: "edge", finding: "42" });
    expect(parseTimelineView(p(timelineSearch(v).slice(1)))).toEqual(v);
  });
  it("defaults are left out; half a pair, junk and out-of-order ends are mended or dropped", () => {
    expect(timelineSearch(parseTimelineView(p("")))).toBe("");
    expect(parseTimelineView(p("start=2026-12-05T11:00:00Z"))).toMatchObject({ start: null, end: null });
    expect(parseTimelineView(p("start=2026-12-05T12:00:00Z&end=2026-12-05T11:00:00Z"))).toMatchObject({ start: "2026-12-05T11:00:00.000Z", end: "2026-12-05T12:00:00.000Z" });
    expect(parseTimelineView(p("window=2y&by=sideways&finding=abc"))).toMatchObject({ window: "24h", by: "agent", finding: null });
    expect(timelineSearch(parseTimelineView(p("window=1h")))).toBe("?window=1h");
  });
});

describe("histogram", () => {
  it("bins times across the range; the end falls in the last bin; outside and NaN are left out", () => {
    expect(histogram([T0, T0 + 10 * MIN, T0 + 60 * MIN, R.to, R.to + 1, Number.NaN, T0 - 1], R, 4)).toEqual([2, 0, 1, 1]);
    expect(histogram([], R, 3)).toEqual([0, 0, 0]);
    expect(histogram([T0], R, 0)).toEqual([]);
    expect(histogram([T0], { from: T0, to: T0 }, 2)).toEqual([0, 0]);
  });
});
