import { LineageQuery } from "@/lib/api/containment-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { pool } from "@/lib/db/pool.ts";
import { lineageClearance } from "@/lib/lineage/clearance-query.ts";

// GET /api/v1/control/lineage?records=a,b — may an action descending from these records run (the guard's lineage gate)?
export const GET = route({ auth: "viewer", query: LineageQuery }, ({ query, principal }) => lineageClearance(pool(), projectOf(principal), query.records));
