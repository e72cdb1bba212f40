// The /api/v1/webhooks route handlers as Next calls them, on a real
// database: admin-only, URL validation, write-only secrets, the audit trail
// of every change, disable cancelling what was pending, and the delivery log.
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "@/lib/protocol/keys.ts";
import { openApiDatabase, get, send, params, expectBody, expectError } from "../engine-api/api-harness.ts";

// Webhook URLs and secrets are sealed under a key derived from the instance key.
process.env.FIREBREAK_INSTANCE_KEY = generateKeyPair().privateKey;
const db = await openApiDatabase();
const list = await import("@/app/api/v1/webhooks/route.ts");
const one = await import("@/app/api/v1/webhooks/[id]/route.ts");
const deliveries = await import("@/app/api/v1/webhooks/[id]/deliveries/route.ts");
const { WebhookCreatedView, WebhookDeliveriesPage, WebhookView, WebhooksResponse } = await import("@/lib/api/webhook-views.ts");
const { DeletedView } = await import("@/lib/api/engine-views.ts");
const { enqueueWebhookEvent } = await import("@/lib/db/webhook-store.ts");
const { createWebhookDispatcher } = await import("@/lib/integrations/webhooks/dispatcher.ts");
const { readAuditEntries } = await import("@/lib/db/audit-store.ts");
const { startReceiver } = await import("../../helpers/webhook-receiver.ts");
const { breakerTripped } = await import("../../unit/integrations/webhook-fixtures.ts");

const receiver = await startReceiver();
afterAll(async () => {
  await receiver.close();
  await db.close();
});

const SLACK_URL = "https://hooks.slack.com/services/T000/B000/very-secret-token";

