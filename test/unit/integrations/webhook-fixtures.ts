// Webhook events as the engine produces them, for the payload and dispatcher tests.
import type { StoredWebhookEvent, WebhookEvent } from "@/lib/integrations/webhooks/events.ts";

export const AT = "2026-12-05T03:00:00.000Z";

export function breakerTripped(over: Partial<Extract<WebhookEvent, { type: "breaker.tripped" }>["data"]> = {}): WebhookEvent {
  return {
    type: "breaker.tripped",
    data: { edge: { sender: "planner", receiver: "buyer" }, from: "CLOSED", to: "OPEN", cause: "failures", detail: "planner -> buyer: 3 failures in a row", at: AT, recordIds: ["r1", "r2"], ...over },
  };
}

export function incidentOpened(over: Partial<Extract<WebhookEvent, { type: "incident.opened" }>["data"]["incident"]> = {}): WebhookEvent {
  return {
    type: "incident.opened",
    data: { incident: { id: "42", title: "Forged message reached a red action", severity: "critical", agents: ["mallory", "buyer"], firstAt: AT, findingIds: ["7", "8"], ...over } },
  };
}

export function killSwitch(active: boolean): WebhookEvent {
  return { type: "kill_switch.changed", data: { scope: "edge", target: "planner -> buyer", active, actor: "alice", reason: "stop the bleeding", at: AT } };
}

export function stored(event: WebhookEvent, id = "0b6f6a8e-1111-4a4a-9c9c-000000000001"): StoredWebhookEvent {
  return { id, occurredAt: AT, event };
}
