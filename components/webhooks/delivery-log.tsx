"use client";

import { useQuery } from "@tanstack/react-query";
import { attemptLine, attemptTone, deliveryBadge } from "@/lib/view/webhook-status.ts";
import { Badge } from "../ui/badge.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { webhookDeliveriesQuery } from "./webhook-queries.ts";

/** The newest deliveries of one webhook, each with every attempt it took. */
export function DeliveryLog({ id }: { id: string }) {
  const now = useNow();
  const q = useQuery(webhookDeliveriesQuery(id));
  if (q.isPending) return <LoadingRows label="Loading the delivery log" />;
  if (q.isError) return <ErrorState title="Could not load the delivery log" error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.deliveries.length === 0) return <EmptyState title="Nothing delivered yet">Deliveries appear here when a subscribed event happens.</EmptyState>;
  return (
    <Table label="Delivery log">
      <thead>
        <tr>
          <Th>Queued</Th>
          <Th>Event</Th>
          <Th>Status</Th>
          <Th>Attempts</Th>
        </tr>
      </thead>
      <tbody>
        {q.data.deliveries.map((d) => {
          const badge = deliveryBadge(d.status, d.attempts);
          return (
            <tr key={d.id}>
              <Td>
                <TimeCell iso={d.createdAt} now={now} />
              </Td>
              <Td className="max-w-md">
                <span className="block text-sm">{d.headline}</span>
                <span className="block font-mono text-xs text-muted">{d.eventType}</span>
              </Td>
              <Td>
                <Badge tone={badge.tone}>{badge.label}</Badge>
                {d.status === "pending" && d.nextAttemptAt ? (
                  <span className="mt-1 block text-xs text-muted">
                    next try <TimeCell iso={d.nextAttemptAt} now={now} />
                  </span>
                ) : null}
              </Td>
              <Td>
                {d.attemptLog.length === 0 ? (
                  <span className="text-sm text-muted">not tried yet</span>
                ) : (
                  <ol className="flex flex-col gap-1">
                    {d.attemptLog.map((a) => (
                      <li key={a.attempt}>
                        <Badge tone={attemptTone(a)} title={`${a.at} by ${a.dispatcher}`}>
                          {attemptLine(a)}
                        </Badge>
                      </li>
                    ))}
                  </ol>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
