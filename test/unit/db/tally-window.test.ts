import { describe, expect, it } from "vitest";
import { SqlParams, tallyWindow } from "@/lib/db/record-tallies.ts";

const at = (iso: string) => new Date(iso);

describe("tallyWindow", () => {
  it("reads the whole minutes from the tallies and the partial ones at each end from the records", () => {
    const w = tallyWindow(at("2026-12-07T10:00:30.250Z"), at("2026-12-07T11:00:30.250Z"));
    expect(w.midFrom.toISOString()).toBe("2026-12-07T10:01:00.000Z");
    expect(w.midTo.toISOString()).toBe("2026-12-07T11:00:00.000Z");
  });

  it("leaves no partial minute when both ends fall on minutes", () => {
    const w = tallyWindow(at("2026-12-07T10:00:00.000Z"), at("2026-12-07T11:00:00.000Z"));
    expect([w.midFrom.toISOString(), w.midTo.toISOString()]).toEqual(["2026-12-07T10:00:00.000Z", "2026-12-07T11:00:00.000Z"]);
  });

  it("reads all of a window with no whole minute from the records: inside one minute, or across one boundary", () => {
    for (const [from, to] of [
      ["2026-12-07T10:00:10.000Z", "2026-12-07T10:00:50.000Z"],
      ["2026-12-07T10:00:10.000Z", "2026-12-07T10:01:50.000Z"],
      ["2026-12-07T10:00:10.000Z", "2026-12-07T10:00:10.000Z"],
    ] as const) {
      const w = tallyWindow(at(from), at(to));
      expect(w.midFrom.getTime(), `${from} ${to}`).toBe(w.midTo.getTime());
      expect(w.midFrom.toISOString()).toBe(from);
    }
  });

  it("has an empty tally range for a window that ends before it starts", () => {
    const w = tallyWindow(at("2026-12-07T11:00:00.000Z"), at("2026-12-07T10:00:00.000Z"));
    expect(w.midFrom.getTime()).toBe(w.midTo.getTime());
  });
});

describe("SqlParams", () => {
  it("numbers placeholders after the ones it starts with", () => {
    const p = new SqlParams(["project"]);
    expect([p.add(1), p.add("x")]).toEqual(["$2", "$3"]);
    expect(p.values).toEqual(["project", 1, "x"]);
  });
});
