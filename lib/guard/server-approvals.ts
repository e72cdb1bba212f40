// The Firebreak server's approval queue as a guard's ApprovalSource: file
// the held action (POST /api/v1/approvals), then long-poll its decision
// (GET /api/v1/approvals/{id}?wait=25) until an on-call decides or it
// expires. A few failed calls in a row mean the server cannot be heard from,
// and the action is refused: red actions fail closed. docs/guard.md.
import { z } from "zod";
import type { WireRecord } from "../protocol/record.ts";
import type { ApprovalOutcome, ApprovalRequest, ApprovalSource } from "./approvals.ts";
import { RelayedRecord } from "./policy.ts";

export interface ServerApprovalsOptions {
  /** Firebreak's base URL, e.g. http://firebreak:3000 */
  baseUrl: string;
  /** A token that may file approval requests (FIREBREAK_TOKEN). */
  token: string;
  /** Long-poll length, seconds (the server allows up to 25). */
  waitS?: number;
  /** Failed calls in a row before the action is refused as unreachable. Default 3. */
  maxFailures?: number;
  /** Pause after a failed call, ms. Default 1000. */
  retryMs?: number;
  /** Told when a request is queued, with its id (for logs, or an auto-approver). */
  onFiled?: (filed: FiledApproval, request: ApprovalRequest) => void;
  fetch?: typeof fetch;
}

/** What the guard reads of the server's answer; the rest is for people. */
const QueueAnswer = z.object({
  id: z.string(),
  status: z.enum(["pending", "approved", "denied", "expired"]),
  decidableAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
  approvalRecord: RelayedRecord.nullable(),
});
export type FiledApproval = z.infer<typeof QueueAnswer>;

class Unreachable extends Error {}

export function serverApprovals(options: ServerApprovalsOptions): ApprovalSource {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchFn = options.fetch ?? fetch;
  const waitS = Math.max(0, Math.min(25, Math.round(options.waitS ?? 25)));
  const maxFailures = options.maxFailures ?? 3;
  const retryMs = options.retryMs ?? 1000;
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/json" };

  async function call(path: string, init: RequestInit, signal: AbortSignal): Promise<FiledApproval> {
    let failures = 0;
    let last = "";
    for (;;) {
      if (signal.aborted) throw new Unreachable("the guard stopped waiting");
      try {
        const res = await fetchFn(`${base}${path}`, { ...init, headers: { ...headers, ...(init.body ? { "content-type": "application/json" } : {}) }, signal });
        const body: unknown = await res.json().catch(() => null);
        if (res.ok) {
          const parsed = QueueAnswer.safeParse(body);
          if (parsed.success) return parsed.data;
          throw new Unreachable(`the server's answer to ${path} has an unexpected shape`);
        }
        const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
        last = `${res.status}${typeof message === "string" ? `: ${message}` : ""}`;
        // A client error will not get better by asking again.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Unreachable(`the approval queue refused the request (${last})`);
      } catch (err) {
        if (err instanceof Unreachable) throw err;
        if (signal.aborted) throw new Unreachable("the guard stopped waiting");
        last = (err as Error).message;
      }
      failures++;
      if (failures >= maxFailures) throw new Unreachable(`the approval queue at ${base} did not answer ${failures} times in a row (${last})`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  return {
    async decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalOutcome> {
      try {
        let answer = await call("/api/v1/approvals", { method: "POST", body: JSON.stringify(request) }, signal);
        options.onFiled?.(answer, request);
        while (answer.status === "pending") {
          answer = await call(`/api/v1/approvals/${encodeURIComponent(answer.id)}?wait=${waitS}`, { method: "GET" }, signal);
        }
        return outcomeOf(answer);
      } catch (err) {
        return { decision: "unreachable", reason: (err as Error).message };
      }
    },
  };
}

function outcomeOf(answer: FiledApproval): ApprovalOutcome {
  switch (answer.status) {
    case "approved":
      if (answer.approvalRecord === null) return { decision: "unreachable", reason: `approval ${answer.id} is approved but came without its record` };
      return { decision: "approved", record: answer.approvalRecord as WireRecord };
    case "denied":
      return { decision: "denied", by: answer.decidedBy ?? "an on-call", reason: answer.reason ?? "no reason given" };
    default:
      return { decision: "expired", reason: `nobody decided on approval ${answer.id} before ${answer.expiresAt}` };
  }
}
