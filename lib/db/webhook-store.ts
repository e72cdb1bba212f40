// The webhook tables: destinations, the delivery outbox, and the attempt
// log. Raw SQL over pg like engine-store.ts: the outbox is written inside
// the engine's own transactions, and the dispatcher runs in the collector.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { DeliveryStatus, StoredWebhookEvent, WebhookEvent, WebhookEventType } from "../integrations/webhooks/events.ts";
import type { WebhookFormat } from "../integrations/webhooks/payloads.ts";

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;


/** Webhook and delivery ids are bigint serials; anything else names none. */
export function isSerialId(id: string): boolean {
  return /^\d{1,18}$/.test(id);
}

// ---------------------------------------------------------------- outbox

/**
 * Queues `event` for every enabled webhook subscribed to its type, in the
 * caller's transaction: the event and its deliveries commit or roll back
 * together. One INSERT ... SELECT, nothing when no webhook wants it, so the
 * engine may call it on its hot path. Returns how many deliveries it queued.
 */
export async function enqueueWebhookEvent(tx: Queryable, project: string, event: WebhookEvent, occurredAt: Date = new Date()): Promise<number> {
  return enqueueWebhookEvents(tx, project, [event], occurredAt);
}

/** Several events in one statement (a pass that tripped many breakers); only the project's own webhooks get them. */
export async function enqueueWebhookEvents(tx: Queryable, project: string, events: readonly WebhookEvent[], occurredAt: Date = new Date()): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((event) => ({ id: randomUUID(), type: event.type, event }));
  const res = await tx.query(
    `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, event, created_at, next_attempt_at)
     SELECT w.id, e.id, e.type, jsonb_build_object('id', e.id, 'occurredAt', $2::text, 'event', e.event), $3, $3
       FROM jsonb_to_recordset($1::jsonb) AS e(id text, type text, event jsonb)
       JOIN webhooks w ON w.project_id = $4 AND w.enabled AND e.type = ANY (w.events)`,
    [JSON.stringify(rows), occurredAt.toISOString(), occurredAt, project],
  );
  return res.rowCount ?? 0;
}

// ---------------------------------------------------------------- destinations

export interface WebhookRow {
  id: string;
  name: string;
  /** Redacted past the first path segment: the full URL is sealed and only the dispatcher opens it. */
  url: string;
  format: WebhookFormat;
  events: WebhookEventType[];
  hasSecret: boolean;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  lastDelivery: { status: DeliveryStatus; at: Date; statusCode: number | null; error: string | null } | null;
  pending: number;
  failed24h: number;
}

export interface NewWebhook {
  name: string;
  /** The redacted URL, shown by the API and the audit trail. */
  urlDisplay: string;
  format: WebhookFormat;
  events: WebhookEventType[];
  createdBy: string;
}

/** Seals a value for the webhook id it will be stored under (lib/integrations/webhooks/secret-box.ts). */
export type SealFor = (id: string, field: "url" | "secret", plaintext: string) => string;

// `url` is the redacted form: a legacy row's plaintext URL never leaves this module unredacted except to the dispatcher.
const WEBHOOK_COLUMNS = `w.id::text AS id, w.name, COALESCE(w.url_display, w.url) AS url, w.format, w.events,
  (w.secret_sealed IS NOT NULL OR w.secret IS NOT NULL) AS "hasSecret", w.enabled,
  w.created_by AS "createdBy", w.created_at AS "createdAt", w.updated_at AS "updatedAt",
  last.status AS "lastStatus", last.at AS "lastAt", last.last_status_code AS "lastStatusCode", last.last_error AS "lastError",
  (SELECT count(*)::int FROM webhook_deliveries p WHERE p.webhook_id = w.id AND p.status = 'pending') AS pending,
  (SELECT count(*)::int FROM webhook_deliveries f WHERE f.webhook_id = w.id AND f.status = 'failed' AND f.created_at > now() - interval '24 hours') AS "failed24h"`;

const LAST_DELIVERY = `LEFT JOIN LATERAL (
    SELECT d.status, COALESCE(d.finished_at, d.created_at) AS at, d.last_status_code, d.last_error
      FROM webhook_deliveries d WHERE d.webhook_id = w.id ORDER BY d.id DESC LIMIT 1) last ON true`;

