// Which week partitions records and spans have, and what retention does to
// each: pure functions, the SQL is in lib/db/partitions.ts.
// docs/adr/0016-partitioned-storage.md says why weeks, and why the signed time.

export const PARTITIONED_TABLES = ["records", "spans"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
// 1970-01-01 was a Thursday: Monday 1969-12-29 is three days before the epoch.
const MONDAY_OFFSET_MS = 3 * DAY_MS;

/** Start of the UTC day holding `ms`. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** Monday 00:00 UTC of the ISO week holding `ms`. */
export const utcWeek = (ms: number): number => Math.floor((ms + MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS - MONDAY_OFFSET_MS;

const yyyymmdd = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10).replaceAll("-", "");

/** `records_p20261130`: the partition of the week starting Monday 2026-11-30 (UTC). */
export function partitionName(table: PartitionedTable, ms: number): string {
  return `${table}_p${yyyymmdd(utcWeek(ms))}`;
}

/** Rows whose time falls in no week partition (a wild timestamp, a week already dropped). */
export const defaultPartitionName = (table: PartitionedTable): string => `${table}_default`;

/** The Monday a partition name stands for, or null for any other name (a day that is no Monday included). */
export function parsePartitionName(table: PartitionedTable, name: string): number | null {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return partitionName(table, ms) === name ? ms : null;
}

/**
 * The bound literals of one week's partition: records are keyed by ts
 * (timestamptz), spans by start_ns (nanoseconds since the epoch, bigint).
 */
export function weekBounds(table: PartitionedTable, ms: number): { from: string; to: string } {
  const start = utcWeek(ms);
  if (table === "spans") return { from: `${BigInt(start) * 1_000_000n}`, to: `${BigInt(start + WEEK_MS) * 1_000_000n}` };
  return { from: `'${new Date(start).toISOString()}'`, to: `'${new Date(start + WEEK_MS).toISOString()}'` };
}

/**
 * Weeks that must have a partition at `nowMs`: the week holding yesterday
 * (late arrivals, on a Monday the week before) through `ahead` weeks after
 * this one.
 */
export function wantedWeeks(nowMs: number, ahead: number): number[] {
  const first = utcWeek(nowMs - DAY_MS);
  const last = utcWeek(nowMs) + ahead * WEEK_MS;
  return Array.from({ length: (last - first) / WEEK_MS + 1 }, (_, i) => first + i * WEEK_MS);
}

/**
 * The retention periods a project may have, in days: the project_retention
 * table's CHECK and FIREBREAK_RETENTION_DAYS say the same. Ten years is the
 * longest audit period we know of; below one day retention would race the
 * engine and the incident grouping that read the records.
 */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

export interface RetentionPolicy {
  /** Days kept for a project with no setting of its own. */
  defaultDays: number;
  /** Projects with a setting of their own (project_retention). */
  byProject: ReadonlyMap<string, number>;
}

/**
 * Judged per project per day of row time, on whole weeks:
 * - drop: every row of the week is past every project's retention; the
 *   partition goes whole, unless it holds evidence of an incident still
 *   open or not yet exported (then its expired rows go one by one instead);
 * - delete_expired: some project's retention has passed for some of its rows;
 *   those rows go in bounded batches;
 * - keep: no project's retention reaches into the week.
 */
export type PartitionFate = "drop" | "delete_expired" | "keep";

export function partitionFate(weekMs: number, nowMs: number, policy: RetentionPolicy): PartitionFate {
  const days = [policy.defaultDays, ...policy.byProject.values()];
  const longest = Math.max(...days);
  const shortest = Math.min(...days);
  const start = utcWeek(weekMs);
  if (start + WEEK_MS <= nowMs - longest * DAY_MS) return "drop";
  if (start < nowMs - shortest * DAY_MS) return "delete_expired";
  return "keep";
}

/**
 * How long nonces are kept. A record older than the skew window is judged
 * `stale` before its nonce is looked at, so a replay of it gains nothing from
 * a forgotten nonce: nonces can go once they are older than the window plus
 * a margin for clocks and queues.
 */
export function nonceKeepMs(skewMs: number, marginMs = 3_600_000): number {
  return 2 * skewMs + marginMs;
}
