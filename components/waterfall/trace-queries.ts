import { queryOptions } from "@tanstack/react-query";
import { SpanDetailView, TraceViewForBrowser, traceHeadUrl } from "@/lib/api/trace-views.ts";
import { apiGet } from "../api-client.ts";

// A stored trace changes only when late spans arrive: no live polling of a
// 100,000-span document; the screen has a Refresh button.
const still = { refetchInterval: false, refetchOnWindowFocus: false, staleTime: 60_000 } as const;

/** The earliest TRACE_HEAD_SPANS spans: what the first screen needs, in a few kilobytes. */
export const traceHeadQuery = (traceId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "head"],
    queryFn: ({ signal }) => apiGet(traceHeadUrl(traceId), TraceViewForBrowser, signal),
    ...still,
  });

/** The whole trace, asked for only when the first window says there is more. */
export const traceQuery = (traceId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "all"],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}`, TraceViewForBrowser, signal),
    ...still,
  });

export const spanDetailQuery = (traceId: string, spanId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "span", spanId],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, SpanDetailView, signal),
    refetchInterval: false,
    staleTime: 30_000,
  });
