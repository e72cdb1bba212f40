import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { pool } from "@/lib/db/pool.ts";
import { incidentDetail } from "@/lib/engine/incidents/incident-queries.ts";

// GET /api/v1/incidents/:id — the incident, its findings, timeline, agents, notes and related incidents
export const GET = route({ auth: "viewer", params: IncidentIdParams }, ({ params, principal }) => incidentDetail(pool(), projectOf(principal), params.id));
