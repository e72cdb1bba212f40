import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams, IncidentNoteBody } from "@/lib/api/incident-views.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { addIncidentNote } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/notes — an analyst's note, signed with who wrote it
export const POST = route({ auth: "analyst", params: IncidentIdParams, body: IncidentNoteBody }, async ({ params, body, principal }) =>
  created(await addIncidentNote(pool(), projectOf(principal), params.id, actorOf(principal), body.text)),
);
