import { queryOptions } from "@tanstack/react-query";
import { AuditPage, AuditVerifyView } from "@/lib/api/audit-views.ts";
import { apiGet } from "../api-client.ts";
import { cursorPagesQuery } from "../queries.ts";

export interface AuditFilters {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
}

export const auditEntriesQuery = (filters: AuditFilters, limit = 100) => cursorPagesQuery("audit", "/api/v1/audit", { ...filters }, limit, AuditPage);

export const auditVerifyQuery = () =>
  queryOptions({
    queryKey: ["audit-verify"],
    queryFn: ({ signal }) => apiGet("/api/v1/audit/verify", AuditVerifyView, signal),
  });
