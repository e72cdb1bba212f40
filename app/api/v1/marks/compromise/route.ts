import { CompromiseMarkBody, CompromiseMarksQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf, addCompromiseMark, compromiseMarks } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/marks/compromise — agents and keys marked compromised
export const GET = route({ auth: "viewer", query: CompromiseMarksQuery }, ({ query, principal }) => compromiseMarks(pool(), projectOf(principal), query));

// POST /api/v1/marks/compromise — mark an agent (or one key) compromised from a time on
export const POST = route({ auth: "analyst", body: CompromiseMarkBody }, async ({ body, principal }) =>
  created(await addCompromiseMark(pool(), projectOf(principal), body, actorOf(principal))),
);
