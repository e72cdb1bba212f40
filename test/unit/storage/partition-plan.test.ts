import { describe, expect, it } from "vitest";
import { DAY_MS, WEEK_MS, nonceKeepMs, parsePartitionName, partitionFate, partitionName, utcDay, utcWeek, wantedWeeks, weekBounds } from "@/lib/storage/partition-plan.ts";

const D = Date.UTC(2026, 11, 6); // a Sunday
const MON = Date.UTC(2026, 10, 30); // the Monday of its week

describe("partition names and bounds", () => {
  it("starts weeks on Monday 00:00 UTC", () => {
    expect(utcWeek(D + 23 * 3_600_000)).toBe(MON);
    expect(utcWeek(MON)).toBe(MON);
    expect(utcWeek(MON - 1)).toBe(MON - WEEK_MS);
    expect(new Date(utcWeek(0)).toISOString()).toBe("1969-12-29T00:00:00.000Z");
    expect(utcDay(D - 1)).toBe(D - DAY_MS);
  });

  it("names a week after its Monday and reads the name back, refusing anything else", () => {
    expect(partitionName("records", D + 23 * 3_600_000)).toBe("records_p20261130");
    expect(partitionName("spans", MON)).toBe("spans_p20261130");
    expect(parsePartitionName("records", "records_p20261130")).toBe(MON);
    // A day that is no Monday is not a week partition (a leftover day partition, say).
    expect(parsePartitionName("records", "records_p20261206")).toBeNull();
    expect(parsePartitionName("records", "records_default")).toBeNull();
    expect(parsePartitionName("records", "spans_p20261130")).toBeNull();
    expect(parsePartitionName("spans", "spans_p20261332")).toBeNull();
  });

  it("bounds records by ts and spans by start_ns, a whole week each", () => {
    expect(weekBounds("records", D + 5)).toEqual({ from: "'2026-11-30T00:00:00.000Z'", to: "'2026-12-07T00:00:00.000Z'" });
    const s = weekBounds("spans", D);
    expect(BigInt(s.to) - BigInt(s.from)).toBe(BigInt(WEEK_MS) * 1_000_000n);
    expect(s.from).toBe(`${BigInt(MON) * 1_000_000n}`);
  });

  it("wants the week holding yesterday through the weeks ahead", () => {
    expect(wantedWeeks(D + 1000, 1)).toEqual([MON, MON + WEEK_MS]);
    // On a Monday, yesterday is last week: late arrivals still have a partition.
    expect(wantedWeeks(MON + 1000, 1)).toEqual([MON - WEEK_MS, MON, MON + WEEK_MS]);
    expect(wantedWeeks(D, 0)).toEqual([MON]);
  });

  it("keeps 30 days of retention plus a week ahead in a handful of partitions", () => {
    const weeks = new Set(Array.from({ length: 31 }, (_, i) => utcWeek(D - i * DAY_MS)));
    for (const w of wantedWeeks(D, 1)) weeks.add(w);
    expect(weeks.size).toBeLessThanOrEqual(7);
  });
});

describe("partitionFate", () => {
  const policy = (defaultDays: number, own: [string, number][] = []) => ({ defaultDays, byProject: new Map(own) });
  const now = D + 12 * 3_600_000;

  it("keeps a week inside every retention", () => {
    expect(partitionFate(utcWeek(D - 20 * DAY_MS), now, policy(30))).toBe("keep");
  });

  it("drops a week whose last instant is past every project's retention", () => {
    // Week of 2026-10-26 ends 2026-11-02, before the cut-off 2026-11-06 12:00.
    expect(partitionFate(Date.UTC(2026, 9, 26), now, policy(30))).toBe("drop");
    // The week straddling the cut-off still has rows inside retention: thinned, not dropped.
    expect(partitionFate(Date.UTC(2026, 10, 2), now, policy(30))).toBe("delete_expired");
    expect(partitionFate(utcWeek(D - 30 * DAY_MS), now, policy(30))).toBe("delete_expired");
  });

  it("thins a week when one project keeps longer than another", () => {
    expect(partitionFate(utcWeek(D - 40 * DAY_MS), now, policy(30, [["audit-heavy", 90]]))).toBe("delete_expired");
    expect(partitionFate(utcWeek(D - 40 * DAY_MS), now, policy(30, [["short", 7]]))).toBe("drop");
    expect(partitionFate(utcWeek(D - 10 * DAY_MS), now, policy(30, [["short", 7]]))).toBe("delete_expired");
  });
});

describe("nonceKeepMs", () => {
  it("outlasts the window in which a replay could still pass the skew check", () => {
    // Stored at most skew ahead of its first sighting, refused as stale once skew behind the clock.
    expect(nonceKeepMs(300_000)).toBeGreaterThan(2 * 300_000);
    expect(nonceKeepMs(300_000, 0)).toBe(600_000);
  });
});
