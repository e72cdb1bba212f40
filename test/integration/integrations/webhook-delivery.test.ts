// Webhook delivery end to end on a real PostgreSQL and a real HTTP receiver:
// the outbox is filled in the event's own transaction (a breaker trip, an
// incident opening), the dispatcher POSTs, signs, retries with backoff,
// times out hung receivers, and two dispatchers never make the same attempt.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../helpers/database.ts";
import { startReceiver, type Receiver } from "../../helpers/webhook-receiver.ts";
import { createPool, withTransaction } from "@/lib/db/ingest-store.ts";
import { enqueueWebhookEvent, insertWebhook } from "@/lib/db/webhook-store.ts";
import { observeRecords, operateBreaker, type BreakerSettings } from "@/lib/engine/breaker/breaker-runner.ts";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import type { ObservedRecord } from "@/lib/engine/breaker/edge-breakers.ts";
import { createWebhookDispatcher, type AttemptReport, type WebhookDispatcher } from "@/lib/integrations/webhooks/dispatcher.ts";
import { verifySignature } from "@/lib/integrations/webhooks/signature.ts";
import { sealerOf, sealPlaintextWebhooks, webhookSealingKey } from "@/lib/integrations/webhooks/webhook-sealing.ts";
import { sealingKeyOf } from "@/lib/integrations/webhooks/secret-box.ts";
import { instanceKeyFromSeed } from "@/lib/config/instance-key.ts";
import { generateKeyPair } from "@/lib/protocol/keys.ts";
import type { JsonPayload, SlackPayload } from "@/lib/integrations/webhooks/payloads.ts";
import type { WebhookEventType } from "@/lib/integrations/webhooks/events.ts";
import { groupFindings } from "@/lib/engine/incidents/incident-runner.ts";
import { bad, recordRow, store } from "../lineage/lineage-fixtures.ts";
import { insertFinding } from "../incidents/incident-fixtures.ts";
import { breakerTripped } from "../../unit/integrations/webhook-fixtures.ts";

// The dispatcher opens sealed URLs and secrets with the instance key's derived key.
process.env.FIREBREAK_INSTANCE_KEY = generateKeyPair().privateKey;
const tdb = await createTestDatabase();
const pool = createPool(tdb.url, 8);
const SECRET = "whsec_delivery-test-0123456789";
const settings: BreakerSettings = { policy: BreakerPolicy.parse({}), leadsToRed: new Set() };
const FAST = { baseMs: 20, capMs: 200, maxAttempts: 4 };
let receiver: Receiver;

const failing = (agent: string, receivers: string[], i: number): ObservedRecord => ({
  recordId: `${agent}-${receivers.join("+")}-${i}-${Math.random()}`,
  agent,
  receivers,
  at: Date.now() + i,
  verified: false,
  verdicts: ["bad_signature"],
  anomalous: false,
});

async function addWebhook(events: WebhookEventType[], format: "json" | "slack" = "json", secret: string | null = SECRET): Promise<string> {
  return (await insertWebhook(pool, "default", { name: `hook ${events.join(",")}`, url: receiver.url, urlDisplay: receiver.url, format, events, secret, createdBy: "test" }, sealerOf(webhookSealingKey()))).id;
}

/** Runs the dispatcher until nothing is pending (waiting out backoff), or gives up after `ms`. */
async function drain(d: WebhookDispatcher, ms = 10_000): Promise<AttemptReport[]> {
  const reports: AttemptReport[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    reports.push(...(await d.runOnce()));
    const pending = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`);
    if (pending.rows[0]!.n === 0) return reports;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`deliveries still pending after ${ms} ms`);
}

async function attemptsOf(deliveryId: string) {
  const res = await pool.query<{ attempt: number; status_code: number | null; latency_ms: number; error: string | null }>(
    `SELECT attempt, status_code, latency_ms, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt`,
    [deliveryId],
  );
  return res.rows;
}

beforeAll(async () => {
  receiver = await startReceiver();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE webhooks, webhook_deliveries, webhook_attempts, breaker_states, breaker_events RESTART IDENTITY CASCADE`);
  receiver.received.length = 0;
  receiver.fallback = 200;
});
afterAll(async () => {
  await receiver.close();
  await pool.end();
  await tdb.drop();
});

