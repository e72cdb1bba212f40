import { describe, expect, it } from "vitest";
import { DAY_MS, dayBounds, nonceKeepMs, parsePartitionName, partitionFate, partitionName, utcDay, wantedDays } from "@/lib/storage/partition-plan.ts";

const D = Date.UTC(2026, 11, 6);

describe("partition names and bounds", () => {
  it("names a UTC day and reads the name back, refusing anything else", () => {
    expect(partitionName("records", D + 23 * 3_600_000)).toBe("records_p20261206");
    expect(parsePartitionName("records", "records_p20261206")).toBe(D);
    expect(parsePartitionName("records", "records_default")).toBeNull();
    expect(parsePartitionName("records", "spans_p20261206")).toBeNull();
    expect(parsePartitionName("spans", "spans_p20261332")).toBeNull();
  });

  it("bounds records by ts and spans by start_ns, a whole day each", () => {
    expect(dayBounds("records", D + 5)).toEqual({ from: "'2026-12-06T00:00:00.000Z'", to: "'2026-12-07T00:00:00.000Z'" });
    const s = dayBounds("spans", D);
    expect(BigInt(s.to) - BigInt(s.from)).toBe(BigInt(DAY_MS) * 1_000_000n);
    expect(s.from).toBe(`${BigInt(D) * 1_000_000n}`);
  });

  it("wants yesterday through the days ahead", () => {
    expect(wantedDays(D + 1000, 2)).toEqual([D - DAY_MS, D, D + DAY_MS, D + 2 * DAY_MS]);
    expect(utcDay(D - 1)).toBe(D - DAY_MS);
  });
});

describe("partitionFate", () => {
  const policy = (defaultDays: number, own: [string, number][] = []) => ({ defaultDays, byProject: new Map(own) });
  const now = D + 12 * 3_600_000;

  it("keeps a day inside every retention", () => {
    expect(partitionFate(D - 29 * DAY_MS, now, policy(30))).toBe("keep");
  });

  it("drops a day whose last instant is past every project's retention", () => {
    expect(partitionFate(D - 31 * DAY_MS, now, policy(30))).toBe("drop");
    // The day straddling the cut-off still has rows inside it: thinned, not dropped.
    expect(partitionFate(D - 30 * DAY_MS, now, policy(30))).toBe("delete_expired");
  });

  it("thins a day when one project keeps longer than another", () => {
    expect(partitionFate(D - 40 * DAY_MS, now, policy(30, [["audit-heavy", 90]]))).toBe("delete_expired");
    expect(partitionFate(D - 40 * DAY_MS, now, policy(30, [["short", 7]]))).toBe("drop");
    expect(partitionFate(D - 10 * DAY_MS, now, policy(30, [["short", 7]]))).toBe("delete_expired");
  });
});

describe("nonceKeepMs", () => {
  it("outlasts the window in which a replay could still pass the skew check", () => {
    // Stored at most skew ahead of its first sighting, refused as stale once skew behind the clock.
    expect(nonceKeepMs(300_000)).toBeGreaterThan(2 * 300_000);
    expect(nonceKeepMs(300_000, 0)).toBe(600_000);
  });
});
