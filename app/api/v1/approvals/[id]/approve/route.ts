import { ApprovalIdParams, DecisionBody } from "@/lib/api/approval-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { approveRequest } from "@/lib/approvals/approval-service.ts";
import { decisionDeps } from "@/lib/approvals/server-deps.ts";

// POST /api/v1/approvals/:id/approve — an on-call approves with a reason; the server signs the approval record
export const POST = route({ auth: "oncall", params: ApprovalIdParams, body: DecisionBody }, ({ params, body, principal }) =>
  approveRequest(decisionDeps(projectOf(principal)), params.id, principal, body.reason),
);
