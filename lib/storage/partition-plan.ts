// Which day partitions records and spans have, and what retention does to
// each: pure functions, the SQL is in lib/db/partitions.ts.
// docs/adr/0016-partitioned-storage.md says why days, and why the signed time.

export const PARTITIONED_TABLES = ["records", "spans"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export const DAY_MS = 86_400_000;

/** Start of the UTC day holding `ms`. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

const yyyymmdd = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10).replaceAll("-", "");

/** `records_p20261206`: the partition of one UTC day. */
export function partitionName(table: PartitionedTable, dayMs: number): string {
  return `${table}_p${yyyymmdd(utcDay(dayMs))}`;
}

/** Rows whose time falls in no day partition (a wild timestamp, a day already dropped). */
export const defaultPartitionName = (table: PartitionedTable): string => `${table}_default`;

/** The day a partition name stands for, or null for any other name. */
export function parsePartitionName(table: PartitionedTable, name: string): number | null {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return partitionName(table, ms) === name ? ms : null;
}

/**
 * The bound literals of one day's partition: records are keyed by ts
 * (timestamptz), spans by start_ns (nanoseconds since the epoch, bigint).
 */
export function dayBounds(table: PartitionedTable, dayMs: number): { from: string; to: string } {
  const start = utcDay(dayMs);
  if (table === "spans") return { from: `${BigInt(start) * 1_000_000n}`, to: `${BigInt(start + DAY_MS) * 1_000_000n}` };
  return { from: `'${new Date(start).toISOString()}'`, to: `'${new Date(start + DAY_MS).toISOString()}'` };
}

/** Days that must have a partition at `nowMs`: yesterday (late arrivals) through `ahead` days ahead. */
export function wantedDays(nowMs: number, ahead: number): number[] {
  const today = utcDay(nowMs);
  return Array.from({ length: ahead + 2 }, (_, i) => today + (i - 1) * DAY_MS);
}

export interface RetentionPolicy {
  /** Days kept for a project with no setting of its own. */
  defaultDays: number;
  /** Projects with a setting of their own (project_retention). */
  byProject: ReadonlyMap<string, number>;
}

/**
 * - drop: every row of the day is past every project's retention; the
 *   partition goes whole, unless it holds evidence of an incident still
 *   open or not yet exported (then its expired rows go one by one instead);
 * - delete_expired: some project's retention has passed for some of its rows;
 *   those rows go in bounded batches;
 * - keep: no project's retention reaches into the day.
 */
export type PartitionFate = "drop" | "delete_expired" | "keep";

export function partitionFate(dayMs: number, nowMs: number, policy: RetentionPolicy): PartitionFate {
  const days = [policy.defaultDays, ...policy.byProject.values()];
  const longest = Math.max(...days);
  const shortest = Math.min(...days);
  if (dayMs + DAY_MS <= nowMs - longest * DAY_MS) return "drop";
  if (dayMs < nowMs - shortest * DAY_MS) return "delete_expired";
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
