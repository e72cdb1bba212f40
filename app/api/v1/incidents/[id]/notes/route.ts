import { route } from "@/lib/api/handler.ts";
import { IncidentIdParams, IncidentNoteBody } from "@/lib/api/incident-views.ts";
import { created } from "@/lib/api/reply.ts";
import { apiPool } from "@/lib/db/incident-store.ts";
import { actorOf, addIncidentNote } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/notes — an analyst's note, signed with who wrote it
export const POST = route({ auth: "write", params: IncidentIdParams, body: IncidentNoteBody }, async ({ params, body, principal }) => {
  const note = await addIncidentNote(apiPool(), params.id, actorOf(principal), body.text);
  return created({ ...note, at: note.at.toISOString() });
});
