import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { RecordIdParams } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { getRecord } from "@/lib/db/records-query.ts";

// GET /api/v1/records/:id — every stored record with that firebreak id
export const GET = route({ auth: "viewer", params: RecordIdParams }, ({ params, principal }) => getRecord(db(), projectOf(principal), params.id));
