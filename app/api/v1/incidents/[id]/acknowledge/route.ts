import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { acknowledgeIncident } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/acknowledge — an analyst is on it; from now on it is never merged
export const POST = route({ auth: "analyst", params: IncidentIdParams }, ({ params, principal }) =>
  acknowledgeIncident(pool(), projectOf(principal), params.id, actorOf(principal)),
);
