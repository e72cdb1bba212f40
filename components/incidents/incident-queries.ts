import { infiniteQueryOptions, keepPreviousData, queryOptions } from "@tanstack/react-query";
import { IncidentDetail, IncidentsPage } from "@/lib/api/incident-views.ts";
import { apiGet } from "../api-client.ts";
import { incidentsApiSearch, type IncidentFilters } from "./incidents-url.ts";

// The window's start is computed inside the fetch, not put in the key: a key
// that changed every poll would throw away the pages the analyst scrolled to.
export const incidentsQuery = (filters: IncidentFilters, limit = 50) =>
  infiniteQueryOptions({
    queryKey: ["incidents", filters, limit],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => apiGet(`/api/v1/incidents?${incidentsApiSearch(filters, Date.now(), pageParam, limit)}`, IncidentsPage, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const incidentQuery = (id: string) =>
  queryOptions({
    queryKey: ["incident", id],
    queryFn: ({ signal }) => apiGet(`/api/v1/incidents/${encodeURIComponent(id)}`, IncidentDetail, signal),
  });
