import { queryOptions } from "@tanstack/react-query";
import { ApprovalDetail, ApprovalsList } from "@/lib/api/approval-views.ts";
import { apiGet } from "../api-client.ts";

// The queue and one request, polled: a request waits minutes at most, and an
// on-call must see a new one (or a colleague's decision) without reloading.

export const approvalsQuery = () =>
  queryOptions({
    queryKey: ["approvals"],
    queryFn: ({ signal }) => apiGet("/api/v1/approvals?limit=200", ApprovalsList, signal),
    refetchInterval: 4_000,
  });

export const approvalQuery = (id: string) =>
  queryOptions({
    queryKey: ["approval", id],
    queryFn: ({ signal }) => apiGet(`/api/v1/approvals/${encodeURIComponent(id)}?context=true`, ApprovalDetail, signal),
    refetchInterval: (q) => (q.state.data?.status === "pending" ? 4_000 : 30_000),
  });
