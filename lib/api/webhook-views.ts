// The webhooks API: body, path and query schemas (strict) and the shapes it
// returns. The routes parse with them, the integration tests check responses
// against them, lib/api/openapi.ts documents them. A webhook's secret and its
// full URL never appear in a response after creation.
import { z } from "zod";
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from "../integrations/webhooks/events.ts";
import { WEBHOOK_FORMATS } from "../integrations/webhooks/payloads.ts";

const isoTime = z.iso.datetime({ offset: true });

export const MIN_SECRET_LENGTH = 16;

export const WebhookCreateBody = z
  .object({
    name: z.string({ error: "name is required: say where the alerts go, e.g. `#sec-oncall`" }).trim().min(1, { error: "name is empty" }).max(200),
    url: z.string({ error: "url is required" }).trim().min(1, { error: "url is empty" }).max(2_048, { error: "url must be at most 2048 characters" }),
    format: z.enum(WEBHOOK_FORMATS, { error: `format must be one of: ${WEBHOOK_FORMATS.join(", ")}` }).default("json"),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `each event must be one of: ${WEBHOOK_EVENT_TYPES.join(", ")}` }))
      .min(1, { error: `subscribe to at least one event: ${WEBHOOK_EVENT_TYPES.join(", ")}` })
      .transform((events) => [...new Set(events)]),
    secret: z
      .string()
      .min(MIN_SECRET_LENGTH, { error: `secret must be at least ${MIN_SECRET_LENGTH} characters` })
      .max(256)
      .optional()
      .meta({ description: "HMAC-SHA256 signing secret. Write-only: never returned. Omit and set `generateSecret` to have one made." }),
    generateSecret: z.boolean().default(false).meta({ description: "Make a random secret and return it once, in this response only." }),
  })
  .refine((b) => !(b.secret !== undefined && b.generateSecret), { error: "send either `secret` or `generateSecret: true`, not both", path: ["generateSecret"] })
  .meta({ id: "WebhookCreateBody" });
export type WebhookCreateBody = z.output<typeof WebhookCreateBody>;

export const WebhookUpdateBody = z
  .object({ enabled: z.boolean({ error: "enabled must be true or false" }) })
  .meta({ id: "WebhookUpdateBody" });
export type WebhookUpdateBody = z.output<typeof WebhookUpdateBody>;

export const WebhookIdParams = z.object({ id: z.string().min(1).max(64) });
export type WebhookIdParams = z.output<typeof WebhookIdParams>;

export const DEFAULT_DELIVERIES_LIMIT = 50;
export const MAX_DELIVERIES_LIMIT = 200;

export const DeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES, { error: `status must be one of: ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  before: z.string().regex(/^\d{1,18}$/, { error: "before must be a delivery id (`nextBefore` of the previous page)" }).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(MAX_DELIVERIES_LIMIT, { error: `limit must be at most ${MAX_DELIVERIES_LIMIT}` })
    .default(DEFAULT_DELIVERIES_LIMIT),
});
export type DeliveriesQuery = z.output<typeof DeliveriesQuery>;

export const WebhookView = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().meta({ description: "Redacted past the first path segment: Slack-style URLs carry their secret in the path." }),
    format: z.string().meta({ description: "json | slack" }),
    events: z.array(z.string()),
    signed: z.boolean().meta({ description: "Has a signing secret (the secret itself is never returned)." }),
    enabled: z.boolean(),
    createdBy: z.string(),
    createdAt: isoTime,
    updatedAt: isoTime,
    lastDelivery: z
      .object({ status: z.string(), at: isoTime, statusCode: z.number().int().nullable(), error: z.string().nullable() })
      .nullable()
      .meta({ description: "The newest delivery and how it ended (or `pending`)." }),
    pending: z.number().int().nonnegative(),
    failed24h: z.number().int().nonnegative().meta({ description: "Deliveries that gave up in the last 24 hours." }),
  })
  .meta({ id: "WebhookView" });
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookCreatedView = WebhookView.extend({
  secret: z.string().nullable().meta({ description: "The generated secret, shown this once; null when you sent your own or none." }),
}).meta({ id: "WebhookCreatedView" });
export type WebhookCreatedView = z.infer<typeof WebhookCreatedView>;

export const WebhooksResponse = z.object({ webhooks: z.array(WebhookView) }).meta({ id: "WebhooksResponse" });
export type WebhooksResponse = z.infer<typeof WebhooksResponse>;

export const WebhookAttemptView = z.object({
  attempt: z.number().int().positive(),
  at: isoTime,
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().nonnegative(),
  error: z.string().nullable(),
  dispatcher: z.string().meta({ description: "host:pid of the collector that made the attempt." }),
});

export const WebhookDeliveryView = z
  .object({
    id: z.string(),
    eventId: z.string().meta({ description: "Same for every webhook that got this event; receivers can deduplicate on it." }),
    eventType: z.string(),
    status: z.string().meta({ description: "pending | delivered | failed | cancelled" }),
    attempts: z.number().int().nonnegative(),
    nextAttemptAt: isoTime.nullable(),
    createdAt: isoTime,
    finishedAt: isoTime.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    headline: z.string().meta({ description: "One line saying what the event was." }),
    attemptLog: z.array(WebhookAttemptView),
  })
  .meta({ id: "WebhookDeliveryView" });
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const WebhookDeliveriesPage = z
  .object({ deliveries: z.array(WebhookDeliveryView), nextBefore: z.string().nullable().meta({ description: "Pass as `before` for older deliveries." }) })
  .meta({ id: "WebhookDeliveriesPage" });
export type WebhookDeliveriesPage = z.infer<typeof WebhookDeliveriesPage>;
