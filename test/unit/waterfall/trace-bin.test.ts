import { describe, expect, it } from "vitest";
import { traceBin } from "@/lib/api/trace-summary-views.ts";

describe("traceBin", () => {
  it("puts the first instant in the first bin and the last in the last, never past it", () => {
    expect(traceBin(0n, 999n, 10)).toBe(0);
    expect(traceBin(999n, 999n, 10)).toBe(9);
    expect(traceBin(99n, 999n, 10)).toBe(0);
    expect(traceBin(100n, 999n, 10)).toBe(1);
  });

  it("splits a trace into equal slices of (duration + 1) / bins", () => {
    const counts = new Array<number>(7).fill(0);
    for (let t = 0n; t <= 699n; t++) counts[traceBin(t, 699n, 7)]!++;
    expect(counts).toEqual([100, 100, 100, 100, 100, 100, 100]);
  });

  it("handles a trace of one instant, more bins than nanoseconds, and a single bin", () => {
    expect(traceBin(0n, 0n, 240)).toBe(0);
    expect([0n, 1n, 2n].map((t) => traceBin(t, 2n, 240))).toEqual([0, 80, 160]);
    expect(traceBin(123n, 1_000n, 1)).toBe(0);
  });

  it("stays exact for offsets beyond a double's integer range (traces longer than 104 days)", () => {
    const day = 86_400n * 1_000_000_000n;
    const duration = 400n * day;
    expect(traceBin(duration, duration, 2_000)).toBe(1_999);
    expect(traceBin(duration / 2n, duration, 2_000)).toBe(999);
    expect(traceBin(duration / 2n + 1n, duration, 2_000)).toBe(1_000);
  });

  it("clamps offsets outside the trace and a bin count of zero", () => {
    expect(traceBin(-5n, 100n, 10)).toBe(0);
    expect(traceBin(500n, 100n, 10)).toBe(9);
    expect(traceBin(50n, 100n, 0)).toBe(0);
    expect(traceBin(0n, -1n, 10)).toBe(0);
  });
});
