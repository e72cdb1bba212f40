import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { AgentsSummaryResponse, EdgesResponse, RecordsPage } from "@/lib/api/views.ts";
import type { z } from "zod";
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

/**
 * A list the API pages with `limit` and an opaque `cursor` (records, audit
 * entries): the filters that are set become query parameters, and each page
 * names the cursor of the next.
 */
export function cursorPagesQuery<S extends z.ZodType<{ nextCursor: string | null }>>(
  key: string,
  path: string,
  filters: Record<string, string | undefined>,
  limit: number,
  schema: S,
) {
  return infiniteQueryOptions({
    queryKey: [key, filters, limit],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v !== "") params.set(k, v);
      params.set("limit", String(limit));
      if (pageParam) params.set("cursor", pageParam);
      return apiGet(`${path}?${params.toString()}`, schema, signal);
    },
    getNextPageParam: (last: z.output<S>) => last.nextCursor,
  });
}

export const recordsQuery = (filters: RecordFilters, limit = 50) => cursorPagesQuery("records", "/api/v1/records", { ...filters }, limit, RecordsPage);
