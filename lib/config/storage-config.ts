import { z } from "zod";
import { RETENTION_DAYS } from "../storage/partition-plan.ts";

// The storage maintainer's settings, from the environment.
//
// FIREBREAK_STORAGE              on | off: whether this process maintains partitions and retention; default on
// FIREBREAK_RETENTION_DAYS       days a project keeps records and spans unless project_retention says otherwise; default 30
// FIREBREAK_PARTITIONS_AHEAD     week partitions (Monday to Monday, UTC) created after this week's; default 1
// FIREBREAK_STORAGE_INTERVAL_MS  time between maintenance passes; default 5 minutes
// FIREBREAK_TALLY_MERGE_MS       time between merges of the per-minute record counts; default 10 seconds
export const StorageEnv = z.object({
  FIREBREAK_STORAGE: z.enum(["on", "off"]).default("on"),
  FIREBREAK_RETENTION_DAYS: z.coerce.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max).default(30),
  FIREBREAK_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(13).default(1),
  FIREBREAK_STORAGE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  FIREBREAK_TALLY_MERGE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
});

export interface StorageConfig {
  enabled: boolean;
  retentionDays: number;
  /** Weeks ahead. */
  ahead: number;
  intervalMs: number;
  /** Between merges of record_tallies' deltas (lib/db/record-tallies.ts). */
  tallyMergeMs: number;
}

export function storageConfig(env: Record<string, string | undefined> = process.env): StorageConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in StorageEnv.shape && v !== undefined && v.trim() !== ""));
  const parsed = StorageEnv.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid storage configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    enabled: c.FIREBREAK_STORAGE === "on",
    retentionDays: c.FIREBREAK_RETENTION_DAYS,
    ahead: c.FIREBREAK_PARTITIONS_AHEAD,
    intervalMs: c.FIREBREAK_STORAGE_INTERVAL_MS,
    tallyMergeMs: c.FIREBREAK_TALLY_MERGE_MS,
  };
}
