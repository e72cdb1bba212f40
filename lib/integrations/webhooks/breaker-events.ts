// Which breaker transitions become webhook events. A trip (into OPEN, from
// failures, the anomaly rate or a failed probe) is breaker.tripped; the
// edge kill switch (forced / released) is kill_switch.changed with scope
// `edge`. Recoveries, dry-run trips and timers alert no one: they are on the
// dashboard and in /metrics.
import type { EdgeTransition } from "../../engine/breaker/edge-breakers.ts";
import type { WebhookEvent } from "./events.ts";

export function breakerWebhookEvents(transitions: readonly EdgeTransition[]): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const t of transitions) {
    const at = new Date(t.at).toISOString();
    if (t.to === "OPEN") {
      out.push({
        type: "breaker.tripped",
        data: { edge: { sender: t.sender, receiver: t.receiver }, from: t.from, to: t.to, cause: t.cause, detail: t.detail, at, recordIds: t.recordIds.slice(0, 50) },
      });
    } else if (t.cause === "forced" || t.cause === "released") {
      out.push({
        type: "kill_switch.changed",
        data: { scope: "edge", target: `${t.sender} -> ${t.receiver}`, active: t.cause === "forced", actor: t.actor, reason: t.detail, at },
      });
    }
  }
  return out;
}
