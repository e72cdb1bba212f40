import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { incidentReportBundle } from "@/lib/reports/report-exports.ts";

// GET /api/v1/incidents/:id/report.json — the evidence as a signed in-toto statement in a DSSE envelope (audited)
export const GET = route({ auth: "analyst", params: IncidentIdParams }, ({ params, principal }) => incidentReportBundle(pool(), projectOf(principal), params.id, actorOf(principal)));
