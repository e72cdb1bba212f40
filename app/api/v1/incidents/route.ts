import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentsQuery } from "@/lib/api/incident-views.ts";
import { pool } from "@/lib/db/pool.ts";
import { incidentsPage } from "@/lib/engine/incidents/incident-queries.ts";

// GET /api/v1/incidents — open first, then by severity, then by latest activity
export const GET = route({ auth: "viewer", query: IncidentsQuery }, ({ query, principal }) => incidentsPage(pool(), projectOf(principal), query));