describe("/api/v1/webhooks", () => {
  it("needs credentials", async () => {
    expect((await list.GET(get("/api/v1/webhooks", {}))).status).toBe(401);
    expect((await list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: receiver.url, events: ["breaker.tripped"] }, {}))).status).toBe(401);
  });

  it("refuses URLs that are not http(s) or carry credentials, and empty subscriptions, saying what to fix", async () => {
    const ftp = await expectError(list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: "ftp://example.com/x", events: ["breaker.tripped"] })), 400);
    expect(ftp.message).toBe("url: only http and https URLs are allowed, not ftp");
    expect(ftp.details).toEqual([{ path: "body.url", message: "only http and https URLs are allowed, not ftp" }]);
    const creds = await expectError(list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: "https://u:p@example.com/", events: ["breaker.tripped"] })), 400);
    expect(creds.message).toMatch(/remove the user name and password/);
    const none = await expectError(list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: receiver.url, events: [] })), 400);
    expect(none.message).toMatch(/^invalid body: body.events: subscribe to at least one event/);
    const unknown = await expectError(list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: receiver.url, events: ["record.stored"] })), 400);
    expect(unknown.details[0]!.path).toBe("body.events[0]");
    const short = await expectError(list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: receiver.url, events: ["breaker.tripped"], secret: "short" })), 400);
    expect(short.message).toMatch(/secret must be at least 16 characters/);
    const both = await expectError(
      list.POST(send("POST", "/api/v1/webhooks", { name: "x", url: receiver.url, events: ["breaker.tripped"], secret: "0123456789abcdef", generateSecret: true })),
      400,
    );
    expect(both.message).toMatch(/either `secret` or `generateSecret: true`/);
    expect((await db.pool.query(`SELECT 1 FROM webhooks`)).rowCount).toBe(0);
  });

  let slackId = "";
  let jsonId = "";
  let generated = "";

  it("creates destinations: a generated secret is shown once, a given one never; URLs come back redacted; every creation audited", async () => {
    const slack = await expectBody(
      list.POST(send("POST", "/api/v1/webhooks", { name: "#sec-oncall", url: SLACK_URL, format: "slack", events: ["incident.opened", "breaker.tripped", "incident.opened"], secret: "my-own-secret-0123456789" })),
      201,
      WebhookCreatedView,
    );
    slackId = slack.id;
    expect(slack).toMatchObject({ name: "#sec-oncall", url: "https://hooks.slack.com/services/…", format: "slack", events: ["incident.opened", "breaker.tripped"], signed: true, enabled: true, secret: null, createdBy: "admin (bearer)" });
    const json = await expectBody(
      list.POST(send("POST", "/api/v1/webhooks", { name: "pager relay", url: receiver.url, events: ["breaker.tripped"], generateSecret: true })),
      201,
      WebhookCreatedView,
    );
    jsonId = json.id;
    expect(json.format).toBe("json");
    expect(json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    generated = json.secret!;

    const listed = await expectBody(list.GET(get("/api/v1/webhooks")), 200, WebhooksResponse);
    expect(listed.webhooks.map((w) => w.id)).toEqual([slackId, jsonId]);
    const text = JSON.stringify(listed);
    for (const secret of [generated, "my-own-secret-0123456789", "very-secret-token"]) expect(text).not.toContain(secret);
    expect(listed.webhooks[1]).toMatchObject({ signed: true, lastDelivery: null, pending: 0, failed24h: 0 });

    const audit = await readAuditEntries(db.pool);
    expect(audit.map((e) => [e.action, e.target, e.actor])).toEqual([
      ["webhook.create", `webhook:${slackId}`, "admin (bearer)"],
      ["webhook.create", `webhook:${jsonId}`, "admin (bearer)"],
    ]);
    expect(JSON.stringify(audit)).not.toContain(generated);
    expect(JSON.stringify(audit)).not.toContain("very-secret-token");
    expect(audit[0]!.detail).toMatchObject({ url: "https://hooks.slack.com/services/…", signed: true });

    // At rest: neither secret nor the Slack URL's token is anywhere in the rows, only sealed values.
    const rows = await db.pool.query<{ row: Record<string, unknown> }>(`SELECT row_to_json(w) AS row FROM webhooks w ORDER BY id`);
    const stored = JSON.stringify(rows.rows);
    for (const secret of [generated, "my-own-secret-0123456789", "very-secret-token"]) expect(stored).not.toContain(secret);
    expect(rows.rows.map((r) => r.row.url_display)).toEqual(["https://hooks.slack.com/services/…", receiver.url]);
    expect(rows.rows.map((r) => [r.row.url, r.row.secret])).toEqual([[null, null], [null, null]]);
    for (const r of rows.rows) expect(r.row.url_sealed).toMatch(/^fbs1\./);
    expect(rows.rows.map((r) => typeof r.row.secret_sealed === "string" && r.row.secret_sealed.startsWith("fbs1."))).toEqual([true, true]);
  });

  it("shows the delivery log with every attempt, and the last status on the list", async () => {
    await enqueueWebhookEvent(db.pool, "default", breakerTripped());
    receiver.script(500);
    const d = createWebhookDispatcher(db.pool, { timeoutMs: 2_000, backoff: { baseMs: 10, capMs: 10, maxAttempts: 3 } });
    // Only the JSON hook can be reached; the Slack one is disabled below before it is tried again.
    await one.PATCH(send("PATCH", `/api/v1/webhooks/${slackId}`, { enabled: false }), params({ id: slackId }));
    for (let i = 0; i < 20; i++) {
      await d.runOnce();
      const left = await db.pool.query(`SELECT 1 FROM webhook_deliveries WHERE status = 'pending'`);
      if (left.rowCount === 0) break;
      await new Promise((r) => setTimeout(r, 15));
    }
    const page = await expectBody(deliveries.GET(get(`/api/v1/webhooks/${jsonId}/deliveries`), params({ id: jsonId })), 200, WebhookDeliveriesPage);
    expect(page.nextBefore).toBeNull();
    expect(page.deliveries).toHaveLength(1);
    const [delivery] = page.deliveries;
    expect(delivery).toMatchObject({ eventType: "breaker.tripped", status: "delivered", attempts: 2, lastStatusCode: 200, headline: "Breaker tripped: planner -> buyer is OPEN" });
    expect(delivery!.attemptLog.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 200, null],
    ]);
    const listed = await expectBody(list.GET(get("/api/v1/webhooks")), 200, WebhooksResponse);
    expect(listed.webhooks.find((w) => w.id === jsonId)!.lastDelivery).toMatchObject({ status: "delivered", statusCode: 200, error: null });
    const slack = listed.webhooks.find((w) => w.id === slackId)!;
    expect(slack.enabled).toBe(false);
    expect(slack.lastDelivery).toMatchObject({ status: "cancelled" });

    const filtered = await expectBody(deliveries.GET(get(`/api/v1/webhooks/${jsonId}/deliveries?status=failed`), params({ id: jsonId })), 200, WebhookDeliveriesPage);
    expect(filtered.deliveries).toEqual([]);
    const badQuery = await expectError(deliveries.GET(get(`/api/v1/webhooks/${jsonId}/deliveries?limit=0`), params({ id: jsonId })), 400);
    expect(badQuery.message).toMatch(/limit must be at least 1/);
    await expectError(deliveries.GET(get(`/api/v1/webhooks/999/deliveries`), params({ id: "999" })), 404);
  });

  it("pages the log newest first", async () => {
    for (let i = 0; i < 3; i++) await enqueueWebhookEvent(db.pool, "default", breakerTripped({ detail: `more ${i}` }));
    const first = await expectBody(deliveries.GET(get(`/api/v1/webhooks/${jsonId}/deliveries?limit=2`), params({ id: jsonId })), 200, WebhookDeliveriesPage);
    expect(first.deliveries).toHaveLength(2);
    expect(first.nextBefore).toBe(first.deliveries[1]!.id);
    const second = await expectBody(deliveries.GET(get(`/api/v1/webhooks/${jsonId}/deliveries?limit=2&before=${first.nextBefore}`), params({ id: jsonId })), 200, WebhookDeliveriesPage);
    expect(second.deliveries.map((d) => d.status)).toEqual(["pending", "delivered"]);
    expect(second.nextBefore).toBeNull();
    const ids = [...first.deliveries, ...second.deliveries].map((d) => Number(d.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("disables (cancelling what was pending), re-enables and deletes, each audited", async () => {
    const off = await expectBody(one.PATCH(send("PATCH", `/api/v1/webhooks/${jsonId}`, { enabled: false }), params({ id: jsonId })), 200, WebhookView);
    expect(off.enabled).toBe(false);
    expect(off.pending).toBe(0);
    const cancelled = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'cancelled'`, [jsonId]);
    expect(cancelled.rows[0]!.n).toBe(3);
    // Disabled: new events are not queued for it.
    await enqueueWebhookEvent(db.pool, "default", breakerTripped());
    expect((await db.pool.query(`SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'`, [jsonId])).rowCount).toBe(0);
    const on = await expectBody(one.PATCH(send("PATCH", `/api/v1/webhooks/${jsonId}`, { enabled: true }), params({ id: jsonId })), 200, WebhookView);
    expect(on.enabled).toBe(true);
    await expectError(one.PATCH(send("PATCH", `/api/v1/webhooks/${jsonId}`, { enabled: "yes" }), params({ id: jsonId })), 400);
    await expectError(one.PATCH(send("PATCH", "/api/v1/webhooks/nope", { enabled: true }), params({ id: "nope" })), 404);

    expect(await expectBody(one.DELETE(send("DELETE", `/api/v1/webhooks/${jsonId}`), params({ id: jsonId })), 200, DeletedView)).toEqual({ id: jsonId, deleted: true });
    await expectError(one.DELETE(send("DELETE", `/api/v1/webhooks/${jsonId}`), params({ id: jsonId })), 404);
    expect((await db.pool.query(`SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1`, [jsonId])).rowCount).toBe(0);

    const actions = (await readAuditEntries(db.pool)).map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual([
      `webhook.create webhook:${slackId}`,
      `webhook.create webhook:${jsonId}`,
      `webhook.disable webhook:${slackId}`,
      `webhook.disable webhook:${jsonId}`,
      `webhook.enable webhook:${jsonId}`,
      `webhook.delete webhook:${jsonId}`,
    ]);
  });
});
