import { describe, expect, it } from "vitest";
import { VERDICTS } from "@/lib/protocol/record.ts";
import {
  failureEntries,
  formatCount,
  formatPercent,
  formatRelativeTime,
  formatTimestamp,
  shareTone,
  shareWidth,
  verdictLabel,
  verdictTone,
} from "@/lib/view/format.ts";

describe("verdictLabel", () => {
  it("has a human label for every verdict of the protocol", () => {
    for (const v of VERDICTS) {
      expect(verdictLabel(v)).not.toMatch(/_/);
      expect(verdictLabel(v).length).toBeGreaterThan(2);
    }
    expect(verdictLabel("bad_signature")).toBe("Bad signature");
  });

  it("humanizes verdicts it does not know instead of hiding them", () => {
    expect(verdictLabel("quantum_forgery")).toBe("Quantum forgery");
    expect(verdictLabel("")).toBe("Unknown verdict");
    expect(verdictLabel("___")).toBe("Unknown verdict");
  });
});

describe("verdictTone", () => {
  it("is ok only for verified, info for pending, and bad for unknown names", () => {
    expect(verdictTone("verified")).toBe("ok");
    expect(verdictTone("pending")).toBe("info");
    expect(verdictTone("stale")).toBe("warn");
    expect(verdictTone("unattested_agent")).toBe("warn");
    expect(verdictTone("bad_signature")).toBe("bad");
    expect(verdictTone("replay")).toBe("bad");
    expect(verdictTone("something_new")).toBe("bad");
  });
});

describe("failureEntries", () => {
  it("drops verified and zero counts, sorts by count then name", () => {
    expect(failureEntries({ verified: 10, replay: 1, bad_signature: 3, stale: 1, unsigned: 0 })).toEqual([
      { verdict: "bad_signature", count: 3 },
      { verdict: "replay", count: 1 },
      { verdict: "stale", count: 1 },
    ]);
  });

  it("handles empty and non-finite input", () => {
    expect(failureEntries({})).toEqual([]);
    expect(failureEntries({ replay: Number.NaN, stale: Number.POSITIVE_INFINITY })).toEqual([]);
  });
});

describe("formatPercent", () => {
  it.each([
    [1, "100%"],
    [0, "0%"],
    [0.8, "80%"],
    [5 / 6, "83%"],
    [2 / 3, "67%"],
    [0.995, "99.5%"],
    [199 / 200, "99.5%"],
    [0.99999, "99.9%"],
    [0.004, "<1%"],
    [0.011, "1%"],
  ])("%s -> %s", (share, text) => {
    expect(formatPercent(share)).toBe(text);
  });

  it("never claims 100% or 0% unless exact", () => {
    expect(formatPercent(1 - 1e-9)).not.toBe("100%");
    expect(formatPercent(1e-9)).not.toBe("0%");
  });

  it("shows a dash for no data and clamps out-of-range values", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(undefined)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
    expect(formatPercent(1.5)).toBe("100%");
    expect(formatPercent(-0.2)).toBe("0%");
  });
});

describe("shareWidth and shareTone", () => {
  it("maps shares to [0, 100] and tones", () => {
    expect(shareWidth(0.25)).toBe(25);
    expect(shareWidth(2)).toBe(100);
    expect(shareWidth(-1)).toBe(0);
    expect(shareWidth(null)).toBe(0);
    expect(shareWidth(Number.NaN)).toBe(0);
    expect(shareTone(1)).toBe("ok");
    expect(shareTone(0.97)).toBe("warn");
    expect(shareTone(0.5)).toBe("bad");
    expect(shareTone(null)).toBe("neutral");
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it.each([
    ["2026-11-21T11:59:55Z", "just now"],
    ["2026-11-21T11:59:30Z", "30 seconds ago"],
    ["2026-11-21T11:57:00Z", "3 minutes ago"],
    ["2026-11-21T09:00:00Z", "3 hours ago"],
    ["2026-11-20T12:00:00Z", "yesterday"],
    ["2026-11-07T12:00:00Z", "2 weeks ago"],
    ["2024-11-21T12:00:00Z", "2 years ago"],
    ["2026-11-21T12:02:00Z", "in 2 minutes"],
  ])("%s -> %s", (iso, text) => {
    expect(formatRelativeTime(iso, now)).toBe(text);
  });

  it("says never or unknown rather than NaN", () => {
    expect(formatRelativeTime(null, now)).toBe("never");
    expect(formatRelativeTime("not a date", now)).toBe("unknown time");
  });
});

describe("formatTimestamp", () => {
  it("formats in the given zone with its name", () => {
    expect(formatTimestamp("2026-11-21T23:12:04.120Z", "UTC")).toBe("2026-11-21 23:12:04 UTC");
    expect(formatTimestamp("2026-11-21T23:12:04Z", "America/New_York")).toBe("2026-11-21 18:12:04 EST");
    expect(formatTimestamp("2026-07-01T00:00:00Z", "America/New_York")).toBe("2026-06-30 20:00:00 EDT");
    expect(formatTimestamp("2026-11-21T00:30:00Z", "Asia/Kolkata")).toBe("2026-11-21 06:00:00 GMT+5:30");
  });

  it("falls back to UTC for an unknown zone and a dash for bad input", () => {
    expect(formatTimestamp("2026-11-21T23:12:04Z", "Mars/Olympus")).toBe("2026-11-21 23:12:04 UTC");
    expect(formatTimestamp("nope", "UTC")).toBe("—");
    expect(formatTimestamp(null, "UTC")).toBe("—");
  });

  it("uses 00 for midnight, not 24", () => {
    expect(formatTimestamp("2026-11-21T00:00:00Z", "UTC")).toBe("2026-11-21 00:00:00 UTC");
  });
});

describe("formatCount", () => {
  it("groups thousands and refuses NaN", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(Number.NaN)).toBe("—");
  });
});

describe("formatRelativeTime across unit boundaries", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("truncates short units and rounds months and years", () => {
    expect(formatRelativeTime("2026-11-21T10:00:01Z", now)).toBe("1 hour ago");
    expect(formatRelativeTime("2026-11-21T11:00:00Z", now)).toBe("1 hour ago");
    expect(formatRelativeTime("2026-11-14T12:00:00Z", now)).toBe("last week");
    expect(formatRelativeTime("2026-09-21T12:00:00Z", now)).toBe("2 months ago");
    expect(formatRelativeTime("2025-11-21T12:00:00Z", now)).toBe("last year");
  });
});
