import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor.ts";
import { FirebreakError } from "@/lib/api/errors.ts";
import { parseDuration, resolveWindow } from "@/lib/api/time-window.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");

describe("parseDuration", () => {
  it.each([
    ["1h", 3_600_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
    ["90m", 5_400_000],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "0h", "1w", "h", "-1h", "1.5h", "99999d", "1h "])("refuses %j", (text) => expect(parseDuration(text)).toBeNull());
});

describe("resolveWindow", () => {
  it("defaults to the last 24 hours", () => {
    expect(resolveWindow({}, NOW)).toEqual({ from: new Date("2026-11-20T12:00:00Z"), to: NOW });
  });

  it("takes a window ending at `to`, or an explicit from/to", () => {
    expect(resolveWindow({ window: "1h", to: "2026-11-21T10:00:00Z" }, NOW).from).toEqual(new Date("2026-11-21T09:00:00Z"));
    expect(resolveWindow({ from: "2026-11-21T00:00:00+02:00", to: "2026-11-21T01:00:00Z" }, NOW)).toEqual({
      from: new Date("2026-11-20T22:00:00Z"),
      to: new Date("2026-11-21T01:00:00Z"),
    });
  });

  it.each([
    [{ window: "1h", from: "2026-11-21T00:00:00Z" }, /either `window` or `from`/],
    [{ from: "2026-11-21T12:00:00Z" }, /before `to`/],
    [{ from: "2026-11-22T00:00:00Z", to: "2026-11-21T00:00:00Z" }, /before `to`/],
    [{ from: "2020-01-01T00:00:00Z" }, /366 days/],
    [{ window: "weekly" }, /length like/],
  ])("400s on %j", (input, message) => {
    let err: unknown;
    try {
      resolveWindow(input, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FirebreakError);
    expect((err as FirebreakError).status).toBe(400);
    expect((err as Error).message).toMatch(message);
  });
});

describe("cursor", () => {
  it("round-trips a position and is opaque base64url", () => {
    const c = encodeCursor({ ts: "2026-11-21T12:00:00.123Z", seq: "9007199254740993" });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual({ ts: "2026-11-21T12:00:00.123Z", seq: "9007199254740993" });
  });

  it.each(["", "!!!", Buffer.from("null").toString("base64url"), Buffer.from('{"t":"yesterday","s":"1"}').toString("base64url"), Buffer.from('{"t":"2026-11-21T12:00:00Z","s":"1; DROP"}').toString("base64url")])(
    "rejects %j with a message about nextCursor",
    (c) => {
      expect(() => decodeCursor(c)).toThrow(/nextCursor/);
    },
  );
});
