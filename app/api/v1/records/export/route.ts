import { RecordsExportQuery } from "@/lib/api/export-params.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { db } from "@/lib/db/client.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { exportRecords } from "@/lib/db/records-export.ts";

// GET /api/v1/records/export — every record matching the list's filters, streamed as CSV or JSON (audited)
export const GET = route({ auth: "analyst", query: RecordsExportQuery }, ({ query, principal }) => exportRecords(db(), pool(), projectOf(principal), query, actorOf(principal)));
