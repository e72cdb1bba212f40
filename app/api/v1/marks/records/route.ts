import { RecordMarkBody, RecordMarksQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf, addRecordMark, recordMarks } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/marks/records — records analysts marked suspect
export const GET = route({ auth: "viewer", query: RecordMarksQuery }, ({ query }) => recordMarks(pool(), query));

// POST /api/v1/marks/records — mark a stored record suspect
export const POST = route({ auth: "analyst", body: RecordMarkBody }, async ({ body, principal }) => created(await addRecordMark(pool(), body, actorOf(principal))));
