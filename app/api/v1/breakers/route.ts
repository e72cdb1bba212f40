import { BreakersQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { breakers } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/breakers — the current state of every edge's breaker
export const GET = route({ auth: "viewer", query: BreakersQuery }, ({ query, principal }) => breakers(pool(), projectOf(principal), query));
