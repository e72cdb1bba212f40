import { RecordMarkBody, RecordMarksQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf, addRecordMark, recordMarks } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/marks/records — records analysts marked suspect
export const GET = route({ auth: "viewer", query: RecordMarksQuery }, ({ query, principal }) => recordMarks(pool(), projectOf(principal), query));

// POST /api/v1/marks/records — mark a stored record suspect
export const POST = route({ auth: "analyst", body: RecordMarkBody }, async ({ body, principal }) => created(await addRecordMark(pool(), projectOf(principal), body, actorOf(principal))));
