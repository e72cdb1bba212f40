// Time labels for the lineage DAG and the incident timeline: short on the
// axis (the zone is written once beside it), full with the zone elsewhere.
import { formatTimestamp } from "@/lib/view/format.ts";

const DAY = 86_400_000;

/**
 * A tick label for an axis spanning `spanMs`: "12:04:05" within a day,
 * "11-21 12:04" across days; `full` gives the whole instant with its zone.
 */
export function axisLabel(t: number, spanMs: number, zone: string, full = false): string {
  if (!Number.isFinite(t)) return "—";
  const stamp = formatTimestamp(new Date(t).toISOString(), zone);
  if (full) return stamp;
  // "2026-11-21 12:04:05 UTC" -> its parts.
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/.exec(stamp);
  if (!m) return stamp;
  return spanMs >= DAY ? `${m[2]}-${m[3]} ${m[4]}:${m[5]}` : `${m[4]}:${m[5]}:${m[6]}`;
}

/** The zone's short name ("UTC", "CET"), for an axis caption. */
export function zoneName(zone: string, at = Date.now()): string {
  return formatTimestamp(new Date(at).toISOString(), zone).split(" ").at(-1) ?? zone;
}
