"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import type { ApprovalView } from "@/lib/api/approval-views.ts";
import { approvalClock, formatCountdown } from "@/lib/view/approval-format.ts";
import { formatTimestamp } from "@/lib/view/format.ts";
import { ApiError } from "../api-error.ts";
import { ShieldIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { ApprovalDetailView } from "./approval-detail.tsx";
import { approvalQuery, approvalsQuery } from "./approval-queries.ts";
import { ApprovalStatusBadge } from "./approval-status.tsx";

/** Server minus client clock, from an answer and when it arrived. */
const offsetOf = (serverTime: string | undefined, receivedAt: number): number => (serverTime ? Date.parse(serverTime) - receivedAt : 0);

function QueueItem({ a, selected, now, offsetMs, onSelect }: { a: ApprovalView; selected: boolean; now: number; offsetMs: number; onSelect: (id: string) => void }) {
  const clock = approvalClock(a, now, offsetMs);
  const pending = a.status === "pending";
  return (
    <li>
      <button
        type="button"
        onClick={() => onSelect(a.id)}
        aria-current={selected ? "true" : undefined}
        className={`flex w-full flex-col gap-1 border-b border-line px-4 py-3 text-left hover:bg-raised ${selected ? "bg-raised" : ""}`}
      >
        <span className="flex flex-wrap items-center gap-2">
          <ApprovalStatusBadge status={a.status} />
          <span className="font-mono text-sm font-semibold">{a.name}</span>
        </span>
        <span className="truncate text-sm text-muted">{a.agent}</span>
        {pending ? (
          <span className="flex flex-wrap gap-x-3 text-xs tabular-nums">
            <span className={clock.untilExpiry < 120_000 ? "font-semibold text-bad" : "text-fg"}>expires in {formatCountdown(clock.untilExpiry)}</span>
            <span className="text-muted">{clock.untilDecidable > 0 ? `decide in ${formatCountdown(clock.untilDecidable)}` : "can be decided"}</span>
          </span>
        ) : (
          <span className="text-xs text-muted tabular-nums">
            {formatTimestamp(a.decidedAt, browserTimeZone())} · {a.decidedBy ?? "—"}
          </span>
        )}
      </button>
    </li>
  );
}

function Detail({ id, now }: { id: string; now: number }) {
  const q = useQuery(approvalQuery(id));
  if (q.isPending) return <LoadingRows label="Loading the request" rows={6} />;
  if (q.isError) {
    return q.error instanceof ApiError && q.error.status === 404 ? (
      <EmptyState title="No approval request has this id">{q.error.message}</EmptyState>
    ) : (
      <ErrorState title="Could not load the request" error={q.error} onRetry={() => void q.refetch()} />
    );
  }
  return <ApprovalDetailView detail={q.data} now={now} offsetMs={offsetOf(q.data.serverTime, q.dataUpdatedAt)} />;
}

export function ApprovalsScreen() {
  const params = useSearchParams();
  const pathname = usePathname();
  const selected = params.get("id");
  const now = useNow(1_000).getTime();
  const q = useQuery(approvalsQuery());
  const select = useCallback(
    (id: string) => {
      // Next keeps useSearchParams in step with the History API: a selection needs no server round trip, and the URL can go in a ticket.
      window.history.pushState(null, "", `${pathname}?id=${encodeURIComponent(id)}`);
    },
    [pathname],
  );
  const offsetMs = offsetOf(q.data?.approvals[0]?.serverTime, q.dataUpdatedAt);
  const shown = selected ?? q.data?.approvals.find((a) => a.status === "pending")?.id ?? null;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(18rem,24rem)_1fr] lg:items-start">
      <Panel id="queue" title="Queue" description={q.data ? `${q.data.pending} waiting · refreshes every 4 s` : "Red actions held by their guards"}>
        {q.isPending ? (
          <LoadingRows label="Loading the queue" rows={4} />
        ) : q.isError ? (
          <ErrorState title="Could not load the queue" error={q.error} onRetry={() => void q.refetch()} />
        ) : q.data.approvals.length === 0 ? (
          <EmptyState title="Nothing waits for a decision" icon={<ShieldIcon />}>
            When an agent&apos;s guard holds a red action (a large purchase order, a production deploy), it appears here until an on-call approves or denies it.
          </EmptyState>
        ) : (
          <ul aria-label="Approval requests" className="max-h-[70vh] overflow-y-auto">
            {q.data.approvals.map((a) => (
              <QueueItem key={a.id} a={a} selected={a.id === shown} now={now} offsetMs={offsetMs} onSelect={select} />
            ))}
          </ul>
        )}
      </Panel>
      <section aria-label="Request" className="min-w-0 rounded-xl border border-line bg-panel shadow-sm">
        {shown === null ? <EmptyState title="Pick a request from the queue" icon={<ShieldIcon />} /> : <Detail id={shown} now={now} />}
      </section>
    </div>
  );
}
