"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { auditActionLabel } from "@/lib/view/export-href.ts";
import { ListIcon, RefreshIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { auditEntriesQuery, type AuditFilters } from "./audit-queries.ts";

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

export function AuditTable({ filters }: { filters: AuditFilters }) {
  const q = useInfiniteQuery({ ...auditEntriesQuery(filters), refetchInterval: false });
  const now = useNow();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
  return (
    <Panel
      id="audit-entries"
      title="Audit trail"
      description="Every human action, newest first. Each entry's hash covers the one before it."
      actions={
        <button
          type="button"
          onClick={() => void q.refetch()}
          disabled={q.isFetching}
          className="inline-flex items-center gap-1.5 rounded-lg border border-line px-2.5 py-1 text-sm text-muted hover:bg-raised hover:text-fg disabled:opacity-60"
        >
          <RefreshIcon className={q.isFetching ? "animate-spin" : ""} />
          Refresh
        </button>
      }
    >
      {q.isPending ? (
        <LoadingRows label="Loading the audit trail" rows={6} />
      ) : q.isError ? (
        <ErrorState title="Could not load the audit trail" error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? "No entries match these filters" : "No audit entries yet"} icon={<ListIcon />}>
          {filtered ? "Clear a filter to widen the search." : "Sign-ins, kill switches, approvals, notes and exports appear here as people act."}
        </EmptyState>
      ) : (
        <>
          <Table label="Audit entries">
            <thead>
              <tr>
                <Th className="w-16">#</Th>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>What</Th>
                <Th>Target</Th>
                <Th>Detail</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.seq} data-audit-seq={e.seq} className="hover:bg-raised/60">
                  <Td className="font-mono text-xs text-muted tabular-nums">{e.seq}</Td>
                  <Td>
                    <TimeCell iso={e.at} now={now} />
                  </Td>
                  <Td className="whitespace-nowrap font-medium">{e.actor}</Td>
                  <Td>
                    <span className="flex flex-col leading-tight">
                      <span className="text-sm">{auditActionLabel(e.action)}</span>
                      <span className="font-mono text-xs text-muted">{e.action}</span>
                    </span>
                  </Td>
                  <Td className="font-mono text-xs">{e.target || <span className="text-muted">—</span>}</Td>
                  <Td className="max-w-md truncate text-xs text-muted" title={detailText(e.detail)}>
                    {detailText(e.detail) || "—"}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className="flex items-center justify-between px-5 py-3 text-sm text-muted">
            <span>
              {items.length} entr{items.length === 1 ? "y" : "ies"} shown
            </span>
            {q.hasNextPage ? (
              <button
                type="button"
                onClick={() => void q.fetchNextPage()}
                disabled={q.isFetchingNextPage}
                className="rounded-lg border border-line px-3 py-1 font-medium text-fg hover:bg-raised disabled:opacity-60"
              >
                {q.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            ) : (
              <span>End of the trail</span>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}
