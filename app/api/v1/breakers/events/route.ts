import { BreakerEventsQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { breakerEvents } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/breakers/events — breaker transitions, newest first
export const GET = route({ auth: "viewer", query: BreakerEventsQuery }, ({ query, principal }) => breakerEvents(pool(), projectOf(principal), query));
