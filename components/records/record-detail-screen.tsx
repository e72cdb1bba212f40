"use client";

import { queryOptions, useQuery } from "@tanstack/react-query";
import { RecordDetail } from "@/lib/api/views.ts";
import { apiGet } from "../api-client.ts";
import { ListIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { ApiError } from "../api-error.ts";
import { RecordCopies } from "./record-detail.tsx";

export const recordQuery = (id: string) =>
  queryOptions({
    queryKey: ["record", id],
    queryFn: ({ signal }) => apiGet(`/api/v1/records/${encodeURIComponent(id)}`, RecordDetail, signal),
    // A pending verdict settles when the record it waits for arrives; keep polling slowly.
    refetchInterval: 15_000,
  });

export function RecordDetailScreen({ id }: { id: string }) {
  const q = useQuery(recordQuery(id));
  const copies = q.data?.records.length ?? 0;
  return (
    <Panel
      id="record"
      title={copies > 1 ? `${copies} records under this id` : "Record"}
      description="Verdicts with their details, the signed payload, and where the record sits: parents, authority, trace."
    >
      <div className="p-4">
        {q.isPending ? (
          <LoadingRows label="Loading the record" rows={5} />
        ) : q.isError ? (
          q.error instanceof ApiError && q.error.status === 404 ? (
            <EmptyState title="No record has this id" icon={<ListIcon />}>
              {q.error.message}
            </EmptyState>
          ) : (
            <ErrorState title="Could not load the record" error={q.error} onRetry={() => void q.refetch()} />
          )
        ) : (
          <RecordCopies detail={q.data} />
        )}
      </div>
    </Panel>
  );
}
