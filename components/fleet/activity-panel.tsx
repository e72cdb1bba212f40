"use client";

import { useQuery } from "@tanstack/react-query";
import { windowPhrase, type WindowKey } from "@/lib/view/window.ts";
import { SmallMultiples } from "../charts/small-multiples.tsx";
import { Panel } from "../ui/panel.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { browserTimeZone } from "../ui/use-now.ts";
import { activityQuery, type ActivitySubject } from "./fleet-queries.ts";

/** Records, verdicts and findings over time for an agent or an edge, as small multiples. */
export function ActivityPanel({ window, subject, noun, actions }: { window: WindowKey; subject: ActivitySubject; noun: string; actions?: React.ReactNode }) {
  const q = useQuery(activityQuery(window, subject));
  return (
    <Panel id="activity" title="Activity" description={`${noun[0]!.toUpperCase()}${noun.slice(1)}, verdicts and findings ${windowPhrase(window)}.`} actions={actions}>
      {q.isPending ? (
        <LoadingRows label="Loading activity" rows={2} />
      ) : q.isError && !q.data ? (
        <ErrorState title="Could not load the activity" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <SmallMultiples series={q.data} timeZone={browserTimeZone()} noun={noun} />
      )}
    </Panel>
  );
}
