import { BreakerEventsQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { breakerEvents } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/breakers/events — breaker transitions, newest first
export const GET = route({ auth: "viewer", query: BreakerEventsQuery }, ({ query }) => breakerEvents(pool(), query));
