import { describe, expect, it } from "vitest";
import { checkSkew } from "@/lib/verify/skew.ts";
import { FIXTURE_NOW, makeRecord } from "@/test/fixtures/records.ts";

const at = (ms: number): string => new Date(ms).toISOString();

describe("checkSkew", () => {
  it("accepts anything within the window, edges included", () => {
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW - 300_000) }), FIXTURE_NOW)).toEqual([]);
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW + 300_000) }), FIXTURE_NOW)).toEqual([]);
  });

  it("flags stale and future with how far off the clock is", () => {
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW - 300_001) }), FIXTURE_NOW)).toEqual([
      { verdict: "stale", detail: "timestamp is 300.001s behind the collector clock (allowed 300s)" },
    ]);
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW + 3_600_000) }), new Date(FIXTURE_NOW))).toEqual([
      { verdict: "future", detail: "timestamp is 3600s ahead of the collector clock (allowed 300s)" },
    ]);
  });

  it("takes a custom window, zero included", () => {
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW - 1) }), FIXTURE_NOW, 0)[0]?.verdict).toBe("stale");
    expect(checkSkew(makeRecord({ timestamp: at(FIXTURE_NOW) }), FIXTURE_NOW, 0)).toEqual([]);
  });

  it("calls an unreadable timestamp stale rather than trusting it", () => {
    expect(checkSkew(makeRecord({ timestamp: "yesterday" }), FIXTURE_NOW)[0]?.verdict).toBe("stale");
  });
});
