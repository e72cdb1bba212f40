// The instance key: the Ed25519 key this Firebreak installation signs with
// (audit checkpoints, approval records, exported report bundles). The
// launcher keeps it in the data folder, like the admin token, and hands it
// to every process it starts as FIREBREAK_INSTANCE_KEY (the raw seed,
// base64url), so all of them sign as one instance.
import { createHash, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeOnce } from "./write-once.ts";
import path from "node:path";
import { generateKeyPair, privateKeyFromSeed, rawPublicKey } from "../protocol/keys.ts";

export interface InstanceKey {
  /** `fb-instance-<first 8 bytes of sha256(public key), hex>`: stable for a key, names it in signatures. */
  keyId: string;
  /** Raw public key, base64url: what an offline verifier needs. */
  publicKey: string;
  privateKey: KeyObject;
}

export const INSTANCE_KEY_ENV = "FIREBREAK_INSTANCE_KEY";

export function instanceKeyId(publicKey: string): string {
  return `fb-instance-${createHash("sha256").update(publicKey).digest("hex").slice(0, 16)}`;
}

/** The key a raw base64url seed stands for. Throws when the seed is malformed. */
export function instanceKeyFromSeed(seed: string): InstanceKey {
  const privateKey = privateKeyFromSeed(seed.trim());
  const publicKey = rawPublicKey(privateKey);
  return { keyId: instanceKeyId(publicKey), publicKey, privateKey };
}

/**
 * FIREBREAK_INSTANCE_KEY when set; otherwise the seed kept in the data
 * folder, generated on the first start and readable by its owner only.
 * Returns the seed, which the launcher passes on to its children.
 */
export function ensureInstanceKeySeed(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv && fromEnv.trim() !== "") {
    instanceKeyFromSeed(fromEnv); // fail at start, not at the first signature
    return fromEnv.trim();
  }
  const file = path.join(dataDir, "instance-key");
  if (existsSync(file)) {
    const seed = readFileSync(file, "utf8").trim();
    instanceKeyFromSeed(seed);
    return seed;
  }
  // Processes starting together must all end up signing with one key.
  const seed = writeOnce(file, `${generateKeyPair().privateKey}\n`).content.trim();
  instanceKeyFromSeed(seed);
  return seed;
}

let cached: { seed: string; key: InstanceKey } | null = null;

/** The instance key from the environment; throws with what to do when it is not set. */
export function instanceKey(env: Record<string, string | undefined> = process.env): InstanceKey {
  const seed = env[INSTANCE_KEY_ENV]?.trim();
  if (!seed) {
    throw new Error(`${INSTANCE_KEY_ENV} is not set: start Firebreak with \`npm start\` (it keeps the key in the data folder), or set it to a base64url Ed25519 seed`);
  }
  if (cached?.seed !== seed) cached = { seed, key: instanceKeyFromSeed(seed) };
  return cached.key;
}
