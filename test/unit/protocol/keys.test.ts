import { sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeBase64url } from "@/lib/protocol/base64url.ts";
import {
  clearPublicKeyCache,
  generateKeyPair,
  KeyFormatError,
  privateKeyFromSeed,
  publicKeyCacheSize,
  publicKeyFromRaw,
  rawPublicKey,
} from "@/lib/protocol/keys.ts";

describe("generateKeyPair", () => {
  it("returns raw 32-byte public key and seed as base64url", () => {
    const pair = generateKeyPair();
    expect(decodeBase64url(pair.publicKey)?.length).toBe(32);
    expect(decodeBase64url(pair.privateKey)?.length).toBe(32);
    expect(pair.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("gives a seed whose public key is the one returned, and that signs for it", () => {
    const pair = generateKeyPair();
    expect(rawPublicKey(pair.privateKey)).toBe(pair.publicKey);
    const sig = sign(null, Buffer.from("hi"), privateKeyFromSeed(pair.privateKey));
    expect(verify(null, Buffer.from("hi"), publicKeyFromRaw(pair.publicKey), sig)).toBe(true);
  });

  it("never repeats", () => {
    expect(generateKeyPair().publicKey).not.toBe(generateKeyPair().publicKey);
  });
});

describe("publicKeyFromRaw", () => {
  it("caches key objects by their text", () => {
    clearPublicKeyCache();
    const { publicKey } = generateKeyPair();
    const a = publicKeyFromRaw(publicKey);
    expect(publicKeyFromRaw(publicKey)).toBe(a);
    expect(publicKeyCacheSize()).toBe(1);
    expect(a.asymmetricKeyType).toBe("ed25519");
  });

  it.each([
    ["not base64url", "not base64url!"],
    ["padded", `${"A".repeat(42)}A=`],
    ["31 bytes", Buffer.alloc(31).toString("base64url")],
    ["33 bytes", Buffer.alloc(33).toString("base64url")],
    ["empty", ""],
    // Same bytes as 43 A's but with nonzero trailing bits: not the canonical spelling.
    ["non-canonical trailing bits", `${"A".repeat(42)}B`],
  ])("refuses a key that is %s, without caching it", (_name, text) => {
    clearPublicKeyCache();
    expect(() => publicKeyFromRaw(text)).toThrow(KeyFormatError);
    expect(publicKeyCacheSize()).toBe(0);
  });
});

describe("privateKeyFromSeed", () => {
  it("refuses a seed of the wrong length", () => {
    expect(() => privateKeyFromSeed(Buffer.alloc(64).toString("base64url"))).toThrow(KeyFormatError);
  });
});
