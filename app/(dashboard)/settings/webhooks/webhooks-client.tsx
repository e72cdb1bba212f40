"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { DeliveryLog } from "@/components/webhooks/delivery-log.tsx";
import { WebhookForm } from "@/components/webhooks/webhook-form.tsx";
import { WebhooksTable } from "@/components/webhooks/webhooks-table.tsx";
import { Panel } from "@/components/ui/panel.tsx";

// The webhook whose log is open lives in the URL (?webhook=<id>), so a link
// to "this destination's failures" can go in a ticket.
export function WebhooksClient() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selected = params.get("webhook");
  const select = (id: string | null) => {
    const next = new URLSearchParams(params.toString());
    if (id === null) next.delete("webhook");
    else next.set("webhook", id);
    const qs = next.toString();
    router.replace(qs === "" ? pathname : `${pathname}?${qs}`, { scroll: false });
  };
  return (
    <>
      <Panel id="new-webhook" title="Add a webhook" description="Events are queued with the change that caused them and retried with backoff until the destination answers 2xx.">
        <WebhookForm />
      </Panel>
      <Panel id="webhooks" title="Destinations" description="URLs are shown redacted and secrets never leave the server after creation.">
        <WebhooksTable selected={selected} onSelect={select} />
      </Panel>
      {selected ? (
        <Panel id="delivery-log" title="Delivery log" description="Every attempt, with its HTTP status or error and how long it took.">
          <DeliveryLog id={selected} />
        </Panel>
      ) : null}
    </>
  );
}
