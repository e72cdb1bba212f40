// Prepare, then draw: the waterfall's labels and tones, as pure functions.
import { formatTimestamp, verdictTone, type Tone } from "@/lib/view/format.ts";

const TONE_RANK: Record<Tone, number> = { bad: 4, warn: 3, info: 2, ok: 1, neutral: 0 };

/** The verdict a row shows: the worst one (a failure before a doubt before waiting), ties in stored order. */
export function worstVerdict(verdicts: readonly string[]): string | null {
  let best: string | null = null;
  for (const v of verdicts) if (best === null || TONE_RANK[verdictTone(v)] > TONE_RANK[verdictTone(best)]) best = v;
  return best;
}

/** A span bar's tone: a record's worst verdict, else an error status, else neutral. */
export function spanTone(status: number, verdicts: readonly string[] | null): Tone {
  const worst = verdicts ? worstVerdict(verdicts) : null;
  if (worst !== null) return verdictTone(worst);
  return status === 2 ? "bad" : "neutral";
}

/** Nanoseconds since the epoch (decimal string) plus an offset -> milliseconds since the epoch. */
export function nsToMs(baseNs: string, offsetNs = 0): number {
  let base: bigint;
  try {
    base = BigInt(baseNs);
  } catch {
    return Number.NaN;
  }
  return Number(base / 1_000_000n) + Number(base % 1_000_000n) / 1e6 + offsetNs / 1e6;
}

/** "2026-11-21 12:00:00.123 UTC" in the given IANA zone: spans need milliseconds, and the zone is always written. */
export function formatInstantMs(ms: number, timeZone: string): string {
  if (!Number.isFinite(ms)) return "—";
  // Zone offsets are whole seconds, so the millisecond digits are the same in every zone.
  const millis = String(((Math.floor(ms) % 1000) + 1000) % 1000).padStart(3, "0");
  return formatTimestamp(new Date(ms).toISOString(), timeZone).replace(/^(\S+ \d\d:\d\d:\d\d)/, `$1.${millis}`);
}

/** A payload for reading: pretty JSON when it parses, else the text as it came. */
export function prettyPayload(text: string | null): { text: string; json: boolean } {
  if (text === null) return { text: "(no payload)", json: false };
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

/** An attribute value as one line of text. */
export function attributeText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export const STATUS_LABELS: Record<number, string> = { 0: "unset", 1: "ok", 2: "error" };
