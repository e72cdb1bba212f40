"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApprovalView } from "@/lib/api/approval-views.ts";
import { formatCountdown } from "@/lib/view/approval-format.ts";
import { apiRequest } from "../api-client.ts";
import { CheckIcon, ClockIcon, CrossIcon } from "../ui/icons.tsx";

/**
 * Approve or deny, always with a reason (it goes into the audit trail and,
 * for an approval, into the signed record). The buttons stay disabled until
 * the cooling-off delay has passed, with the time left shown on them.
 */
export function DecisionForm({ id, untilDecidable }: { id: string; untilDecidable: number }) {
  const client = useQueryClient();
  const [reason, setReason] = useState("");
  const decide = useMutation({
    mutationFn: (decision: "approve" | "deny") => apiRequest("POST", `/api/v1/approvals/${encodeURIComponent(id)}/${decision}`, ApprovalView, { body: { reason } }),
    onSuccess: async () => {
      setReason("");
      await Promise.all([client.invalidateQueries({ queryKey: ["approvals"] }), client.invalidateQueries({ queryKey: ["approval", id] })]);
    },
  });
  const tooEarly = untilDecidable > 0;
  const short = reason.trim().length < 3;
  const disabled = tooEarly || short || decide.isPending;
  return (
    <form className="flex flex-col gap-3" onSubmit={(e) => e.preventDefault()} aria-label="Decision">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Reason <span className="font-normal text-muted">(required; kept in the audit trail and, for an approval, in the signed record)</span>
        <textarea
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={3}
          maxLength={2000}
          placeholder="What you checked and why you decided so"
          className="rounded-md border border-line bg-panel px-3 py-2 font-normal focus:outline-2 focus:outline-accent"
        />
      </label>
      {tooEarly ? (
        <p className="flex items-center gap-1.5 text-sm text-warn" role="status">
          <ClockIcon /> A decision is allowed in {formatCountdown(untilDecidable)}: read the chain and the lineage meanwhile.
        </p>
      ) : short ? (
        <p className="text-sm text-muted">Write a reason to enable the buttons.</p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={disabled}
          onClick={() => decide.mutate("approve")}
          className="inline-flex items-center gap-1.5 rounded-md bg-ok px-3 py-1.5 text-sm font-semibold text-white disabled:cursor-not-allowed disabled:opacity-50"
        >
          <CheckIcon /> Approve
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => decide.mutate("deny")}
          className="inline-flex items-center gap-1.5 rounded-md bg-bad px-3 py-1.5 text-sm font-semibold text-white disabled:cursor-not-allowed disabled:opacity-50"
        >
          <CrossIcon /> Deny
        </button>
      </div>
      {decide.isError ? (
        <p role="alert" className="rounded-md border border-bad/40 bg-bad-soft px-3 py-2 text-sm text-bad">
          {decide.error.message}
        </p>
      ) : null}
    </form>
  );
}
