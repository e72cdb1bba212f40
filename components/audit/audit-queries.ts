import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { AuditPage, AuditVerifyView } from "@/lib/api/audit-views.ts";
import { apiGet } from "../api-client.ts";

export interface AuditFilters {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
}

export const auditEntriesQuery = (filters: AuditFilters, limit = 100) =>
  infiniteQueryOptions({
    queryKey: ["audit", filters, limit],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v !== "") params.set(k, v);
      params.set("limit", String(limit));
      if (pageParam) params.set("cursor", pageParam);
      return apiGet(`/api/v1/audit?${params.toString()}`, AuditPage, signal);
    },
    getNextPageParam: (last) => last.nextCursor,
  });

export const auditVerifyQuery = () =>
  queryOptions({
    queryKey: ["audit-verify"],
    queryFn: ({ signal }) => apiGet("/api/v1/audit/verify", AuditVerifyView, signal),
  });
