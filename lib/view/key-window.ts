// Whether a registry key may sign now, from its validity window: the words
// an analyst needs beside a key id ("expired 3 days ago" is why a record
// failed with expired_key).
import type { Tone } from "./format.ts";

export type KeyStatus = "valid" | "expired" | "not_yet_valid";

export function keyStatus(notBefore: string | null, notAfter: string | null, now: Date): KeyStatus {
  const t = now.getTime();
  const nb = notBefore === null ? Number.NaN : Date.parse(notBefore);
  const na = notAfter === null ? Number.NaN : Date.parse(notAfter);
  if (!Number.isNaN(na) && t >= na) return "expired";
  if (!Number.isNaN(nb) && t < nb) return "not_yet_valid";
  return "valid";
}

export const KEY_STATUS_STYLES: Record<KeyStatus, { word: string; tone: Tone }> = {
  valid: { word: "Valid now", tone: "ok" },
  expired: { word: "Expired", tone: "bad" },
  not_yet_valid: { word: "Not yet valid", tone: "warn" },
};

/** "from 2026-01-01 until 2027-01-01", open ends said in words. */
export function keyWindowPhrase(notBefore: string | null, notAfter: string | null, format: (iso: string) => string): string {
  if (notBefore === null && notAfter === null) return "no validity window: valid until removed";
  const from = notBefore === null ? "always" : `from ${format(notBefore)}`;
  const until = notAfter === null ? "with no end" : `until ${format(notAfter)}`;
  return `${from} ${until}`;
}
