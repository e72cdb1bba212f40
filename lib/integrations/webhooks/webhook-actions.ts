// The webhooks API, one function per route. Every change is audited in the
// transaction that makes it; the audit detail carries the redacted URL and
// whether a secret is set, never the secret. URLs and secrets are stored
// sealed (secret-box.ts); only the dispatcher opens them.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { badRequest, notFound } from "../../api/errors.ts";
import type {
  DeliveriesQuery,
  WebhookCreateBody,
  WebhookCreatedView,
  WebhookDeliveriesPage,
  WebhookUpdateBody,
  WebhookView,
  WebhooksResponse,
} from "../../api/webhook-views.ts";
import { auditInTransaction } from "../../audit/audit-log.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { deleteWebhook, getWebhook, insertWebhook, listDeliveries, listWebhooks, setWebhookEnabled, type WebhookRow } from "../../db/webhook-store.ts";
import { WebhookEvent } from "./events.ts";
import { describe } from "./payloads.ts";
import { checkWebhookUrl, redactUrl } from "./webhook-url.ts";
import { sealerOf, webhookSealingKey } from "./webhook-sealing.ts";

const noWebhook = (id: string) => notFound(`no webhook has the id ${JSON.stringify(id)}: list them with GET /api/v1/webhooks`);

export function toWebhookView(w: WebhookRow): WebhookView {
  return {
    id: w.id,
    name: w.name,
    url: redactUrl(w.url),
    format: w.format,
    events: w.events,
    signed: w.hasSecret,
    enabled: w.enabled,
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    lastDelivery: w.lastDelivery && { ...w.lastDelivery, at: w.lastDelivery.at.toISOString() },
    pending: w.pending,
    failed24h: w.failed24h,
  };
}

export async function listWebhookViews(pool: pg.Pool, project: string): Promise<WebhooksResponse> {
  return { webhooks: (await listWebhooks(pool, project)).map(toWebhookView) };
}

export async function createWebhook(pool: pg.Pool, project: string, body: WebhookCreateBody, actor: string): Promise<WebhookCreatedView> {
  const checked = checkWebhookUrl(body.url);
  if (!checked.ok) throw badRequest(`url: ${checked.reason}`, [{ path: "body.url", message: checked.reason }]);
  const generated = body.generateSecret ? `whsec_${randomBytes(24).toString("base64url")}` : null;
  const secret = body.secret ?? generated;
  // Before the transaction: a missing instance key fails the request with what to do, not half-way through it.
  const key = webhookSealingKey();
  return withTransaction(pool, async (tx) => {
    const row = await insertWebhook(
      tx,
      project,
      { name: body.name, url: checked.url, urlDisplay: redactUrl(checked.url), format: body.format, events: body.events, secret, createdBy: actor },
      sealerOf(key),
    );
    await auditInTransaction(tx, {
      actor,
      action: "webhook.create",
      target: `webhook:${row.id}`,
      detail: { project, name: row.name, url: redactUrl(row.url), format: row.format, events: row.events, signed: secret !== null },
    });
    return { ...toWebhookView(row), secret: generated };
  });
}

export async function updateWebhook(pool: pg.Pool, project: string, id: string, body: WebhookUpdateBody, actor: string): Promise<WebhookView> {
  return withTransaction(pool, async (tx) => {
    const before = await getWebhook(tx, project, id, true);
    if (!before) throw noWebhook(id);
    const { cancelled } = await setWebhookEnabled(tx, id, body.enabled);
    await auditInTransaction(tx, {
      actor,
      action: body.enabled ? "webhook.enable" : "webhook.disable",
      target: `webhook:${id}`,
      detail: { name: before.name, wasEnabled: before.enabled, cancelledDeliveries: cancelled },
    });
    return toWebhookView((await getWebhook(tx, project, id))!);
  });
}

export async function removeWebhook(pool: pg.Pool, project: string, id: string, actor: string): Promise<{ id: string; deleted: true }> {
  return withTransaction(pool, async (tx) => {
    const before = await getWebhook(tx, project, id, true);
    if (!before) throw noWebhook(id);
    await deleteWebhook(tx, id);
    await auditInTransaction(tx, {
      actor,
      action: "webhook.delete",
      target: `webhook:${id}`,
      detail: { name: before.name, url: redactUrl(before.url), format: before.format, events: before.events },
    });
    return { id, deleted: true as const };
  });
}

export async function webhookDeliveries(pool: pg.Pool, project: string, id: string, query: DeliveriesQuery): Promise<WebhookDeliveriesPage> {
  if (!(await getWebhook(pool, project, id))) throw noWebhook(id);
  const rows = await listDeliveries(pool, id, { limit: query.limit + 1, before: query.before, status: query.status });
  const page = rows.slice(0, query.limit);
  return {
    deliveries: page.map((d) => {
      const parsed = WebhookEvent.safeParse(d.summary);
      return {
        id: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
        createdAt: d.createdAt.toISOString(),
        finishedAt: d.finishedAt?.toISOString() ?? null,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        headline: parsed.success ? describe(parsed.data).headline : d.eventType,
        attemptLog: d.attemptLog.map((a) => ({ ...a, at: a.at.toISOString() })),
      };
    }),
    nextBefore: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
