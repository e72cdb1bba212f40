import { describe, expect, it } from "vitest";
import { storageConfig } from "@/lib/config/storage-config.ts";

describe("storageConfig", () => {
  it("defaults to 30 days of retention, 1 week of partitions ahead, a pass every 5 minutes, a merge of the counts every 10 s", () => {
    expect(storageConfig({})).toEqual({ enabled: true, retentionDays: 30, ahead: 1, intervalMs: 300_000, tallyMergeMs: 10_000 });
  });

  it("reads the environment, blank values meaning unset", () => {
    expect(storageConfig({ FIREBREAK_STORAGE: "off", FIREBREAK_RETENTION_DAYS: "90", FIREBREAK_PARTITIONS_AHEAD: " ", PATH: "/bin" })).toEqual({
      enabled: false,
      retentionDays: 90,
      ahead: 1,
      intervalMs: 300_000,
      tallyMergeMs: 10_000,
    });
  });

  it("counts partitions ahead in weeks and refuses more than a quarter, naming the setting", () => {
    expect(storageConfig({ FIREBREAK_PARTITIONS_AHEAD: "4" }).ahead).toBe(4);
    expect(() => storageConfig({ FIREBREAK_PARTITIONS_AHEAD: "14" })).toThrow(/FIREBREAK_PARTITIONS_AHEAD/);
  });

  it("reads the merge interval and refuses one under 100 ms, naming the setting", () => {
    expect(storageConfig({ FIREBREAK_TALLY_MERGE_MS: "2500" }).tallyMergeMs).toBe(2_500);
    expect(() => storageConfig({ FIREBREAK_TALLY_MERGE_MS: "50" })).toThrow(/FIREBREAK_TALLY_MERGE_MS/);
  });

  it("refuses a retention of zero days and names the setting", () => {
    expect(() => storageConfig({ FIREBREAK_RETENTION_DAYS: "0" })).toThrow(/FIREBREAK_RETENTION_DAYS/);
  });
});