describe("the outbox", () => {
  it("a breaker trip queues a delivery in the trip's transaction, and the dispatcher sends it signed", async () => {
    const id = await addWebhook(["breaker.tripped"]);
    await addWebhook(["incident.opened"]); // not subscribed: gets nothing
    await observeRecords(pool, "default", [0, 1, 2].map((i) => failing("planner", ["buyer"], i)), settings);
    const queued = await pool.query<{ webhook_id: string; event_type: string; status: string }>(`SELECT webhook_id::text, event_type, status FROM webhook_deliveries`);
    expect(queued.rows).toEqual([{ webhook_id: id, event_type: "breaker.tripped", status: "pending" }]);

    const d = createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST, name: "d1" });
    const reports = await drain(d);
    expect(reports.map((r) => [r.attempt, r.settled])).toEqual([[1, "delivered"]]);
    expect(receiver.received).toHaveLength(1);
    const req = receiver.received[0]!;
    expect(req.headers["x-firebreak-event"]).toBe("breaker.tripped");
    expect(verifySignature(SECRET, req.body, req.headers["x-firebreak-signature"] as string, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    const payload = JSON.parse(req.body) as JsonPayload;
    expect(payload.type).toBe("breaker.tripped");
    expect(payload.data).toMatchObject({ edge: { sender: "planner", receiver: "buyer" }, from: "CLOSED", to: "OPEN", cause: "failures" });
    expect(payload.id).toBe(req.headers["x-firebreak-event-id"]);
    const log = await attemptsOf(reports[0]!.deliveryId);
    expect(log).toMatchObject([{ attempt: 1, status_code: 200, error: null }]);
    const row = await pool.query(`SELECT status, finished_at IS NOT NULL AS finished FROM webhook_deliveries WHERE id = $1`, [reports[0]!.deliveryId]);
    expect(row.rows[0]).toEqual({ status: "delivered", finished: true });
  });

  it("rolls back with the event: a failed transaction leaves no delivery", async () => {
    await addWebhook(["breaker.tripped"]);
    await expect(
      withTransaction(pool, async (tx) => {
        await enqueueWebhookEvent(tx, "default", breakerTripped());
        throw new Error("the event's own write failed");
      }),
    ).rejects.toThrow("the event's own write failed");
    expect((await pool.query(`SELECT 1 FROM webhook_deliveries`)).rowCount).toBe(0);
  });

  it("the edge kill switch queues kill_switch.changed, in Slack format for a Slack webhook", async () => {
    await addWebhook(["kill_switch.changed"], "slack", null);
    const res = await operateBreaker(pool, "default", { sender: "planner", receiver: "buyer" }, { type: "force_open", at: Date.now(), actor: "alice", reason: "contain it" }, settings);
    expect(res.rejected).toBeNull();
    await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }));
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers["x-firebreak-signature"]).toBeUndefined();
    const slack = JSON.parse(receiver.received[0]!.body) as SlackPayload;
    expect(slack.text).toBe("Kill switch thrown: edge planner -> buyer");
    expect(slack.blocks[0]!.type).toBe("section");
  });

  it("an incident opening queues incident.opened in the grouping transaction", async () => {
    await addWebhook(["incident.opened"]);
    await store(pool, [recordRow("O", { agent: "mallory", verdicts: bad(), at: 0 }), recordRow("M", { agent: "planner", parents: ["O"], at: 1 })]);
    const grouped = await groupFindings(pool, "default", [await insertFinding(pool, { recordId: "M", agent: "planner", at: 1 })]);
    expect(grouped.opened).toHaveLength(1);
    await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }));
    const payload = JSON.parse(receiver.received[0]!.body) as JsonPayload;
    expect(payload.type).toBe("incident.opened");
    expect(payload.data).toMatchObject({ incident: { id: grouped.opened[0], agents: expect.arrayContaining(["planner"]) as unknown } });
  });
});

