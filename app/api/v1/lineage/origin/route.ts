import { LineageRecordQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { originOfRecord } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/lineage/origin — where the trouble upstream of a record started, the path there, and why
export const GET = route({ auth: "viewer", query: LineageRecordQuery }, ({ query, principal }) => originOfRecord(pool(), projectOf(principal), query));
