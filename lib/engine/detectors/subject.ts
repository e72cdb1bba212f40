/**
 * What a record is about: the first short string field at the top of its
 * payload, without spaces (`sku: "A-100"`, `symbol: "AAA"`, `ticket:
 * "T-124"`); null where it has none. The engine splits a loop's series by it
 * (feedback_loop) and asks whether a record is about what its inputs were
 * (subject_mismatch).
 */
export function subjectOf(payload: unknown): { field: string; value: string } | null {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  for (const [field, value] of Object.entries(payload)) if (typeof value === "string" && value.length > 0 && value.length <= 64 && !/\s/.test(value)) return { field, value };
  return null;
}
