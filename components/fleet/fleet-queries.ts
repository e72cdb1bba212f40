import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { BreakerEventsResponse, BreakersResponse, FindingsPage } from "@/lib/api/engine-views.ts";
import { ActivityView, OverviewView, RegistryAgentReadView, TimelineView } from "@/lib/api/fleet-views.ts";
import type { WindowKey } from "@/lib/view/window.ts";
import { apiGet } from "../api-client.ts";

// One queryOptions factory per resource of the fleet screens. Live answers
// keep the previous one on screen while the next loads (keepPreviousData),
// so a refresh never blanks a chart or moves a list under the reader.

const qs = (o: Record<string, string | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== "") p.set(k, v);
  return p.toString();
};

export const overviewQuery = (window: WindowKey) =>
  queryOptions({
    queryKey: ["overview", { window }],
    queryFn: ({ signal }) => apiGet(`/api/v1/overview?${qs({ window })}`, OverviewView, signal),
    placeholderData: keepPreviousData,
  });

export type ActivitySubject = { agent: string } | { sender: string; receiver: string };

export const activityQuery = (window: WindowKey, subject: ActivitySubject) =>
  queryOptions({
    queryKey: ["activity", { window, ...subject }],
    queryFn: ({ signal }) => apiGet(`/api/v1/activity?${qs({ window, ...subject })}`, ActivityView, signal),
    placeholderData: keepPreviousData,
  });

/**
 * A pinned window (absolute from/to) is still polled: the engine judges
 * records a little after they arrive, so findings keep landing in a recent
 * past. The brush lives in the URL and the lanes' scroll in the list, so a
 * refresh moves neither.
 */
export const timelineQuery = (v: { window: WindowKey; from: string | null; to: string | null }) =>
  queryOptions({
    queryKey: ["timeline", v.from && v.to ? { from: v.from, to: v.to } : { window: v.window }],
    queryFn: ({ signal }) => apiGet(`/api/v1/timeline?${v.from && v.to ? qs({ from: v.from, to: v.to }) : qs({ window: v.window })}`, TimelineView, signal),
    placeholderData: keepPreviousData,
  });

export const registryAgentQuery = (id: string) =>
  queryOptions({
    queryKey: ["registry-agent", id],
    queryFn: ({ signal }) => apiGet(`/api/v1/agents/${encodeURIComponent(id)}`, RegistryAgentReadView, signal),
    // The registry changes rarely; a 404 (not registered) is an answer, not an outage.
    refetchInterval: 60_000,
  });

export const breakersQuery = (filter: { sender?: string; receiver?: string }) =>
  queryOptions({
    queryKey: ["breakers", filter],
    queryFn: ({ signal }) => apiGet(`/api/v1/breakers?${qs(filter)}`, BreakersResponse, signal),
    placeholderData: keepPreviousData,
  });

export const breakerEventsQuery = (sender: string, receiver: string) =>
  queryOptions({
    queryKey: ["breaker-events", { sender, receiver }],
    queryFn: ({ signal }) => apiGet(`/api/v1/breakers/events?${qs({ sender, receiver, limit: "1000" })}`, BreakerEventsResponse, signal),
    placeholderData: keepPreviousData,
  });

export const agentFindingsQuery = (agent: string, limit = 20) =>
  queryOptions({
    queryKey: ["findings", { agent, limit }],
    queryFn: ({ signal }) => apiGet(`/api/v1/findings?${qs({ agent, limit: String(limit) })}`, FindingsPage, signal),
    placeholderData: keepPreviousData,
  });
