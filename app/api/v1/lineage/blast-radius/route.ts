import { LineageRecordQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { blastRadiusOfRecord } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/lineage/blast-radius — everything downstream of a record, and how much of it is tainted
export const GET = route({ auth: "viewer", query: LineageRecordQuery }, ({ query, principal }) => blastRadiusOfRecord(pool(), projectOf(principal), query));
