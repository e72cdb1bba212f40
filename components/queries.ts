import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { AgentsSummaryResponse, EdgesResponse, RecordsPage } from "@/lib/api/views.ts";
import type { WindowKey } from "@/lib/view/window.ts";
import { apiGet } from "./api-client.ts";

// One queryOptions factory per resource: components share keys and fetchers
// through these, never by spelling a key twice.

export const agentsSummaryQuery = (window: WindowKey) =>
  queryOptions({
    queryKey: ["agents-summary", { window }],
    queryFn: ({ signal }) => apiGet(`/api/v1/agents/summary?window=${encodeURIComponent(window)}`, AgentsSummaryResponse, signal),
  });

export const edgesQuery = (window: WindowKey) =>
  queryOptions({
    queryKey: ["edges", { window }],
    queryFn: ({ signal }) => apiGet(`/api/v1/edges?window=${encodeURIComponent(window)}`, EdgesResponse, signal),
  });

export interface RecordFilters {
  agent?: string | undefined;
  kind?: string | undefined;
  verdict?: string | undefined;
  intent?: string | undefined;
}

export const recordsQuery = (filters: RecordFilters, limit = 50) =>
  infiniteQueryOptions({
    queryKey: ["records", filters, limit],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v !== "") params.set(k, v);
      params.set("limit", String(limit));
      if (pageParam) params.set("cursor", pageParam);
      return apiGet(`/api/v1/records?${params.toString()}`, RecordsPage, signal);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
