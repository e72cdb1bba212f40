import { CompromiseImpactQuery, MarkIdParams } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { impactOfMark } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/marks/compromise/:id/impact — what the mark taints: the records it covers and everything downstream
export const GET = route({ auth: "viewer", params: MarkIdParams, query: CompromiseImpactQuery }, ({ params, query, principal }) => impactOfMark(pool(), projectOf(principal), params.id, query));
