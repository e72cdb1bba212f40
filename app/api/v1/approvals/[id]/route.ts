import { ApprovalGetQuery, ApprovalIdParams } from "@/lib/api/approval-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { getApproval } from "@/lib/approvals/approval-service.ts";
import { approvalDeps } from "@/lib/approvals/server-deps.ts";

// GET /api/v1/approvals/:id — one request; ?wait=25 long-polls while it is pending, ?context=true adds chain, lineage and findings
export const GET = route({ auth: "viewer", params: ApprovalIdParams, query: ApprovalGetQuery }, ({ params, query, request, principal }) =>
  getApproval(approvalDeps(projectOf(principal)), params.id, query.wait, query.context === "true", request.signal),
);
