import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams, ResolveIncidentBody } from "@/lib/api/incident-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { resolveIncident } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/resolve — close it, saying how it was dealt with
export const POST = route({ auth: "analyst", params: IncidentIdParams, body: ResolveIncidentBody }, ({ params, body, principal }) =>
  resolveIncident(pool(), projectOf(principal), params.id, actorOf(principal), body.reason),
);
