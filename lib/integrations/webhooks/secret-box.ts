// Webhook secrets at rest: a destination's signing secret and its URL (a
// Slack-style URL carries its credential in the path) are sealed with
// AES-256-GCM under a key derived from the instance key with HKDF-SHA256.
// A database dump, a backup or a read-only SQL account then shows neither;
// only a process holding FIREBREAK_INSTANCE_KEY can open them. Each sealed
// value is bound (GCM additional data) to its webhook id and its field, so a
// ciphertext copied onto another row or into the other column does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { InstanceKey } from "../../config/instance-key.ts";
import { decodeBase64url, encodeBase64url } from "../../protocol/base64url.ts";

const VERSION = "fbs1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
// A fixed salt is fine for HKDF when the input key is already uniformly random (RFC 5869 §3.1).
const HKDF_SALT = Buffer.from("firebreak.instance-key.hkdf-salt.v1", "utf8");
const HKDF_INFO = Buffer.from("firebreak/webhook-secrets/aes-256-gcm/v1", "utf8");

export type SealedField = "url" | "secret";

export interface SealingKey {
  /** The instance key id (fb-instance-…) the key was derived from: named in errors when a value was sealed under another. */
  instanceKeyId: string;
  /** Short tag written into every sealed value, so a value sealed under another instance key is told apart from a tampered one. */
  tag: string;
  key: Buffer;
}

export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedSecretError";
  }
}

/** The webhook sealing key of an instance key: HKDF-SHA256 over its Ed25519 seed. */
export function sealingKeyOf(instance: InstanceKey): SealingKey {
  const seed = instance.privateKey.export({ format: "jwk" }).d;
  if (typeof seed !== "string") throw new Error("the instance key has no private seed to derive the webhook sealing key from");
  const ikm = decodeBase64url(seed);
  if (ikm === null) throw new Error("the instance key's seed is not base64url");
  const key = Buffer.from(hkdfSync("sha256", ikm, HKDF_SALT, HKDF_INFO, 32));
  return { instanceKeyId: instance.keyId, tag: instance.keyId.replace(/^fb-instance-/, ""), key };
}

function additionalData(webhookId: string, field: SealedField): Buffer {
  return Buffer.from(`firebreak.webhook:${webhookId}:${field}`, "utf8");
}

/** `fbs1.<key tag>.<iv>.<ciphertext>.<auth tag>`, base64url parts; a fresh random IV every time. */
export function sealValue(key: SealingKey, webhookId: string, field: SealedField, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(webhookId, field));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, key.tag, encodeBase64url(iv), encodeBase64url(body), encodeBase64url(cipher.getAuthTag())].join(".");
}

export function isSealedValue(text: string): boolean {
  return text.startsWith(`${VERSION}.`);
}

/** The plaintext of a sealed value; throws SealedSecretError saying what went wrong and what to do. */
export function openValue(key: SealingKey, webhookId: string, field: SealedField, sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new SealedSecretError(`webhook ${webhookId}: the stored ${field} is not a sealed value (${VERSION}.…); delete the webhook and create it again`);
  }
  const [, tag, ivText, bodyText, authText] = parts as [string, string, string, string, string];
  if (tag !== key.tag) {
    throw new SealedSecretError(
      `webhook ${webhookId}: its ${field} was sealed under instance key fb-instance-${tag}, but this instance runs ${key.instanceKeyId}: ` +
        `restore the FIREBREAK_INSTANCE_KEY it was created with, or delete the webhook and create it again`,
    );
  }
  const iv = decodeBase64url(ivText);
  const body = decodeBase64url(bodyText);
  const auth = decodeBase64url(authText);
  if (iv === null || body === null || auth === null || iv.length !== IV_BYTES || auth.length !== TAG_BYTES) {
    throw new SealedSecretError(`webhook ${webhookId}: the stored ${field} is malformed; delete the webhook and create it again`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(webhookId, field));
    decipher.setAuthTag(auth);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedSecretError(`webhook ${webhookId}: the stored ${field} failed its integrity check (altered, or copied from another webhook); delete the webhook and create it again`);
  }
}
