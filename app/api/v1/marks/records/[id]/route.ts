import { MarkIdParams } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { withdrawRecordMark } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// DELETE /api/v1/marks/records/:id — withdraw an analyst's mark
export const DELETE = route({ auth: "analyst", params: MarkIdParams }, ({ params }) => withdrawRecordMark(pool(), params.id));
