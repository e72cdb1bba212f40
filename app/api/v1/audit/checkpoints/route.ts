import { route } from "@/lib/api/handler.ts";
import { checkpointNow } from "@/lib/audit/audit-queries.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// POST /api/v1/audit/checkpoints — signs a checkpoint at the newest entry now (they are also written every 5 minutes)
export const POST = route({ auth: "admin" }, ({ principal }) => checkpointNow(pool(), actorOf(principal)));