describe("retries", () => {
  it("a receiver answering 500 twice then 200 gets 3 attempts, all logged, spaced by the backoff", async () => {
    const id = await addWebhook(["breaker.tripped"]);
    await enqueueWebhookEvent(pool, "default", breakerTripped());
    receiver.script(500, 500, 200);
    const reports = await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST, random: () => 1 }));
    expect(reports.map((r) => [r.attempt, r.result.statusCode, r.settled])).toEqual([
      [1, 500, "pending"],
      [2, 500, "pending"],
      [3, 200, "delivered"],
    ]);
    const log = await attemptsOf(reports[0]!.deliveryId);
    expect(log.map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 500, "HTTP 500"],
      [3, 200, null],
    ]);
    for (const a of log) expect(a.latency_ms).toBeGreaterThanOrEqual(0);
    // Backoff: 20 ms after the first failure, 40 ms after the second (random = 1: no jitter below the schedule).
    const at = receiver.received.map((r) => r.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(18);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(38);
    // Every attempt carried the same event id and its own attempt number.
    expect(new Set(receiver.received.map((r) => r.headers["x-firebreak-event-id"])).size).toBe(1);
    expect(receiver.received.map((r) => r.headers["x-firebreak-attempt"])).toEqual(["1", "2", "3"]);
    const w = await pool.query(`SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE webhook_id = $1`, [id]);
    expect(w.rows[0]).toEqual({ status: "delivered", attempts: 3, last_status_code: 200 });
  });

  it("gives up after the last attempt and marks the delivery failed", async () => {
    await addWebhook(["breaker.tripped"]);
    await enqueueWebhookEvent(pool, "default", breakerTripped());
    receiver.fallback = 503;
    const reports = await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }));
    expect(reports.map((r) => r.settled)).toEqual(["pending", "pending", "pending", "failed"]);
    const row = await pool.query(`SELECT status, attempts, last_error FROM webhook_deliveries`);
    expect(row.rows[0]).toEqual({ status: "failed", attempts: 4, last_error: "HTTP 503" });
  });

  it("a receiver that hangs is timed out and tried again", async () => {
    await addWebhook(["breaker.tripped"]);
    await enqueueWebhookEvent(pool, "default", breakerTripped());
    receiver.script("hang", 200);
    const started = Date.now();
    const reports = await drain(createWebhookDispatcher(pool, { timeoutMs: 300, backoff: FAST }));
    expect(reports.map((r) => [r.attempt, r.result.statusCode, r.settled])).toEqual([
      [1, null, "pending"],
      [2, 200, "delivered"],
    ]);
    expect(reports[0]!.result.error).toBe("timed out after 300 ms");
    expect(reports[0]!.result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
    const log = await attemptsOf(reports[0]!.deliveryId);
    expect(log.map((a) => [a.attempt, a.error])).toEqual([
      [1, "timed out after 300 ms"],
      [2, null],
    ]);
  });

  it("does not follow redirects: a 3xx is a failed attempt that says to update the URL", async () => {
    await addWebhook(["breaker.tripped"]);
    await enqueueWebhookEvent(pool, "default", breakerTripped());
    receiver.script(302);
    const [first] = await createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }).runOnce();
    expect(first!.settled).toBe("pending");
    expect(first!.result.error).toMatch(/^redirect to .* not followed: update the URL$/);
  });
});

