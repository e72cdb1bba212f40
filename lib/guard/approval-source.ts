// Settles one held red action from an ApprovalSource's answer. An approval
// record is trusted only after the guard checks it as it checks a relayed
// one: the signature verifies against the registry, the signer is an
// approver, and the record answers exactly this request (approvalMatches,
// inside ApprovalBook.approve). A server that says "approved" without a
// record that passes those checks has approved nothing.
import type { RegistrySnapshot } from "../registry/types.ts";
import { combineVerdicts, isVerified } from "../verify/combine.ts";
import { checkIdentityAndSignature } from "../verify/identity.ts";
import type { ApprovalBook, ApprovalOutcome, ApprovalRequest, ApprovalSource } from "./approvals.ts";
import type { RegistrySource } from "./registry-source.ts";

/** Why an approval record does not hold, or null when it does. */
export function approvalRecordProblem(outcome: Extract<ApprovalOutcome, { decision: "approved" }>, registry: RegistrySnapshot): string | null {
  const rec = outcome.record;
  if (rec.kind !== "approval") return `the source sent a ${rec.kind} record, not an approval`;
  const signer = registry.agents.get(rec.agent);
  if (signer === undefined) return `the approval was signed by ${rec.agent}, which this guard's registry does not know`;
  if (signer.kind !== "approver") return `the approval was signed by ${rec.agent}, registered as ${signer.kind}, not approver`;
  // Approvals can be older than the skew window when they arrive, so only who signed them is checked.
  const verdicts = combineVerdicts(checkIdentityAndSignature(rec, registry), { allowUnattested: registry.allowUnattested });
  if (!isVerified(verdicts)) return `the approval record did not verify: ${verdicts.map((v) => (v.detail ? `${v.verdict} (${v.detail})` : v.verdict)).join("; ")}`;
  return null;
}

type Refreshable = RegistrySource & { refresh?: () => Promise<void> };

export function settleFromSource(source: ApprovalSource, request: ApprovalRequest, book: ApprovalBook, registry: Refreshable, signal: AbortSignal): void {
  void (async () => {
    let outcome: ApprovalOutcome;
    try {
      outcome = await source.decide(request, signal);
    } catch (err) {
      outcome = { decision: "unreachable", reason: `the approval source failed: ${(err as Error).message}` };
    }
    if (signal.aborted) return;
    switch (outcome.decision) {
      case "approved": {
        let problem = approvalRecordProblem(outcome, registry.current());
        // A principal registered moments ago (the server's approver on first use) may be missing from a cached registry.
        if (problem !== null && registry.refresh !== undefined && !registry.current().agents.has(outcome.record.agent)) {
          await registry.refresh().catch(() => {});
          problem = approvalRecordProblem(outcome, registry.current());
        }
        if (problem !== null) book.close(request.action, "unreachable", problem);
        else if (!book.approve(outcome.record)) book.close(request.action, "unreachable", "the approval record does not answer this request (another action, agent, name, arguments or root)");
        return;
      }
      case "denied":
        book.deny(request.action, outcome.by, outcome.reason);
        return;
      case "expired":
        book.close(request.action, "expire", outcome.reason);
        return;
      case "unreachable":
        book.close(request.action, "unreachable", `${outcome.reason}; red actions fail closed`);
        return;
    }
  })();
}
