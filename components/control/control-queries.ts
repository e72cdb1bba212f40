import { queryOptions } from "@tanstack/react-query";
import { QuarantinesResponse } from "@/lib/api/containment-views.ts";
import { KillSwitchesResponse } from "@/lib/api/control-views.ts";
import { BreakersResponse } from "@/lib/api/engine-views.ts";
import { apiGet } from "../api-client.ts";

// The control screen re-reads every two seconds: an on-call must see a
// colleague's kill or a pending kill-all without reloading.
const LIVE_MS = 2_000;

export const killSwitchesQuery = () =>
  queryOptions({
    queryKey: ["kill-switches"],
    queryFn: ({ signal }) => apiGet("/api/v1/kill-switches", KillSwitchesResponse, signal),
    refetchInterval: LIVE_MS,
  });

export const forcedBreakersQuery = () =>
  queryOptions({
    queryKey: ["breakers", { state: "FORCED_OPEN" }],
    queryFn: ({ signal }) => apiGet("/api/v1/breakers?state=FORCED_OPEN", BreakersResponse, signal),
    refetchInterval: LIVE_MS,
  });

export const quarantinesQuery = () =>
  queryOptions({
    queryKey: ["quarantines"],
    queryFn: ({ signal }) => apiGet("/api/v1/quarantines", QuarantinesResponse, signal),
    refetchInterval: LIVE_MS,
  });