describe("the delivery log", () => {
  it("is pruned of settled deliveries past the retention, never of pending ones", async () => {
    const { pruneDeliveries } = await import("@/lib/db/webhook-store.ts");
    await addWebhook(["breaker.tripped"]);
    for (let i = 0; i < 3; i++) await enqueueWebhookEvent(pool, "default", breakerTripped({ detail: `old ${i}` }), new Date(Date.now() - 40 * 86_400_000));
    await pool.query(`UPDATE webhook_deliveries SET status = 'delivered' WHERE event->'event'->'data'->>'detail' IN ('old 0', 'old 1')`);
    await enqueueWebhookEvent(pool, "default", breakerTripped({ detail: "recent" }));
    await pool.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE event->'event'->'data'->>'detail' = 'recent'`);
    expect(await pruneDeliveries(pool, new Date(Date.now() - 30 * 86_400_000))).toBe(2);
    const left = await pool.query<{ detail: string; status: string }>(`SELECT event->'event'->'data'->>'detail' AS detail, status FROM webhook_deliveries ORDER BY id`);
    expect(left.rows).toEqual([
      { detail: "old 2", status: "pending" },
      { detail: "recent", status: "failed" },
    ]);
  });
});

describe("several dispatchers", () => {
  it("never make the same attempt twice: every delivery reaches the receiver exactly once", async () => {
    await addWebhook(["breaker.tripped"]);
    const N = 40;
    for (let i = 0; i < N; i++) await enqueueWebhookEvent(pool, "default", breakerTripped({ detail: `trip ${i}` }));
    const a = createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST, batch: 5, name: "a" });
    const b = createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST, batch: 5, name: "b" });
    const reports: AttemptReport[] = [];
    // Both claim side by side, round after round, until the outbox is empty.
    for (let round = 0; round < 50 && reports.length < N; round++) {
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      reports.push(...ra, ...rb);
    }
    expect(reports).toHaveLength(N);
    const ids = receiver.received.map((r) => r.headers["x-firebreak-delivery"]);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    const byDispatcher = await pool.query<{ dispatcher: string; n: number }>(`SELECT dispatcher, count(*)::int AS n FROM webhook_attempts GROUP BY dispatcher ORDER BY dispatcher`);
    expect(byDispatcher.rows.map((r) => r.dispatcher)).toEqual(["a", "b"]);
    const delivered = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'delivered' AND attempts = 1`);
    expect(delivered.rows[0]!.n).toBe(N);
  });

  it("a stale dispatcher whose lease ran out cannot log the attempt its successor made", async () => {
    await addWebhook(["breaker.tripped"]);
    await enqueueWebhookEvent(pool, "default", breakerTripped());
    const { claimDueDeliveries, recordAttempt } = await import("@/lib/db/webhook-store.ts");
    const [first] = await claimDueDeliveries(pool, 1, 0); // lease of 0 ms: due again at once
    const [second] = await claimDueDeliveries(pool, 1, 60_000);
    expect([first!.attempt, second!.attempt]).toEqual([1, 2]);
    const outcome = { statusCode: 200, latencyMs: 5, error: null, dispatcher: "x" };
    expect(await recordAttempt(pool, second!, outcome, { status: "delivered" })).toBe(true);
    // The first dispatcher comes back late: its attempt is logged, but it cannot change the settled delivery.
    expect(await recordAttempt(pool, first!, { ...outcome, statusCode: 500, error: "HTTP 500" }, { status: "failed" })).toBe(false);
    await expect(recordAttempt(pool, second!, outcome, { status: "delivered" })).rejects.toThrow(/duplicate key/);
    const row = await pool.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(row.rows[0]).toEqual({ status: "delivered", attempts: 2 });
  });
});

