import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { WebhookCreateBody } from "@/lib/api/webhook-views.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { createWebhook, listWebhookViews } from "@/lib/integrations/webhooks/webhook-actions.ts";

// GET /api/v1/webhooks — alert destinations with their last delivery status
export const GET = route({ auth: "admin" }, ({ principal }) => listWebhookViews(pool(), projectOf(principal)));

// POST /api/v1/webhooks — a new destination; a generated secret is returned this once
export const POST = route({ auth: "admin", body: WebhookCreateBody }, async ({ body, principal }) =>
  created(await createWebhook(pool(), projectOf(principal), body, actorOf(principal))),
);
