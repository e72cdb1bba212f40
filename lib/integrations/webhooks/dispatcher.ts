// The dispatcher: claims due deliveries from the outbox, POSTs them, logs
// every attempt, and schedules retries. It runs beside the collector on its
// own small pool and its own timer: a slow or dead receiver costs it time,
// never the ingest path. Any number of collectors may run one; the claim
// (FOR UPDATE SKIP LOCKED plus a lease) hands each attempt to exactly one.
import { hostname } from "node:os";
import type pg from "pg";
import { claimDueDeliveries, pruneDeliveries, recordAttempt, type ClaimedDelivery } from "../../db/webhook-store.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.ts";
import { WebhookEvent } from "./events.ts";
import { renderPayload } from "./payloads.ts";
import { postWebhook, type SendResult } from "./send.ts";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
import type { SealingKey } from "./secret-box.ts";
import { destinationOf, webhookSealingKey } from "./webhook-sealing.ts";

export interface DispatcherOptions {
  /** How long one POST may take. */
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Deliveries claimed per round, and so POSTs in flight at most. */
  batch?: number;
  /** Pause between rounds when nothing was due. */
  idleMs?: number;
  /** Dashboard base URL for links in payloads (FIREBREAK_PUBLIC_URL). */
  publicUrl?: string | null;
  /** Names this dispatcher in the attempt log. */
  name?: string;
  random?: () => number;
  log?: (line: string) => void;
  /** Opens the stored URLs and secrets; default: derived from FIREBREAK_INSTANCE_KEY. */
  sealingKey?: SealingKey;
}

export interface DispatcherStats {
  rounds: number;
  attempts: number;
  delivered: number;
  retried: number;
  failed: number;
  errors: number;
  lastError: string | null;
}

export interface AttemptReport {
  deliveryId: string;
  webhookId: string;
  attempt: number;
  result: SendResult;
  settled: "delivered" | "failed" | "pending";
}

export interface WebhookDispatcher {
  /** One round: claim what is due, send it all, record it. Returns what it did. */
  runOnce(): Promise<AttemptReport[]>;
  stats(): DispatcherStats;
  /** Called after every attempt; /metrics counts and times them. */
  onAttempt: ((report: AttemptReport) => void) | null;
  stop(): Promise<void>;
}

export const DISPATCHER_DEFAULTS = { timeoutMs: 10_000, batch: 8, idleMs: 1_000 } as const;
/** The delivery log keeps settled deliveries this long; the audit trail keeps the configuration history for good. */
export const DELIVERY_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export function createWebhookDispatcher(pool: pg.Pool, options: DispatcherOptions = {}): WebhookDispatcher {
  const timeoutMs = options.timeoutMs ?? DISPATCHER_DEFAULTS.timeoutMs;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const batch = options.batch ?? DISPATCHER_DEFAULTS.batch;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const random = options.random ?? Math.random;
  // Past the timeout with room to record the attempt: a live dispatcher always settles before its lease ends.
  const leaseMs = timeoutMs * 2 + 5_000;
  let key: SealingKey | null = options.sealingKey ?? null;
  // Read on first use, so a dispatcher with nothing to send needs no key.
  const sealingKey = (): SealingKey => (key ??= webhookSealingKey());
  const stats: DispatcherStats = { rounds: 0, attempts: 0, delivered: 0, retried: 0, failed: 0, errors: 0, lastError: null };

  const self: WebhookDispatcher = {
    onAttempt: null,
    stats: () => ({ ...stats }),
    async runOnce() {
      stats.rounds++;
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claimDueDeliveries(pool, batch, leaseMs);
      } catch (err) {
        stats.errors++;
        stats.lastError = (err as Error).message;
        throw err;
      }
      return Promise.all(claimed.map((c) => attempt(c)));
    },
    stop: async () => {},
  };

  async function attempt(c: ClaimedDelivery): Promise<AttemptReport> {
    const parsed = WebhookEvent.safeParse(c.stored.event);
    let result: SendResult = { statusCode: null, latencyMs: 0, error: "not sent", ok: false };
    let unusable = !parsed.success;
    if (!parsed.success) {
      // Written by an older or newer Firebreak in a shape this one cannot render: fail it, do not loop on it.
      result = { statusCode: null, latencyMs: 0, error: `cannot render event: ${parsed.error.issues[0]?.message ?? "invalid"}`, ok: false };
    } else {
      const body = renderPayload(c.format, { ...c.stored, event: parsed.data }, options.publicUrl ?? null);
      const headers: Record<string, string> = {
        "user-agent": "Firebreak-Webhooks/1",
        "x-firebreak-event": parsed.data.type,
        "x-firebreak-event-id": c.stored.id,
        "x-firebreak-delivery": c.id,
        "x-firebreak-attempt": String(c.attempt),
      };
      let destination: { url: string; secret: string | null } | null = null;
      try {
        destination = destinationOf(c, sealingKey());
      } catch (err) {
        // Sealed under another instance key or altered: retrying cannot help, and sending unsigned would be worse.
        result = { statusCode: null, latencyMs: 0, error: (err as Error).message, ok: false };
        unusable = true;
      }
      if (destination) {
        if (destination.secret) headers[SIGNATURE_HEADER] = signatureHeader(destination.secret, body, Math.floor(Date.now() / 1000));
        result = await postWebhook(destination.url, body, headers, timeoutMs);
      }
    }
    const settled: AttemptReport["settled"] = result.ok ? "delivered" : unusable || c.attempt >= policy.maxAttempts ? "failed" : "pending";
    const next =
      settled === "pending" ? { status: "pending" as const, retryAt: new Date(Date.now() + backoffDelayMs(c.attempt, policy, random)) } : { status: settled };
    stats.attempts++;
    if (settled === "delivered") stats.delivered++;
    else if (settled === "failed") stats.failed++;
    else stats.retried++;
    try {
      await withTransaction(pool, (tx) => recordAttempt(tx, c, { ...result, dispatcher: name }, next));
    } catch (err) {
      stats.errors++;
      stats.lastError = (err as Error).message;
      options.log?.(`webhooks: could not record attempt ${c.attempt} of delivery ${c.id}: ${stats.lastError}`);
    }
    const report = { deliveryId: c.id, webhookId: c.webhookId, attempt: c.attempt, result, settled };
    self.onAttempt?.(report);
    return report;
  }

  return self;
}

/** Runs the dispatcher until stopped: rounds back to back while work is due, a pause when idle or after an error. */
export function startWebhookDispatcher(pool: pg.Pool, options: DispatcherOptions = {}): WebhookDispatcher {
  const d = createWebhookDispatcher(pool, options);
  const idleMs = options.idleMs ?? DISPATCHER_DEFAULTS.idleMs;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  let prunedAt = 0;
  const loop = async () => {
    while (!stopping) {
      let busy = false;
      if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await pruneDeliveries(pool, new Date(Date.now() - DELIVERY_RETENTION_MS)).catch((err: unknown) => options.log?.(`webhooks: pruning the delivery log failed: ${(err as Error).message}`));
      }
      try {
        busy = (await d.runOnce()).length > 0;
      } catch (err) {
        options.log?.(`webhooks: dispatcher round failed: ${(err as Error).message}`);
      }
      if (!stopping && !busy) await sleep(idleMs);
    }
  };
  const done = loop();
  d.stop = async () => {
    stopping = true;
    if (timer) clearTimeout(timer);
    wake?.();
    await done;
  };
  return d;
}
