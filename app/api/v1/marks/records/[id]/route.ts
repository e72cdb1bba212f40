import { MarkIdParams } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { actorOf, withdrawRecordMark } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// DELETE /api/v1/marks/records/:id — withdraw an analyst's mark
export const DELETE = route({ auth: "analyst", params: MarkIdParams }, ({ params, principal }) => withdrawRecordMark(pool(), projectOf(principal), params.id, actorOf(principal)));
