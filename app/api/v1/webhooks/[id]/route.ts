import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { WebhookIdParams, WebhookUpdateBody } from "@/lib/api/webhook-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { removeWebhook, updateWebhook } from "@/lib/integrations/webhooks/webhook-actions.ts";

// PATCH /api/v1/webhooks/:id — enable or disable; disabling cancels what it still had to send
export const PATCH = route({ auth: "admin", params: WebhookIdParams, body: WebhookUpdateBody }, ({ params, body, principal }) =>
  updateWebhook(pool(), projectOf(principal), params.id, body, actorOf(principal)),
);

// DELETE /api/v1/webhooks/:id — the destination, its deliveries and their log
export const DELETE = route({ auth: "admin", params: WebhookIdParams }, ({ params, principal }) => removeWebhook(pool(), projectOf(principal), params.id, actorOf(principal)));
