import { describe, expect, it } from "vitest";
import { approvalClock, approvalStatusLook, formatCountdown, prettyJson, requestText } from "@/lib/view/approval-format.ts";

describe("approval format", () => {
  it("gives every state a tone and a word", () => {
    expect(["pending", "approved", "denied", "expired"].map((s) => [approvalStatusLook(s).tone, approvalStatusLook(s).label])).toEqual([
      ["warn", "Waiting"],
      ["ok", "Approved"],
      ["bad", "Denied"],
      ["neutral", "Expired"],
    ]);
    expect(approvalStatusLook("weird").label).toBe("weird");
  });

  it("counts down in words, never below now", () => {
    expect(formatCountdown(845_000)).toBe("14 min 05 s");
    expect(formatCountdown(41_200)).toBe("42 s");
    expect(formatCountdown(3 * 3_600_000 + 60_000)).toBe("3 h 01 min");
    expect(formatCountdown(0)).toBe("now");
    expect(formatCountdown(-5)).toBe("now");
    expect(formatCountdown(Number.NaN)).toBe("now");
  });

  it("counts on the server's clock, corrected by the offset seen", () => {
    const a = { requestedAt: "2026-12-05T03:00:00.000Z", decidableAt: "2026-12-05T03:00:10.000Z", expiresAt: "2026-12-05T03:15:00.000Z" };
    const client = Date.parse("2026-12-05T03:00:04.000Z");
    // The browser runs 60 s slow: the server is at 03:01:04.
    expect(approvalClock(a, client, 60_000)).toEqual({ untilDecidable: 0, untilExpiry: 836_000, elapsed: 64 / 900 });
    expect(approvalClock(a, client, 0).untilDecidable).toBe(6_000);
    expect(approvalClock(a, Date.parse("2026-12-05T04:00:00.000Z"), 0)).toMatchObject({ untilExpiry: 0, elapsed: 1 });
  });

  it("reads request text and pretty-prints arguments", () => {
    expect(requestText('{"text":"restock A-1"}')).toBe("restock A-1");
    expect(requestText('{"sku":"A-1"}')).toBe('{\n  "sku": "A-1"\n}');
    expect(requestText("not json")).toBe("not json");
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
  });
});
