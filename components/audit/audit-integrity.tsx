"use client";

import { useQuery } from "@tanstack/react-query";
import { formatTimestamp } from "@/lib/view/format.ts";
import { CheckIcon, CrossIcon, RefreshIcon } from "../ui/icons.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { browserTimeZone } from "../ui/use-now.ts";
import { auditVerifyQuery } from "./audit-queries.ts";

/** The whole-log check, at the top of the screen: intact, or the first problem in words. */
export function AuditIntegrity() {
  // The check walks the whole chain: on demand, not on a timer.
  const q = useQuery({ ...auditVerifyQuery(), refetchInterval: false });
  if (q.isPending) return <LoadingRows label="Checking the audit log" rows={1} />;
  if (q.isError) return <ErrorState title="Could not check the audit log" error={q.error} onRetry={() => void q.refetch()} />;
  const v = q.data;
  const zone = browserTimeZone();
  const recheck = (
    <button
      type="button"
      onClick={() => void q.refetch()}
      disabled={q.isFetching}
      className="inline-flex shrink-0 items-center gap-1.5 rounded-lg border border-line bg-panel px-2.5 py-1 text-sm text-muted hover:bg-raised hover:text-fg disabled:opacity-60"
    >
      <RefreshIcon className={q.isFetching ? "animate-spin" : ""} />
      Check again
    </button>
  );
  return (
    <section
      aria-label="Audit log integrity"
      data-testid="audit-integrity"
      data-intact={v.intact ? "true" : "false"}
      className={`flex flex-wrap items-start gap-3 rounded-xl border px-5 py-4 ${v.intact ? "border-ok/40 bg-ok-soft" : "border-bad/40 bg-bad-soft"}`}
    >
      {v.intact ? <CheckIcon className="mt-0.5 shrink-0 text-ok" /> : <CrossIcon className="mt-0.5 shrink-0 text-bad" />}
      <div className="min-w-0 flex-1">
        <p className={`font-semibold ${v.intact ? "text-ok" : "text-bad"}`}>{v.intact ? "Audit log intact" : "Audit log NOT intact"}</p>
        {v.intact ? (
          <p className="mt-0.5 text-sm text-fg">
            {v.entries.toLocaleString("en")} entries chained, {v.checkpoints.toLocaleString("en")} signed checkpoint{v.checkpoints === 1 ? "" : "s"}
            {v.lastCheckpoint ? `; last checkpoint ${formatTimestamp(v.lastCheckpoint.at, zone)} at entry ${v.lastCheckpoint.seq}` : "; no checkpoint signed yet"}
            {v.unsigned > 0 ? `; ${v.unsigned} newer entr${v.unsigned === 1 ? "y is" : "ies are"} chained, not yet signed` : ""}.
          </p>
        ) : (
          <p className="mt-0.5 break-words text-sm text-fg" data-testid="audit-problem">
            {v.problem?.message}
          </p>
        )}
        <p className="mt-1 text-xs text-muted">
          Checked {formatTimestamp(v.checkedAt, zone)} against instance key <span className="font-mono">{v.keyId}</span>. Auditors can re-check offline with{" "}
          <code className="font-mono">npm run audit:verify</code>.
        </p>
      </div>
      {recheck}
    </section>
  );
}
