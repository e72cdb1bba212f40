import { ApprovalIdParams, DecisionBody } from "@/lib/api/approval-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { denyRequest } from "@/lib/approvals/approval-service.ts";
import { approvalDeps } from "@/lib/approvals/server-deps.ts";

// POST /api/v1/approvals/:id/deny — an on-call denies with a reason; the guard refuses the action
export const POST = route({ auth: "oncall", params: ApprovalIdParams, body: DecisionBody }, ({ params, body, principal }) =>
  denyRequest(approvalDeps(projectOf(principal)), params.id, principal, body.reason),
);
