import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { BlastRadiusView, OriginView, StateOriginView } from "@/lib/api/engine-views.ts";
import { apiGet } from "../api-client.ts";

// Lineage answers are walks over stored records: they change only as new
// records arrive downstream, so they refresh slowly, and the last answer
// stays on screen while the next loads.
const SLOW = { refetchInterval: 30_000, staleTime: 20_000, placeholderData: keepPreviousData } as const;

/** The walk's node limit for the screen: enough for a large cascade, bounded so the page stays responsive. */
export const LINEAGE_MAX_NODES = 20_000;

export const originQuery = (record: string) =>
  queryOptions({
    queryKey: ["lineage", "origin", record],
    queryFn: ({ signal }) => apiGet(`/api/v1/lineage/origin?record=${encodeURIComponent(record)}&maxNodes=${LINEAGE_MAX_NODES}`, OriginView, signal),
    ...SLOW,
  });

export const blastRadiusQuery = (record: string) =>
  queryOptions({
    queryKey: ["lineage", "blast-radius", record],
    queryFn: ({ signal }) => apiGet(`/api/v1/lineage/blast-radius?record=${encodeURIComponent(record)}&maxNodes=${LINEAGE_MAX_NODES}`, BlastRadiusView, signal),
    ...SLOW,
  });

export const stateOriginQuery = (key: string, at: string | null) =>
  queryOptions({
    queryKey: ["lineage", "state-origin", key, at],
    queryFn: ({ signal }) => {
      const q = new URLSearchParams({ key });
      if (at) q.set("at", at);
      return apiGet(`/api/v1/lineage/state-origin?${q.toString()}`, StateOriginView, signal);
    },
    ...SLOW,
  });
