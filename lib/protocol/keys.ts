// Ed25519 keys in the one form the registry and the guard both write: the raw
// 32 bytes as unpadded base64url. A private key is its 32-byte RFC 8032 seed
// (not PKCS8 PEM): the same shape as the public key, short enough for an env
// var, and what other Ed25519 libraries import directly.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { decodeBase64url, encodeBase64url } from "./base64url.ts";
import { BoundedMap } from "../collections/bounded-map.ts";

/** DER prefix that turns a raw Ed25519 public key into SubjectPublicKeyInfo (RFC 8410). */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
/** DER prefix that turns a raw Ed25519 seed into PKCS#8 PrivateKeyInfo (RFC 8410). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export class KeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFormatError";
  }
}

export interface Ed25519KeyPair {
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  /** Raw 32-byte seed, base64url. Keep it secret. */
  privateKey: string;
}

export function generateKeyPair(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ format: "jwk" });
  const priv = privateKey.export({ format: "jwk" });
  if (typeof pub.x !== "string" || typeof priv.d !== "string") throw new Error("node:crypto returned an Ed25519 JWK without x or d");
  return { publicKey: pub.x, privateKey: priv.d };
}

function rawKeyBytes(text: string, what: string): Buffer {
  const bytes = decodeBase64url(text);
  if (bytes === null) throw new KeyFormatError(`${what} is not base64url`);
  if (bytes.length !== 32) throw new KeyFormatError(`${what} must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

// Creating a KeyObject costs more than verifying a signature with it (see
// docs/adr/0002), and a collector sees the same few hundred keys all day, so
// they are cached by their base64url text. The bound only guards against a
// registry that churns keys without end; eviction is oldest-first.
const PUBLIC_KEY_CACHE_LIMIT = 10_000;
const publicKeyCache = new BoundedMap<string, KeyObject>(PUBLIC_KEY_CACHE_LIMIT);

/** A KeyObject for a raw base64url public key, cached. Throws KeyFormatError. */
export function publicKeyFromRaw(publicKey: string): KeyObject {
  const hit = publicKeyCache.get(publicKey);
  if (hit) return hit;
  const der = Buffer.concat([SPKI_PREFIX, rawKeyBytes(publicKey, "public key")]);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: "der", type: "spki" });
  } catch (err) {
    throw new KeyFormatError(`public key is not an Ed25519 key: ${(err as Error).message}`);
  }
  publicKeyCache.set(publicKey, key);
  return key;
}

/** Entries in the public key cache; for tests and stats. */
export function publicKeyCacheSize(): number {
  return publicKeyCache.size;
}

export function clearPublicKeyCache(): void {
  publicKeyCache.clear();
}

/**
 * A KeyObject for a base64url seed. Not cached, so secrets do not pile up in a
 * module-level map: callers that sign often keep the KeyObject themselves.
 */
export function privateKeyFromSeed(seed: string): KeyObject {
  const der = Buffer.concat([PKCS8_PREFIX, rawKeyBytes(seed, "private key seed")]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

/** The raw base64url public key that belongs to a private key. */
export function rawPublicKey(privateKey: KeyObject | string): string {
  const key = typeof privateKey === "string" ? privateKeyFromSeed(privateKey) : privateKey;
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  return encodeBase64url(spki.subarray(SPKI_PREFIX.length));
}
