import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { TraceSummaryView } from "@/lib/api/trace-summary-views.ts";
import { SpanDetailView, TraceViewForBrowser, traceHeadUrl, tracePageUrl, type TraceView } from "@/lib/api/trace-views.ts";
import { apiGet } from "../api-client.ts";
import { nextTraceCursor } from "./trace-pages.ts";

// A stored trace changes only when late spans arrive: no live polling of a
// 100,000-span document; the screen has a Refresh button.
const still = { refetchInterval: false, refetchOnWindowFocus: false, staleTime: 60_000 } as const;

/**
 * The trace in windows: the earliest TRACE_HEAD_SPANS spans first (`first`,
 * read by the page on the server, or the URL the page preloads), then
 * TRACE_PAGE_SPANS at a time after the previous window's `next`, asked for as
 * the analyst scrolls (trace-pages.ts joins them). Refresh asks the API for
 * the first window again.
 */
export const traceWindowsQuery = (traceId: string, first?: TraceView) =>
  infiniteQueryOptions({
    ...(first ? { initialData: { pages: [first], pageParams: [null] } } : {}),
    queryKey: ["trace", traceId, "windows"],
    queryFn: ({ signal, pageParam }) => apiGet(pageParam === null ? traceHeadUrl(traceId) : tracePageUrl(traceId, pageParam), TraceViewForBrowser, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => nextTraceCursor(last),
    ...still,
  });

/** The whole trace's counts and minimap marks (a few kilobytes whatever the trace's size): checked in full. */
export const traceSummaryQuery = (traceId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "summary"],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}/summary`, TraceSummaryView, signal),
    ...still,
  });

export const spanDetailQuery = (traceId: string, spanId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "span", spanId],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, SpanDetailView, signal),
    refetchInterval: false,
    staleTime: 30_000,
  });
