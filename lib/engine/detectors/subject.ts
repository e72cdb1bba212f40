/**
 * What a record is about: the first short string field at the top of its
 * payload, without spaces (`sku: "A-100"`, `symbol: "AAA"`, `ticket:
 * "T-124"`); null where it has none. The engine splits a loop's series by it
 * (feedback_loop) and asks whether a record is about what its inputs were
 * (subject_mismatch).
 */
export function subjectOf(payload: unknown): { field: string; value: string } | null {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  for (const [field, value] of Object.entries(payload)) if (isToken(value)) return { field, value };
  return null;
}

/** A short string without spaces: a SKU, a symbol, a ticket (what names a segment or a subject), not free text. */
export function isToken(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 64 && !/\s/.test(v);
}
