import { TimelineQuery } from "@/lib/api/fleet-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { timeline } from "@/lib/db/fleet-query.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/timeline — findings and breaker transitions in a window, oldest first, for the anomaly timeline
export const GET = route({ auth: "viewer", query: TimelineQuery }, ({ query, principal }) => timeline(pool(), projectOf(principal), query));