interface WebhookDbRow extends Omit<WebhookRow, "lastDelivery"> {
  lastStatus: DeliveryStatus | null;
  lastAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

function toWebhook(r: WebhookDbRow): WebhookRow {
  const { lastStatus, lastAt, lastStatusCode, lastError, ...rest } = r;
  return {
    ...rest,
    lastDelivery: lastStatus === null || lastAt === null ? null : { status: lastStatus, at: lastAt, statusCode: lastStatusCode, error: lastError },
  };
}

/**
 * Stores a destination with its URL and secret sealed. The id is drawn
 * first because every sealed value is bound to the row it belongs to.
 */
export async function insertWebhook(tx: Queryable, project: string, w: NewWebhook & { url: string; secret: string | null }, seal: SealFor): Promise<WebhookRow> {
  const next = await tx.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('webhooks', 'id'))::text AS id`);
  const id = next.rows[0]!.id;
  await tx.query(
    `INSERT INTO webhooks (id, name, url_display, url_sealed, format, events, secret_sealed, created_by, project_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, w.name, w.urlDisplay, seal(id, "url", w.url), w.format, w.events, w.secret === null ? null : seal(id, "secret", w.secret), w.createdBy, project],
  );
  return (await getWebhook(tx, project, id))!;
}

export interface PlaintextWebhook {
  id: string;
  url: string | null;
  secret: string | null;
}

/** Rows written before sealing existed, locked for the caller's transaction. */
export async function lockPlaintextWebhooks(tx: Queryable): Promise<PlaintextWebhook[]> {
  const res = await tx.query<PlaintextWebhook>(
    `SELECT id::text AS id, url, secret FROM webhooks WHERE url IS NOT NULL OR secret IS NOT NULL ORDER BY id FOR UPDATE`,
  );
  return res.rows;
}

/** Replaces a legacy row's plaintext with its sealed values; the plaintext columns are cleared in the same statement. */
export async function storeSealedWebhook(tx: Queryable, id: string, sealed: { urlDisplay: string | null; urlSealed: string | null; secretSealed: string | null }): Promise<void> {
  await tx.query(
    `UPDATE webhooks SET url_display = COALESCE($2, url_display), url_sealed = COALESCE($3, url_sealed), secret_sealed = COALESCE($4, secret_sealed),
            url = NULL, secret = NULL WHERE id = $1`,
    [id, sealed.urlDisplay, sealed.urlSealed, sealed.secretSealed],
  );
}

export async function listWebhooks(q: Queryable, project: string): Promise<WebhookRow[]> {
  const res = await q.query<WebhookDbRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks w ${LAST_DELIVERY} WHERE w.project_id = $1 ORDER BY w.id`, [project]);
  return res.rows.map(toWebhook);
}

/** The project's webhook with this id; another project's is null, as if it did not exist. */
export async function getWebhook(q: Queryable, project: string, id: string, forUpdate = false): Promise<WebhookRow | null> {
  if (!isSerialId(id)) return null;
  if (forUpdate) await q.query(`SELECT 1 FROM webhooks WHERE id = $1 AND project_id = $2 FOR UPDATE`, [id, project]);
  const res = await q.query<WebhookDbRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks w ${LAST_DELIVERY} WHERE w.id = $1 AND w.project_id = $2`, [id, project]);
  return res.rows[0] ? toWebhook(res.rows[0]) : null;
}

