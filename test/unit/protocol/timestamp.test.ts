import { describe, expect, it } from "vitest";
import { formatTimestamp, parseTimestamp } from "@/lib/protocol/timestamp.ts";

describe("parseTimestamp", () => {
  it.each([
    ["2026-11-21T12:00:00.000Z", Date.UTC(2026, 10, 21, 12)],
    ["2026-11-21T12:00:00Z", Date.UTC(2026, 10, 21, 12)],
    ["2026-11-21T12:00:00.5Z", Date.UTC(2026, 10, 21, 12, 0, 0, 500)],
    ["2026-11-21T12:00:00.123456789Z", Date.UTC(2026, 10, 21, 12, 0, 0, 123)],
    ["2024-02-29T23:59:59.999Z", Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
  ])("reads %s", (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each([
    "2026-11-21T12:00:00.000+00:00",
    "2026-11-21T12:00:00.000+01:00",
    "2026-11-21T12:00:00.000",
    "2026-11-21 12:00:00.000Z",
    "2026-11-21t12:00:00.000z",
    "2026-11-21T12:00:00.Z",
    "2026-11-21T12:00:00.1234567890Z",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-11-21T24:00:00Z",
    "2026-11-21T12:60:00Z",
    "2026-11-21T12:00:60Z",
    "1764000000000",
    "",
    " 2026-11-21T12:00:00Z",
  ])("refuses %j", (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe("formatTimestamp", () => {
  it("writes UTC with milliseconds and reads back", () => {
    const text = formatTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(text).toBe("2026-01-02T03:04:05.006Z");
    expect(parseTimestamp(text)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  });
});
