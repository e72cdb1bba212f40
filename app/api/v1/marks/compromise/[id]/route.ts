import { MarkIdParams } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { actorOf, compromiseMark, withdrawCompromiseMark } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/marks/compromise/:id — one compromise mark
export const GET = route({ auth: "viewer", params: MarkIdParams }, ({ params, principal }) => compromiseMark(pool(), projectOf(principal), params.id));

// DELETE /api/v1/marks/compromise/:id — withdraw a mark made in error
export const DELETE = route({ auth: "analyst", params: MarkIdParams }, ({ params, principal }) => withdrawCompromiseMark(pool(), projectOf(principal), params.id, actorOf(principal)));
