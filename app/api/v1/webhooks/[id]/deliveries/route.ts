import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { DeliveriesQuery, WebhookIdParams } from "@/lib/api/webhook-views.ts";
import { pool } from "@/lib/db/pool.ts";
import { webhookDeliveries } from "@/lib/integrations/webhooks/webhook-actions.ts";

// GET /api/v1/webhooks/:id/deliveries — the delivery log, newest first, every attempt with status, latency and error
export const GET = route({ auth: "admin", params: WebhookIdParams, query: DeliveriesQuery }, ({ params, query, principal }) => webhookDeliveries(pool(), projectOf(principal), params.id, query));
