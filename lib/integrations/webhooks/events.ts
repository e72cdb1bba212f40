// The events an alert webhook can subscribe to, as a zod union: the outbox
// stores them as JSON, the dispatcher parses them back before formatting,
// and callers elsewhere (the kill switch) build them with these types.
import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = ["incident.opened", "breaker.tripped", "kill_switch.changed"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A delivery's life: pending until delivered, failed (out of attempts) or cancelled (webhook disabled). */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const isoTime = z.iso.datetime({ offset: true });

export const IncidentOpenedData = z.object({
  incident: z.object({
    id: z.string(),
    title: z.string(),
    severity: z.string().meta({ description: "low | medium | high | critical" }),
    agents: z.array(z.string()),
    firstAt: isoTime,
    findingIds: z.array(z.string()),
  }),
});
export type IncidentOpenedData = z.infer<typeof IncidentOpenedData>;

export const BreakerTrippedData = z.object({
  edge: z.object({ sender: z.string(), receiver: z.string() }),
  from: z.string(),
  to: z.string(),
  cause: z.string().meta({ description: "failures | anomaly_rate | probe_failed" }),
  detail: z.string(),
  at: isoTime,
  recordIds: z.array(z.string()),
});
export type BreakerTrippedData = z.infer<typeof BreakerTrippedData>;

export const KillSwitchChangedData = z.object({
  scope: z.string().meta({ description: "What the switch covers: `edge`, `agent`, `global`, ..." }),
  target: z.string().meta({ description: "What it names: `sender -> receiver`, an agent id, or `*`." }),
  active: z.boolean().meta({ description: "true when the switch was thrown, false when released." }),
  actor: z.string().nullable(),
  reason: z.string(),
  at: isoTime,
});
export type KillSwitchChangedData = z.infer<typeof KillSwitchChangedData>;

export const WebhookEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("incident.opened"), data: IncidentOpenedData }),
  z.object({ type: z.literal("breaker.tripped"), data: BreakerTrippedData }),
  z.object({ type: z.literal("kill_switch.changed"), data: KillSwitchChangedData }),
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** An event as stored in the outbox: with its id and when it happened. */
export interface StoredWebhookEvent {
  id: string;
  occurredAt: string;
  event: WebhookEvent;
}
