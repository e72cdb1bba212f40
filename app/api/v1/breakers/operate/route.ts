import { BreakerOperationBody } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { actorOf, operateEdgeBreaker } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// POST /api/v1/breakers/operate — kill switch, release, dry run, enforce, review or reset one edge's breaker
export const POST = route({ auth: "oncall", body: BreakerOperationBody }, ({ body, principal }) => operateEdgeBreaker(pool(), projectOf(principal), body, actorOf(principal)));
