import { route } from "@/lib/api/handler.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { apiPool } from "@/lib/db/incident-store.ts";
import { acknowledgeIncident, actorOf } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/acknowledge — an analyst is on it; from now on it is never merged
export const POST = route({ auth: "write", params: IncidentIdParams }, ({ params, principal }) =>
  acknowledgeIncident(apiPool(), params.id, actorOf(principal)),
);
