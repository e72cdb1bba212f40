import { StateOriginQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { stateOriginOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/lineage/state-origin — the origin of the version of a state key current at a time
export const GET = route({ auth: "viewer", query: StateOriginQuery }, ({ query, principal }) => stateOriginOf(pool(), projectOf(principal), query));