describe("secrets at rest", () => {
  async function legacyRow(secret: string | null): Promise<string> {
    // As the version before sealing wrote it: URL and secret in plaintext.
    const res = await pool.query<{ id: string }>(
      `INSERT INTO webhooks (name, url, format, events, secret, created_by) VALUES ('legacy', $1, 'json', $2, $3, 'test') RETURNING id::text AS id`,
      [receiver.url, ["breaker.tripped"], secret],
    );
    return res.rows[0]!.id;
  }

  it("seals rows stored in plaintext by an earlier version, once, audited; deliveries stay signed with the same secret", async () => {
    const signed = await legacyRow(SECRET);
    const unsigned = await legacyRow(null);
    await pool.query(`TRUNCATE audit_entries`);
    expect(await sealPlaintextWebhooks(pool)).toBe(2);
    expect(await sealPlaintextWebhooks(pool)).toBe(0);
    const rows = await pool.query<{ id: string; url: string | null; secret: string | null; url_display: string; url_sealed: string; secret_sealed: string | null }>(
      `SELECT id::text, url, secret, url_display, url_sealed, secret_sealed FROM webhooks ORDER BY id`,
    );
    expect(rows.rows.map((r) => [r.id, r.url, r.secret, r.url_display])).toEqual([
      [signed, null, null, receiver.url],
      [unsigned, null, null, receiver.url],
    ]);
    expect(rows.rows[0]!.secret_sealed).toMatch(/^fbs1\./);
    expect(rows.rows[1]!.secret_sealed).toBeNull();
    expect(JSON.stringify(rows.rows)).not.toContain(SECRET);
    const audit = await pool.query<{ actor: string; action: string; detail: { webhooks: string[] } }>(`SELECT actor, action, detail FROM audit_entries`);
    expect(audit.rows).toMatchObject([{ actor: "system (start)", action: "webhook.seal_secrets", detail: { webhooks: [signed, unsigned] } }]);

    await observeRecords(pool, "default", [0, 1, 2].map((i) => failing("planner", ["buyer"], i)), settings);
    const reports = await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }));
    expect(reports.map((r) => r.settled)).toEqual(["delivered", "delivered"]);
    const byHook = new Map(receiver.received.map((r) => [r.headers["x-firebreak-delivery"], r]));
    const signedReq = byHook.get(reports.find((r) => r.webhookId === signed)!.deliveryId)!;
    expect(verifySignature(SECRET, signedReq.body, signedReq.headers["x-firebreak-signature"] as string, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    expect(byHook.get(reports.find((r) => r.webhookId === unsigned)!.deliveryId)!.headers["x-firebreak-signature"]).toBeUndefined();
  });

  it("a sealed secret copied onto another webhook, or a database moved under another instance key, fails the delivery at once and sends nothing", async () => {
    const a = await addWebhook(["breaker.tripped"]);
    const b = await addWebhook(["breaker.tripped"], "json", "whsec_the-other-secret-0123");
    await pool.query(`UPDATE webhooks SET secret_sealed = (SELECT secret_sealed FROM webhooks WHERE id = $1) WHERE id = $2`, [a, b]);
    await observeRecords(pool, "default", [0, 1, 2].map((i) => failing("planner", ["buyer"], i)), settings);
    const reports = await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST }));
    const copied = reports.find((r) => r.webhookId === b)!;
    expect(copied).toMatchObject({ attempt: 1, settled: "failed" });
    expect(copied.result.error).toMatch(new RegExp(`webhook ${b}: the stored secret failed its integrity check`));
    expect(receiver.received.map((r) => r.headers["x-firebreak-delivery"])).toEqual([reports.find((r) => r.webhookId === a)!.deliveryId]);

    receiver.received.length = 0;
    await pool.query(`TRUNCATE webhook_deliveries, breaker_states, breaker_events RESTART IDENTITY CASCADE`);
    await observeRecords(pool, "default", [0, 1, 2].map((i) => failing("planner", ["buyer"], i)), settings);
    const elsewhere = sealingKeyOf(instanceKeyFromSeed(generateKeyPair().privateKey));
    const moved = await drain(createWebhookDispatcher(pool, { timeoutMs: 2_000, backoff: FAST, sealingKey: elsewhere }));
    expect(moved.map((r) => r.settled)).toEqual(["failed", "failed"]);
    expect(moved[0]!.result.error).toMatch(/was sealed under instance key fb-instance-[0-9a-f]{16}, but this instance runs fb-instance-/);
    expect(receiver.received).toHaveLength(0);
  });
});
