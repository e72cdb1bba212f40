// Shared shaping of the per-verdict counts the summary queries return.
import { z } from "zod";

const Counts = z.record(z.string(), z.number().int().nonnegative());

/** jsonb_object_agg output -> { verdict: count }; anything odd reads as no counts. */
export function verdictCounts(value: unknown): Record<string, number> {
  const parsed = Counts.safeParse(value ?? {});
  return parsed.success ? parsed.data : {};
}

export function share(part: number, total: number): number | null {
  return total > 0 ? part / total : null;
}
