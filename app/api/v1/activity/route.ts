import { ActivityQuery } from "@/lib/api/fleet-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { activity } from "@/lib/db/fleet-query.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/activity — one agent's or one edge's records, verdicts and findings per time bucket
export const GET = route({ auth: "viewer", query: ActivityQuery }, ({ query, principal }) => activity(pool(), projectOf(principal), query));
