"use client";

import type { ReactNode } from "react";
import type { UseInfiniteQueryResult, InfiniteData } from "@tanstack/react-query";
import { ListIcon, RefreshIcon } from "./icons.tsx";
import { Panel } from "./panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "./states.tsx";

export interface PagedListWords {
  /** "Loading records" */
  loading: string;
  /** "Could not load the records" */
  failed: string;
  /** Shown when nothing matches the filters in force. */
  noMatch: string;
  /** Shown when there is nothing at all yet, with what will fill the list. */
  none: { title: string; body: string };
  /** The count under the table: (n) => "3 records shown". */
  shown: (n: number) => string;
  /** "End of the list" */
  end: string;
}

// The frame every paged list shares (records, audit entries): refresh on
// demand, the loading, failed and empty states, and "Load more" at the foot.
// The table itself stays with each list.
export function PagedListPanel<T>({
  id,
  title,
  description,
  query,
  filtered,
  words,
  children,
}: {
  id: string;
  title: string;
  description: string;
  query: UseInfiniteQueryResult<InfiniteData<{ items: T[] }>>;
  filtered: boolean;
  words: PagedListWords;
  children: (items: T[]) => ReactNode;
}) {
  const q = query;
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Panel
      id={id}
      title={title}
      description={description}
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
        <LoadingRows label={words.loading} rows={6} />
      ) : q.isError ? (
        <ErrorState title={words.failed} error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? words.noMatch : words.none.title} icon={<ListIcon />}>
          {filtered ? "Clear a filter to widen the search." : words.none.body}
        </EmptyState>
      ) : (
        <>
          {children(items)}
          <div className="flex items-center justify-between px-5 py-3 text-sm text-muted">
            <span>{words.shown(items.length)}</span>
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
              <span>{words.end}</span>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}

/** True when any filter is set. */
export function anyFilterSet(filters: object): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== "");
}
