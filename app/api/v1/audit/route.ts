import { AuditQuery } from "@/lib/api/audit-views.ts";
import { route } from "@/lib/api/handler.ts";
import { auditPage } from "@/lib/audit/audit-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/audit — the audit trail, newest first, filtered by actor, action, target and time
export const GET = route({ auth: "viewer", query: AuditQuery }, ({ query }) => auditPage(pool(), query));
