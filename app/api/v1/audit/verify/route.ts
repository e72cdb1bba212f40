import { route } from "@/lib/api/handler.ts";
import { verifyAuditNow } from "@/lib/audit/audit-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/audit/verify — checks the whole chain and every signed checkpoint; intact, or the first problem
export const GET = route({ auth: "viewer" }, () => verifyAuditNow(pool()));
