// Walk bounds as they arrive from outside (a query string, a request body):
// parsed at the boundary, so the walk only ever sees numbers it can use.
import { z } from "zod";
import type { WalkBounds } from "./walk.ts";

const instant = z.union([z.iso.datetime({ offset: true }), z.date()]).transform((v) => new Date(v).getTime());

export const LineageBoundsQuery = z
  .object({
    maxDepth: z.coerce.number().int().min(0).max(100_000).optional(),
    maxNodes: z.coerce.number().int().min(1).max(1_000_000).optional(),
    from: instant.optional(),
    to: instant.optional(),
    budgetMs: z.coerce.number().int().min(1).max(300_000).optional(),
  })
  .refine((b) => b.from === undefined || b.to === undefined || b.from <= b.to, { message: "from must not be after to", path: ["from"] });
export type LineageBoundsQuery = z.infer<typeof LineageBoundsQuery>;

export function toWalkBounds(q: LineageBoundsQuery): WalkBounds {
  const out: WalkBounds = {};
  if (q.maxDepth !== undefined) out.maxDepth = q.maxDepth;
  if (q.maxNodes !== undefined) out.maxNodes = q.maxNodes;
  if (q.from !== undefined) out.from = q.from;
  if (q.to !== undefined) out.to = q.to;
  if (q.budgetMs !== undefined) out.budgetMs = q.budgetMs;
  return out;
}
