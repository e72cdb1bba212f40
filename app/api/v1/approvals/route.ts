import { ApprovalsQuery, FileApprovalBody } from "@/lib/api/approval-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { fileApproval, listQueue } from "@/lib/approvals/approval-service.ts";
import { approvalDeps } from "@/lib/approvals/server-deps.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";

// GET /api/v1/approvals — the queue: pending first (soonest expiry first), then decided ones
export const GET = route({ auth: "viewer", query: ApprovalsQuery }, ({ query, principal }) => listQueue(approvalDeps(projectOf(principal)), query));

// POST /api/v1/approvals — a guard files a held red action and then waits on GET /api/v1/approvals/{id}?wait=25
export const POST = route({ auth: "analyst", body: FileApprovalBody }, async ({ body, principal }) => created(await fileApproval(approvalDeps(projectOf(principal)), body, actorOf(principal))));
