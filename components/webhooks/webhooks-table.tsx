"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { WebhookView } from "@/lib/api/webhook-views.ts";
import { deliveryBadge, EVENT_LABELS } from "@/lib/view/webhook-status.ts";
import { Badge } from "../ui/badge.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { deleteWebhook, setWebhookEnabled, webhooksQuery } from "./webhook-queries.ts";

const button = "rounded-md border border-line bg-panel px-2 py-1 text-xs font-medium hover:bg-raised disabled:opacity-50";

/** Every destination with its last delivery; choosing one shows its log. */
export function WebhooksTable({ selected, onSelect }: { selected: string | null; onSelect: (id: string | null) => void }) {
  const now = useNow();
  const q = useQuery(webhooksQuery());
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: webhooksQuery().queryKey });
  const toggle = useMutation({ mutationFn: (w: WebhookView) => setWebhookEnabled(w.id, !w.enabled), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (w: WebhookView) => deleteWebhook(w.id),
    onSuccess: async (_r, w) => {
      if (selected === w.id) onSelect(null);
      await refresh();
    },
  });

  if (q.isPending) return <LoadingRows label="Loading webhooks" />;
  if (q.isError) return <ErrorState title="Could not load the webhooks" error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.webhooks.length === 0) {
    return (
      <EmptyState title="No webhooks yet">
        Add one above to get incident openings, breaker trips and kill-switch changes in Slack or any HTTP endpoint.
      </EmptyState>
    );
  }
  return (
    <>
      {toggle.isError ? <ErrorState title="Could not change the webhook" error={toggle.error} /> : null}
      {remove.isError ? <ErrorState title="Could not delete the webhook" error={remove.error} /> : null}
      <Table label="Webhooks">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Destination</Th>
            <Th>Events</Th>
            <Th>State</Th>
            <Th>Last delivery</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </thead>
        <tbody>
          {q.data.webhooks.map((w) => {
            const last = w.lastDelivery ? deliveryBadge(w.lastDelivery.status) : null;
            return (
              <tr key={w.id} aria-selected={selected === w.id} className={selected === w.id ? "bg-accent-soft/40" : undefined}>
                <Td>
                  <span className="font-medium">{w.name}</span>
                  <span className="block text-xs text-muted">
                    {w.format === "slack" ? "Slack-compatible" : "JSON"} · {w.signed ? "signed" : "unsigned"}
                  </span>
                </Td>
                <Td className="max-w-72 break-all font-mono text-xs">{w.url}</Td>
                <Td className="text-xs">{w.events.map((e) => EVENT_LABELS[e] ?? e).join(", ")}</Td>
                <Td>{w.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}</Td>
                <Td>
                  {last && w.lastDelivery ? (
                    <span className="flex flex-col gap-1">
                      <Badge tone={last.tone} title={w.lastDelivery.error ?? undefined}>
                        {last.label}
                        {w.lastDelivery.statusCode !== null ? ` · ${w.lastDelivery.statusCode}` : ""}
                      </Badge>
                      <TimeCell iso={w.lastDelivery.at} now={now} />
                    </span>
                  ) : (
                    <span className="text-sm text-muted">nothing sent yet</span>
                  )}
                  {w.failed24h > 0 ? <span className="mt-1 block text-xs text-bad">{w.failed24h} failed in 24 h</span> : null}
                </Td>
                <Td className="text-right">
                  <span className="inline-flex flex-wrap justify-end gap-2">
                    <button type="button" className={button} onClick={() => onSelect(selected === w.id ? null : w.id)} aria-pressed={selected === w.id}>
                      {selected === w.id ? "Hide log" : "Delivery log"}
                    </button>
                    <button type="button" className={button} disabled={toggle.isPending} onClick={() => toggle.mutate(w)}>
                      {w.enabled ? "Disable" : "Enable"}
                    </button>
                    <button
                      type="button"
                      className={`${button} text-bad`}
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Delete the webhook "${w.name}" and its delivery log?`)) remove.mutate(w);
                      }}
                    >
                      Delete
                    </button>
                  </span>
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </>
  );
}
