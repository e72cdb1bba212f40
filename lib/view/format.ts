// Prepare, then draw: every label, tone and number format the dashboard
// shows is decided here, by pure functions the unit tests call. Components
// only map a tone to classes and an icon.

export type Tone = "ok" | "warn" | "bad" | "info" | "neutral";

const VERDICT_LABELS: Record<string, string> = {
  verified: "Verified",
  unsigned: "Unsigned",
  bad_signature: "Bad signature",
  unknown_agent: "Unknown agent",
  unattested_agent: "Unattested agent",
  unknown_key: "Unknown key",
  expired_key: "Expired key",
  replay: "Replay",
  stale: "Stale",
  future: "From the future",
  unknown_intent: "Unknown intent",
  schema_violation: "Schema violation",
  capability_violation: "Capability violation",
  downgrade: "Downgrade",
  memory_violation: "Memory violation",
  broken_authority: "Broken authority",
  pending: "Pending",
};

/** A verdict name as a person reads it; unknown (newer) verdicts are humanized, never hidden. */
export function verdictLabel(verdict: string): string {
  const known = VERDICT_LABELS[verdict];
  if (known !== undefined) return known;
  const words = verdict.replace(/[_.-]+/g, " ").trim();
  return words === "" ? "Unknown verdict" : words.charAt(0).toUpperCase() + words.slice(1);
}

/** Verdicts that cast doubt (clock, attestation) without failing the record outright. */
export const WARN_VERDICTS: ReadonlySet<string> = new Set(["unattested_agent", "stale", "future"]);

/** verified is ok, waiting is info, clock and attestation doubts warn, everything else failed. */
export function verdictTone(verdict: string): Tone {
  if (verdict === "verified") return "ok";
  if (verdict === "pending") return "info";
  if (WARN_VERDICTS.has(verdict)) return "warn";
  return "bad";
}

/** Verdicts other than `verified` with their counts, most frequent first, ties by name. */
export function failureEntries(byVerdict: Readonly<Record<string, number>>): { verdict: string; count: number }[] {
  return Object.entries(byVerdict)
    .filter(([verdict, count]) => verdict !== "verified" && Number.isFinite(count) && count > 0)
    .map(([verdict, count]) => ({ verdict, count }))
    .sort((a, b) => b.count - a.count || (a.verdict < b.verdict ? -1 : a.verdict > b.verdict ? 1 : 0));
}

/**
 * A share in [0, 1] as a percentage. Never rounds to "100%" or "0%" unless
 * the share is exactly that: 199 of 200 verified is not "all verified".
 */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  const s = Math.min(1, Math.max(0, share));
  if (s === 1) return "100%";
  if (s === 0) return "0%";
  const pct = s * 100;
  if (pct < 1) return "<1%";
  if (pct > 99) return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** Width of a share bar, 0-100, for a CSS percentage. */
export function shareWidth(share: number | null | undefined): number {
  if (share === null || share === undefined || !Number.isFinite(share)) return 0;
  return Math.min(100, Math.max(0, share * 100));
}

/** All verified is ok; a few failures warn; more fail. No records is neutral. */
export function shareTone(share: number | null | undefined): Tone {
  if (share === null || share === undefined || !Number.isFinite(share)) return "neutral";
  if (share >= 1) return "ok";
  if (share >= 0.95) return "warn";
  return "bad";
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? new Intl.NumberFormat("en").format(n) : "—";
}

const DAY = 86_400;
// Largest unit first: [unit, from how many seconds on, seconds per unit, rounding].
// Months and years vary in length, so they start at their shortest (30 and
// 365 days) and are rounded by their mean length: 730 days is "2 years", not
// "last year". Shorter units truncate: "1 hour ago" until two full hours.
const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number, number, "round" | "trunc"][] = [
  ["year", 365 * DAY, 365.2425 * DAY, "round"],
  ["month", 30 * DAY, 30.436875 * DAY, "round"],
  ["week", 7 * DAY, 7 * DAY, "trunc"],
  ["day", DAY, DAY, "trunc"],
  ["hour", 3_600, 3_600, "trunc"],
  ["minute", 60, 60, "trunc"],
  ["second", 1, 1, "trunc"],
];

/** "3 minutes ago", "in 2 minutes" (sender clock ahead), "just now". */
export function formatRelativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "unknown time";
  const seconds = (t - now.getTime()) / 1000;
  if (Math.abs(seconds) < 10) return "just now";
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, from, size, mode] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= from) return rtf.format(Math[mode](seconds / size), unit);
  }
  return "just now";
}

/** "2026-11-21 23:12:04 UTC" in the given IANA zone, with the zone's short name. */
export function formatTimestamp(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    }).formatToParts(new Date(t));
  } catch {
    return formatTimestamp(iso, "UTC");
  }
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")} ${get("timeZoneName")}`;
}
