import { queryOptions } from "@tanstack/react-query";
import { SpanDetailView, TraceViewForBrowser } from "@/lib/api/trace-views.ts";
import { apiGet } from "../api-client.ts";

// A stored trace changes only when late spans arrive: no live polling of a
// 100,000-span document; the screen has a Refresh button.
export const traceQuery = (traceId: string) =>
  queryOptions({
    queryKey: ["trace", traceId],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}`, TraceViewForBrowser, signal),
    refetchInterval: false,
    refetchOnWindowFocus: false,
    staleTime: 60_000,
  });

export const spanDetailQuery = (traceId: string, spanId: string) =>
  queryOptions({
    queryKey: ["trace", traceId, "span", spanId],
    queryFn: ({ signal }) => apiGet(`/api/v1/traces/${encodeURIComponent(traceId)}/spans/${encodeURIComponent(spanId)}`, SpanDetailView, signal),
    refetchInterval: false,
    staleTime: 30_000,
  });
