import { route } from "@/lib/api/handler.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { acknowledgeIncident } from "@/lib/engine/incidents/incident-actions.ts";

// POST /api/v1/incidents/:id/acknowledge — an analyst is on it; from now on it is never merged
export const POST = route({ auth: "analyst", params: IncidentIdParams }, ({ params, principal }) =>
  acknowledgeIncident(pool(), params.id, actorOf(principal)),
);
