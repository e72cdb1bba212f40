// How the admin screen shows and reads a retention period.

/** "7 days", "1 day". */
export function daysLabel(days: number): string {
  return `${days} day${days === 1 ? "" : "s"}`;
}

/**
 * What the retention field sends: a number when the text reads as one, else
 * the text as typed, so the server's message (the allowed range) answers
 * it. Never NaN, which JSON would turn into null, and null means "back to
 * the default": a typo must not quietly reset a project's period.
 */
export function retentionInput(text: string): number | string {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : text;
}
