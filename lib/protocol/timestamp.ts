// firebreak.timestamp is RFC 3339 in UTC ("Z"), e.g. 2026-11-21T12:00:00.000Z.
// Emitters write milliseconds; readers accept 0 to 9 fraction digits so that a
// microsecond clock is not an error. Offsets other than Z are refused: the
// string is signed as sent, and one spelling per instant keeps it comparable.

const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Milliseconds since the epoch, or null when `text` is not an RFC 3339 UTC timestamp of a real instant. */
export function parseTimestamp(text: string): number | null {
  const m = RFC3339_UTC.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Leap second 60 is refused: Date cannot represent it and no emitter we know writes it.
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  const back = new Date(t);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return t;
}

/** The emitted form: UTC with milliseconds. */
export function formatTimestamp(at: Date | number): string {
  return new Date(at).toISOString();
}
