"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { LineageStart } from "@/components/lineage/lineage-start.tsx";
import { stateOriginQuery } from "@/components/lineage/lineage-queries.ts";
import { LineageView } from "@/components/lineage/lineage-view.tsx";
import { recordHref } from "@/components/records/record-detail.tsx";
import { EmptyState, ErrorState, LoadingRows } from "@/components/ui/states.tsx";
import { browserTimeZone } from "@/components/ui/use-now.ts";
import { ApiError } from "@/components/api-error.ts";
import { axisLabel } from "@/components/lineage/axis-label.ts";

export function LineageClient() {
  const params = useSearchParams();
  const pathname = usePathname();
  const record = params.get("record")?.trim() || null;
  const key = params.get("key")?.trim() || null;
  const at = params.get("at")?.trim() || null;
  const node = params.get("node")?.trim() || null;

  // The selected record lives in the URL: a link pasted into a ticket opens on it.
  const select = useCallback(
    (id: string | null) => {
      const next = new URLSearchParams(window.location.search);
      if (id === null) next.delete("node");
      else next.set("node", id);
      window.history.replaceState(null, "", `${pathname}?${next.toString()}`);
    },
    [pathname],
  );

  if (record) return <LineageView record={record} selected={node} onSelect={select} />;
  if (key) return <StateLineage stateKey={key} at={at} selected={node} onSelect={select} />;
  return <LineageStart />;
}

function StateLineage({ stateKey, at, selected, onSelect }: { stateKey: string; at: string | null; selected: string | null; onSelect: (id: string | null) => void }) {
  const q = useQuery(stateOriginQuery(stateKey, at));
  const zone = browserTimeZone();
  if (q.isPending) return <LoadingRows label={`Finding the version of ${stateKey}`} rows={4} />;
  if (q.isError) {
    return (
      <div className="rounded-xl border border-line bg-panel">
        {q.error instanceof ApiError && q.error.status === 404 ? (
          <EmptyState title={`No version of ${stateKey} to trace`}>{q.error.message}</EmptyState>
        ) : (
          <ErrorState title={`Could not find the version of ${stateKey}`} error={q.error} onRetry={() => void q.refetch()} />
        )}
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm" data-testid="state-version">
        State key <span className="font-mono font-semibold">{stateKey}</span>: version{" "}
        <Link href={recordHref(q.data.version)} className="font-mono text-accent underline-offset-2 hover:underline">
          {q.data.version}
        </Link>
        , current {q.data.at ? `at ${axisLabel(Date.parse(q.data.at), 0, zone, true)}` : "now"}.
      </p>
      <LineageView record={q.data.version} selected={selected} onSelect={onSelect} />
    </div>
  );
}
