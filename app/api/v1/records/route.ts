import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { RecordsQuery } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { listRecords } from "@/lib/db/records-query.ts";

// GET /api/v1/records — newest first, filtered, keyset-paginated
export const GET = route({ auth: "viewer", query: RecordsQuery }, ({ query, principal }) => listRecords(db(), projectOf(principal), query));