/** Turns a webhook on or off. Turning it off cancels what it still had to send: a stale alert later helps no one. */
export async function setWebhookEnabled(tx: Queryable, id: string, enabled: boolean): Promise<{ cancelled: number }> {
  await tx.query(`UPDATE webhooks SET enabled = $2, updated_at = now() WHERE id = $1`, [id, enabled]);
  if (enabled) return { cancelled: 0 };
  const res = await tx.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', finished_at = now(), last_error = COALESCE(last_error, 'webhook disabled')
      WHERE webhook_id = $1 AND status = 'pending'`,
    [id],
  );
  return { cancelled: res.rowCount ?? 0 };
}

/** Deletes the webhook with its deliveries and attempts (the audit trail keeps that it existed). */
export async function deleteWebhook(tx: Queryable, id: string): Promise<boolean> {
  const res = await tx.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
  return (res.rowCount ?? 0) > 0;
}

// ---------------------------------------------------------------- the log

export interface AttemptRow {
  attempt: number;
  at: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  dispatcher: string;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  summary: unknown;
  attemptLog: AttemptRow[];
}

/** A webhook's deliveries, newest first, each with its attempts in order; `before` is a delivery id (the cursor). */
export async function listDeliveries(q: Queryable, webhookId: string, opts: { limit: number; before?: string; status?: DeliveryStatus }): Promise<DeliveryRow[]> {
  const res = await q.query<Omit<DeliveryRow, "attemptLog"> & { attemptLog: (Omit<AttemptRow, "at"> & { at: string })[] | null }>(
    `SELECT d.id::text AS id, d.event_id AS "eventId", d.event_type AS "eventType", d.status, d.attempts,
            CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS "nextAttemptAt",
            d.created_at AS "createdAt", d.finished_at AS "finishedAt", d.last_status_code AS "lastStatusCode", d.last_error AS "lastError",
            d.event->'event' AS summary,
            (SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'latencyMs', a.latency_ms,
                                               'error', a.error, 'dispatcher', a.dispatcher) ORDER BY a.attempt)
               FROM webhook_attempts a WHERE a.delivery_id = d.id) AS "attemptLog"
       FROM webhook_deliveries d
      WHERE d.webhook_id = $1 AND ($2::bigint IS NULL OR d.id < $2) AND ($3::text IS NULL OR d.status = $3)
      ORDER BY d.id DESC LIMIT $4`,
    [webhookId, opts.before ?? null, opts.status ?? null, opts.limit],
  );
  return res.rows.map((r) => ({ ...r, attemptLog: (r.attemptLog ?? []).map((a) => ({ ...a, at: new Date(a.at) })) }));
}

// ---------------------------------------------------------------- dispatch

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  /** This attempt's number, 1-based: reserved by the claim, so no other dispatcher makes it. */
  attempt: number;
  format: WebhookFormat;
  /** Sealed URL and secret (lib/integrations/webhooks/secret-box.ts); the dispatcher opens them just before the POST. */
  urlSealed: string | null;
  secretSealed: string | null;
  /** A row not sealed yet (written before sealing existed, and no collector has started since): its plaintext. */
  legacyUrl: string | null;
  legacySecret: string | null;
  stored: StoredWebhookEvent;
}

/**
 * Claims up to `limit` due deliveries of enabled webhooks and leases them for
 * `leaseMs`: the attempt counter goes up and the next try moves past the
 * lease in one short transaction, so the POST itself holds no lock and no
 * connection. SKIP LOCKED lets several dispatchers claim side by side; a
 * dispatcher that dies mid-POST leaves the row to be claimed again, as the
 * next attempt, once its lease runs out.
 */
export async function claimDueDeliveries(q: Queryable, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const res = await q.query<Omit<ClaimedDelivery, "stored"> & { event: StoredWebhookEvent }>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.enabled
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
        ORDER BY d.next_attempt_at, d.id LIMIT $1
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
       FROM due, webhooks w
      WHERE d.id = due.id AND w.id = d.webhook_id
     RETURNING d.id::text AS id, d.webhook_id::text AS "webhookId", d.attempts AS attempt, w.format,
               w.url_sealed AS "urlSealed", w.secret_sealed AS "secretSealed", w.url AS "legacyUrl", w.secret AS "legacySecret", d.event`,
    [limit, leaseMs],
  );
  return res.rows.map(({ event, ...r }) => ({ ...r, stored: event }));
}

export interface AttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  dispatcher: string;
}

/**
 * Logs one attempt and settles the delivery: delivered, failed for good, or
 * pending again at `retryAt`. The update only applies while the row is still
 * at this attempt, so a dispatcher whose lease ran out cannot overwrite the
 * attempt that followed it. The attempt row is unique per number: a second
 * writer of the same attempt fails instead of logging it twice.
 */
export async function recordAttempt(
  tx: Queryable,
  claimed: Pick<ClaimedDelivery, "id" | "attempt">,
  outcome: AttemptOutcome,
  next: { status: "delivered" | "failed" } | { status: "pending"; retryAt: Date },
): Promise<boolean> {
  await tx.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, latency_ms, error, dispatcher) VALUES ($1, $2, $3, $4, $5, $6)`,
    [claimed.id, claimed.attempt, outcome.statusCode, Math.round(outcome.latencyMs), outcome.error, outcome.dispatcher],
  );
  const res = await tx.query(
    `UPDATE webhook_deliveries
        SET status = $3, last_status_code = $4, last_error = $5,
            next_attempt_at = COALESCE($6, next_attempt_at),
            finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [claimed.id, claimed.attempt, next.status, outcome.statusCode, outcome.error, next.status === "pending" ? next.retryAt : null],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Forgets settled deliveries (and their attempts) created before `before`; pending ones are kept whatever their age. */
export async function pruneDeliveries(q: Queryable, before: Date): Promise<number> {
  const res = await q.query(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1`, [before]);
  return res.rowCount ?? 0;
}

/** Outbox depth by status, for /metrics. */
export async function deliveryCounts(q: Queryable): Promise<Record<DeliveryStatus, number>> {
  const res = await q.query<{ status: DeliveryStatus; n: number }>(`SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status`);
  const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, cancelled: 0 };
  for (const r of res.rows) out[r.status] = r.n;
  return out;
}
