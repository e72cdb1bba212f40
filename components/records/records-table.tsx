"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { recordsQuery, type RecordFilters } from "../queries.ts";
import { ArrowRightIcon, ListIcon, RefreshIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { VerdictChip } from "../ui/verdict-chip.tsx";

export function RecordsTable({ filters }: { filters: RecordFilters }) {
  // Paged lists refresh on demand: refetching every loaded page every few seconds would be most of the server's work.
  const q = useInfiniteQuery({ ...recordsQuery(filters), refetchInterval: false });
  const now = useNow();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== "");
  return (
    <Panel
      id="records"
      title="Records"
      description="Newest first by the record's own timestamp. Failed records are kept as evidence."
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
        <LoadingRows label="Loading records" rows={6} />
      ) : q.isError ? (
        <ErrorState title="Could not load the records" error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? "No records match these filters" : "No records yet"} icon={<ListIcon />}>
          {filtered ? "Clear a filter to widen the search." : "Records appear here as agents send them to the collector — see the README."}
        </EmptyState>
      ) : (
        <>
          <Table label="Records">
            <thead>
              <tr>
                <Th>Time</Th>
                <Th>Kind</Th>
                <Th>Sender → receivers</Th>
                <Th>Intent</Th>
                <Th>Verdicts</Th>
                <Th>Record id</Th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.seq} data-record={r.id} className="hover:bg-raised/60">
                  <Td>
                    <TimeCell iso={r.timestamp} now={now} />
                  </Td>
                  <Td className="whitespace-nowrap font-mono text-xs">{r.kind}</Td>
                  <Td>
                    <span className="inline-flex flex-wrap items-center gap-1.5 font-mono text-sm">
                      <span className="font-medium">{r.agent}</span>
                      {r.receivers.length > 0 ? (
                        <>
                          <ArrowRightIcon className="shrink-0 text-muted" />
                          <span className="sr-only">to</span>
                          <span>{r.receivers.join(", ")}</span>
                        </>
                      ) : null}
                    </span>
                  </Td>
                  <Td className="font-mono text-xs">{r.intent ?? <span className="text-muted">—</span>}</Td>
                  <Td>
                    <span className="flex flex-wrap gap-1">
                      {r.verdictDetails.map((v) => (
                        <span key={`${v.verdict}:${v.detail ?? ""}`} title={v.detail}>
                          <VerdictChip verdict={v.verdict} />
                        </span>
                      ))}
                    </span>
                  </Td>
                  <Td className="max-w-48 truncate font-mono text-xs text-muted" title={r.id}>
                    <Link href={`/traces/${r.traceId}?span=${r.spanId}`} className="text-accent underline-offset-2 hover:underline" aria-label={`${r.id}: open in its trace`}>
                      {r.id}
                    </Link>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className="flex items-center justify-between px-5 py-3 text-sm text-muted">
            <span>
              {items.length} record{items.length === 1 ? "" : "s"} shown
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
              <span>End of the list</span>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}
