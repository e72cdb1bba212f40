// Where webhook URLs and secrets are sealed and opened: at creation (the API),
// just before a POST (the dispatcher), and once for rows written before
// sealing existed (the collector's start). See secret-box.ts for the cipher.
import type pg from "pg";
import { auditInTransaction } from "../../audit/audit-log.ts";
import { instanceKey } from "../../config/instance-key.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { lockPlaintextWebhooks, storeSealedWebhook, type ClaimedDelivery, type SealFor } from "../../db/webhook-store.ts";
import { openValue, sealingKeyOf, sealValue, type SealingKey } from "./secret-box.ts";
import { redactUrl } from "./webhook-url.ts";

let cached: { keyId: string; key: SealingKey } | null = null;

/** The sealing key of this instance (FIREBREAK_INSTANCE_KEY); throws with what to do when it is not set. */
export function webhookSealingKey(env: Record<string, string | undefined> = process.env): SealingKey {
  const instance = instanceKey(env);
  if (cached?.keyId !== instance.keyId) cached = { keyId: instance.keyId, key: sealingKeyOf(instance) };
  return cached.key;
}

export function sealerOf(key: SealingKey): SealFor {
  return (id, field, plaintext) => sealValue(key, id, field, plaintext);
}

/** The URL and secret a claimed delivery goes to; throws SealedSecretError when a sealed value does not open. */
export function destinationOf(c: Pick<ClaimedDelivery, "webhookId" | "urlSealed" | "secretSealed" | "legacyUrl" | "legacySecret">, key: SealingKey): { url: string; secret: string | null } {
  const url = c.urlSealed !== null ? openValue(key, c.webhookId, "url", c.urlSealed) : c.legacyUrl;
  if (url === null) throw new Error(`webhook ${c.webhookId} has no URL`);
  const secret = c.secretSealed !== null ? openValue(key, c.webhookId, "secret", c.secretSealed) : c.legacySecret;
  return { url, secret };
}

/**
 * Seals every webhook row still holding a plaintext URL or secret and clears
 * the plaintext, in one transaction with one audit entry. Idempotent: a
 * second run (another collector starting) finds nothing. Returns how many
 * rows it sealed.
 */
export async function sealPlaintextWebhooks(pool: pg.Pool, keyOf: () => SealingKey = webhookSealingKey): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const rows = await lockPlaintextWebhooks(tx);
    if (rows.length === 0) return 0;
    // Only now: an instance without webhooks to seal needs no key to start.
    const key = keyOf();
    for (const row of rows) {
      await storeSealedWebhook(tx, row.id, {
        urlDisplay: row.url === null ? null : redactUrl(row.url),
        urlSealed: row.url === null ? null : sealValue(key, row.id, "url", row.url),
        secretSealed: row.secret === null ? null : sealValue(key, row.id, "secret", row.secret),
      });
    }
    await auditInTransaction(tx, {
      actor: "system (start)",
      action: "webhook.seal_secrets",
      target: "webhooks",
      detail: { webhooks: rows.map((r) => r.id), instanceKey: key.instanceKeyId, cipher: "AES-256-GCM, HKDF-SHA256 from the instance key" },
    });
    return rows.length;
  });
}
