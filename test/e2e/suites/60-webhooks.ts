// Settings > Webhooks: add a destination through the form (a generated
// secret shown once), a bad URL refused with the server's reason, real
// deliveries to a local receiver shown in the log with every attempt, and
// disabling a destination.
import assert from "node:assert/strict";
import { createPool } from "../../../lib/db/ingest-store.ts";
import { enqueueWebhookEvent } from "../../../lib/db/webhook-store.ts";
import { createWebhookDispatcher } from "../../../lib/integrations/webhooks/dispatcher.ts";
import { sealingKeyOf } from "../../../lib/integrations/webhooks/secret-box.ts";
import { instanceKeyFromSeed } from "../../../lib/config/instance-key.ts";
import { E2E_INSTANCE_SEED } from "../harness.ts";
import { verifySignature } from "../../../lib/integrations/webhooks/signature.ts";
import { startReceiver } from "../../helpers/webhook-receiver.ts";
import { breakerTripped } from "../../unit/integrations/webhook-fixtures.ts";
import { WAIT_MS, check, see, shot, type E2eContext } from "../kit.ts";

export default async function webhooks({ page, databaseUrl }: E2eContext): Promise<void> {
  const receiver = await startReceiver();
  const pool = createPool(databaseUrl, 2);
  let secret = "";
  try {
    await check("the sidebar leads to the webhooks screen, which starts empty", async () => {
      await page.goto("/");
      await page.getByRole("link", { name: /Webhooks/ }).click();
      await page.waitForURL((u) => u.pathname === "/settings/webhooks", { timeout: WAIT_MS });
      await see(page.getByText("No webhooks yet"), "the empty state");
    });

    await check("a URL with another scheme is refused with the server's reason", async () => {
      await page.getByLabel("Name", { exact: true }).fill("bad one");
      await page.getByLabel(/^URL/).fill("ftp://files.example.com/alerts");
      await page.getByRole("button", { name: "Add webhook" }).click();
      await see(page.getByText("url: only http and https URLs are allowed, not ftp"), "the reason");
    });

    await check("adding a destination shows its generated secret once, and the list never shows it", async () => {
      await page.getByLabel("Name", { exact: true }).fill("pager relay");
      await page.getByLabel(/^URL/).fill(receiver.url);
      await page.getByRole("button", { name: "Add webhook" }).click();
      const shown = page.getByTestId("generated-secret");
      await see(shown, "the generated secret");
      secret = (await shown.textContent()) ?? "";
      assert.match(secret, /^whsec_/);
      const table = page.getByRole("table", { name: "Webhooks" });
      await see(table.getByText("pager relay"), "the new row");
      await see(table.getByText("nothing sent yet"), "no delivery yet");
      assert.equal(((await table.textContent()) ?? "").includes(secret), false);
    });

    await check("deliveries and their attempts appear in the log: a 500, then a 200", async () => {
      await enqueueWebhookEvent(pool, "default", breakerTripped({ edge: { sender: "planner", receiver: "buyer" } }));
      receiver.script(500, 200);
      const d = createWebhookDispatcher(pool, {
        timeoutMs: 5_000,
        backoff: { baseMs: 50, capMs: 50, maxAttempts: 3 },
        // The dashboard sealed the destination under the instance key it runs with: this dispatcher opens it with the same one.
        sealingKey: sealingKeyOf(instanceKeyFromSeed(E2E_INSTANCE_SEED)),
      });
      // A collector started by an earlier check may run its own dispatcher on this database and take a turn: wait for both attempts, whoever makes them.
      const until = Date.now() + 20_000;
      while (Date.now() < until && receiver.received.length < 2) {
        await d.runOnce();
        await new Promise((r) => setTimeout(r, 60));
      }
      assert.equal(receiver.received.length, 2);
      const last = receiver.received[1]!;
      assert.deepEqual(verifySignature(secret, last.body, last.headers["x-firebreak-signature"] as string, Math.floor(Date.now() / 1000)), { ok: true });
      await page.getByRole("button", { name: "Delivery log" }).click();
      await page.waitForURL((u) => u.searchParams.get("webhook") !== null, { timeout: WAIT_MS });
      const log = page.getByRole("table", { name: "Delivery log" });
      await see(log.getByText("Breaker tripped: planner -> buyer is OPEN"), "the event's headline");
      await see(log.getByText(/^#1 HTTP 500/), "the failed first attempt");
      await see(log.getByText(/^#2 HTTP 200/), "the delivered second attempt");
      await see(page.getByRole("table", { name: "Webhooks" }).getByText("Delivered · 200"), "the last delivery on the list");
      await shot(page, "webhooks-light");
    });

    await check("disabling a destination says so", async () => {
      await page.getByRole("button", { name: "Disable" }).click();
      await see(page.getByRole("table", { name: "Webhooks" }).getByText("Disabled"), "the disabled badge");
      await see(page.getByRole("button", { name: "Enable" }), "the way back");
    });
  } finally {
    await pool.end();
    await receiver.close();
  }
}
