import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { IncidentIdParams } from "@/lib/api/incident-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { incidentReportPdf } from "@/lib/reports/report-exports.ts";

// GET /api/v1/incidents/:id/report.pdf — the incident report for an auditor (audited)
export const GET = route({ auth: "analyst", params: IncidentIdParams }, ({ params, principal }) => incidentReportPdf(pool(), projectOf(principal), params.id, actorOf(principal)));
