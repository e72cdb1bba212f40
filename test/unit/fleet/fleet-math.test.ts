import { describe, expect, it } from "vitest";
import { areaPath, isolatedPoints, linePath, rateSeries, seriesMax, timeTicks, total, zoneName } from "@/components/charts/series-math.ts";
import { fleetStateCounts } from "@/lib/view/fleet-counts.ts";
import { SERIES_STEPS_MS, bucketStarts, seriesStep } from "@/lib/view/series-step.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 5, 12);

describe("series step", () => {
  it("picks the smallest round step with at most 60 buckets", () => {
    expect(seriesStep(T0, T0 + HOUR)).toBe(MIN);
    expect(seriesStep(T0, T0 + 24 * HOUR)).toBe(30 * MIN);
    expect(seriesStep(T0, T0 + 7 * 24 * HOUR)).toBe(3 * HOUR);
    expect(seriesStep(T0, T0 + 90 * MIN)).toBe(2 * MIN);
  });
  it("empty, reversed, NaN and huge spans fall back without throwing", () => {
    expect(seriesStep(T0, T0)).toBe(MIN);
    expect(seriesStep(T0, T0 - HOUR)).toBe(MIN);
    expect(seriesStep(Number.NaN, T0)).toBe(MIN);
    expect(seriesStep(0, 1e15)).toBe(SERIES_STEPS_MS.at(-1));
    expect(seriesStep(T0, T0 + HOUR, Number.NaN)).toBe(MIN);
  });
  it("bucket starts are aligned, contiguous and cover the window", () => {
    const from = T0 + 30_000;
    const starts = bucketStarts(from, from + 10 * MIN, MIN);
    expect(starts[0]).toBe(T0);
    expect(starts).toHaveLength(11);
    expect(starts.every((t, i) => i === 0 || t - starts[i - 1]! === MIN)).toBe(true);
    expect(starts.at(-1)!).toBeLessThan(from + 10 * MIN);
    expect(bucketStarts(T0, T0, MIN)).toEqual([]);
    expect(bucketStarts(T0, T0 + MIN, 0)).toEqual([]);
    expect(bucketStarts(Number.NaN, T0, MIN)).toEqual([]);
  });
});

describe("fleet state counts", () => {
  it("counts edges once each and agents by their worst outgoing state", () => {
    const c = fleetStateCounts([
      { sender: "a", receiver: "b", state: "CLOSED" },
      { sender: "a", receiver: "c", state: "OPEN" },
      { sender: "a", receiver: "c", state: "OPEN" },
      { sender: "d", receiver: "a", state: "FORCED_OPEN" },
      { sender: "b", receiver: "c", state: "METRICS_ONLY" },
    ]);
    expect(c.edges).toEqual({ CLOSED: 1, OPEN: 1, FORCED_OPEN: 1, METRICS_ONLY: 1, HALF_OPEN: 0 });
    // a OPEN, b METRICS_ONLY, c only receives (CLOSED), d FORCED_OPEN.
    expect(c.agents).toEqual({ CLOSED: 1, OPEN: 1, FORCED_OPEN: 1, METRICS_ONLY: 1, HALF_OPEN: 0 });
  });
  it("an empty fleet is all zeros", () => {
    expect(Object.values(fleetStateCounts([]).agents).every((n) => n === 0)).toBe(true);
  });
});

describe("sparkline paths", () => {
  const pts = (vs: (number | null)[]) => vs.map((v, i) => ({ t: T0 + i * MIN, v }));
  it("spans the box: first point at x=0, last at the width, the max at the top", () => {
    expect(linePath(pts([0, 5, 10]), 100, 20)).toBe("M0,20L50,10L100,0");
  });
  it("draws out-of-order points in time order", () => {
    const p = [{ t: T0 + 2 * MIN, v: 10 }, { t: T0, v: 0 }, { t: T0 + MIN, v: 5 }];
    expect(linePath(p, 100, 20)).toBe("M0,20L50,10L100,0");
  });
  it("leaves gaps for null and NaN, and keeps a lone point visible", () => {
    const d = linePath(pts([1, null, 1, Number.NaN, 1]), 100, 10, { max: 1 });
    expect(d.match(/M/g)).toHaveLength(3);
    expect(d).toContain("h0.01");
    // The outer points join nothing either: all three are dots.
    expect(isolatedPoints(d)).toBe(d);
    expect(isolatedPoints(linePath(pts([1, 2, null, 3]), 30, 10))).toBe("M30,0h0.01");
    expect(isolatedPoints("")).toBe("");
  });
  it("empty, one point, zero box", () => {
    expect(linePath([], 100, 20)).toBe("");
    expect(linePath(pts([3]), 100, 20)).toBe("M50,0h0.01");
    expect(linePath(pts([1, 2]), 0, 20)).toBe("");
    expect(linePath(pts([null, null]), 100, 20)).toBe("");
  });
  it("an all-zero series lies on the baseline; huge values clamp to the box", () => {
    expect(linePath(pts([0, 0]), 10, 10)).toBe("M0,10L10,10");
    expect(linePath(pts([0, 1e300]), 10, 10, { max: 1 })).toBe("M0,10L10,0");
    expect(seriesMax(pts([null, Number.NaN, 3]))).toBe(3);
  });
  it("areas close down to the baseline per segment", () => {
    expect(areaPath(pts([0, 10]), 10, 10)).toBe("M0,10L0,10L10,0L10,10Z");
    expect(areaPath([], 10, 10)).toBe("");
  });
  it("rates are null where nothing happened, not zero", () => {
    const r = rateSeries([{ at: new Date(T0).toISOString(), a: 1, b: 4 }, { at: new Date(T0 + MIN).toISOString(), a: 0, b: 0 }], (x) => x.a, (x) => x.b);
    expect(r.map((p) => p.v)).toEqual([0.25, null]);
    expect(total([{ n: 1 }, { n: Number.NaN }, { n: 2 }], (x) => x.n)).toBe(3);
  });
});

describe("time axis", () => {
  it("labels ticks in the viewer's zone, inside the axis", () => {
    const ticks = timeTicks(T0, T0 + 6 * HOUR, 6, "Europe/Paris");
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks.every((t) => t.frac >= 0 && t.frac <= 1)).toBe(true);
    // 12:00 UTC is 13:00 in Paris in December.
    expect(ticks[0]).toEqual({ frac: 0, label: "13:00" });
    expect(zoneName("Europe/Paris", T0)).toBe("GMT+1");
    expect(zoneName("UTC", T0)).toBe("UTC");
  });
  it("dates beyond three days; nothing for empty, reversed or NaN ranges; a bad zone falls back to UTC", () => {
    expect(timeTicks(T0, T0 + 7 * 24 * HOUR, 7, "UTC")[0]?.label).toMatch(/^\d{1,2} Dec$/);
    expect(timeTicks(T0, T0, 5, "UTC")).toEqual([]);
    expect(timeTicks(T0, T0 - HOUR, 5, "UTC")).toEqual([]);
    expect(timeTicks(Number.NaN, T0, 5, "UTC")).toEqual([]);
    expect(timeTicks(T0, T0 + HOUR, 4, "Not/AZone")[0]?.label).toBe("12:00");
  });
  it("a huge range still yields a handful of ticks", () => {
    const t = timeTicks(0, 1e13, 5, "UTC");
    expect(t.length).toBeGreaterThan(0);
    expect(t.length).toBeLessThanOrEqual(12);
  });
});
