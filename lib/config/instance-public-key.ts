// What an offline verifier trusts: the instance's public key, given on the
// command line (the key itself, or a file holding it) or derived from the
// data folder's instance key when run on the Firebreak machine.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeBase64url } from "../protocol/base64url.ts";
import { INSTANCE_KEY_ENV, instanceKeyFromSeed, instanceKeyId } from "./instance-key.ts";

export interface TrustedKey {
  keyId: string;
  publicKey: string;
  /** Where it came from, for the verifier's output. */
  source: string;
}

/** A raw base64url Ed25519 public key, or a file containing one. Throws with what to pass instead. */
export function publicKeyArgument(value: string): TrustedKey {
  const text = existsSync(value) ? readFileSync(value, "utf8").trim() : value.trim();
  const bytes = decodeBase64url(text);
  if (bytes === null || bytes.length !== 32) {
    throw new Error(`--public-key must be the instance's raw Ed25519 public key in base64url (43 characters), or a file holding it; got ${JSON.stringify(value.slice(0, 60))}`);
  }
  return { keyId: instanceKeyId(text), publicKey: text, source: existsSync(value) ? `file ${value}` : "--public-key" };
}

/** The instance key of this machine: FIREBREAK_INSTANCE_KEY, else the data folder's `instance-key`. */
export function localInstancePublicKey(dataDir: string, env: Record<string, string | undefined> = process.env): TrustedKey {
  const fromEnv = env[INSTANCE_KEY_ENV]?.trim();
  if (fromEnv) {
    const key = instanceKeyFromSeed(fromEnv);
    return { keyId: key.keyId, publicKey: key.publicKey, source: INSTANCE_KEY_ENV };
  }
  const file = path.join(dataDir, "instance-key");
  if (!existsSync(file)) {
    throw new Error(`no instance key to verify with: pass --public-key <base64url key>, or run where the data folder ${dataDir} holds instance-key`);
  }
  const key = instanceKeyFromSeed(readFileSync(file, "utf8").trim());
  return { keyId: key.keyId, publicKey: key.publicKey, source: file };
}
