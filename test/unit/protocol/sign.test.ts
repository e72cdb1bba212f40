import { createPublicKey, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SigningInputError, signingInput } from "@/lib/protocol/canonical.ts";
import { privateKeyFromSeed, publicKeyFromRaw, rawPublicKey } from "@/lib/protocol/keys.ts";
import { formatSignature, parseSignature, signRecord, verifyEd25519 } from "@/lib/protocol/sign.ts";
import { makeKeyPair } from "@/test/fixtures/keys.ts";
import { makeRecord } from "@/test/fixtures/records.ts";
import { RFC8032_VECTORS } from "@/test/fixtures/rfc8032.ts";

const hexToB64url = (hex: string): string => Buffer.from(hex, "hex").toString("base64url");

describe("RFC 8032 section 7.1 test vectors", () => {
  it("carries TEST 1024's message at its published length", () => {
    const v = RFC8032_VECTORS.find((x) => x.name === "TEST 1024");
    expect(v && Buffer.from(v.message, "hex").length).toBe(1023);
  });

  describe.each(RFC8032_VECTORS)("$name", (v) => {
    const message = Buffer.from(v.message, "hex");
    const signature = Buffer.from(v.signature, "hex");
    const seed = hexToB64url(v.secretKey);
    const publicKey = publicKeyFromRaw(hexToB64url(v.publicKey));

    it("derives the public key from the secret seed", () => {
      expect(rawPublicKey(seed)).toBe(hexToB64url(v.publicKey));
    });

    it("signs to the published signature", () => {
      expect(sign(null, message, privateKeyFromSeed(seed)).toString("hex")).toBe(v.signature);
    });

    it("verifies the published signature", () => {
      expect(verifyEd25519(publicKey, message, signature)).toBe(true);
    });

    it("rejects a flipped bit in the signature, the message or the key", () => {
      const badSig = Buffer.from(signature);
      badSig[0] = (badSig[0] ?? 0) ^ 1;
      expect(verifyEd25519(publicKey, message, badSig)).toBe(false);
      expect(verifyEd25519(publicKey, Buffer.concat([message, Buffer.from([0])]), signature)).toBe(false);
      const other = RFC8032_VECTORS.find((x) => x.name !== v.name);
      if (other) expect(verifyEd25519(publicKeyFromRaw(hexToB64url(other.publicKey)), message, signature)).toBe(false);
    });
  });
});

describe("verifyEd25519", () => {
  it("is false, not a throw, for a wrong-length signature or a non-Ed25519 key", () => {
    const key = makeKeyPair("v");
    expect(verifyEd25519(publicKeyFromRaw(key.publicKey), Buffer.from("x"), Buffer.alloc(63))).toBe(false);
    const p256 = createPublicKey({ key: { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }, format: "jwk" });
    expect(verifyEd25519(p256, Buffer.from("x"), Buffer.alloc(64))).toBe(false);
  });
});

describe("signRecord", () => {
  it("produces ed25519:<keyId>:<sig> that verifies over the signing input", () => {
    const key = makeKeyPair("planner");
    const rec = makeRecord({ agent: "planner" });
    const text = signRecord(rec, key.keyId, key.signingKey);
    expect(text).toMatch(/^ed25519:planner-key:[A-Za-z0-9_-]{86}$/);
    const parsed = parseSignature(text);
    if ("error" in parsed) throw new Error(parsed.error);
    expect(verifyEd25519(publicKeyFromRaw(key.publicKey), signingInput(rec), parsed.sig)).toBe(true);
  });

  it("accepts the seed text as well as a KeyObject, with the same result", () => {
    const key = makeKeyPair("planner");
    const rec = makeRecord();
    expect(signRecord(rec, key.keyId, key.privateKey)).toBe(signRecord(rec, key.keyId, key.signingKey));
  });

  it("refuses payloads the collector would reject", () => {
    const key = makeKeyPair("p");
    expect(() => signRecord(makeRecord({ payload: "{" }), key.keyId, key.signingKey)).toThrow(SigningInputError);
    expect(() => signRecord(makeRecord({ payload: '{"a":1,"a":2}' }), key.keyId, key.signingKey)).toThrow(/duplicate key/);
    expect(() => signRecord(makeRecord({ payload: "[".repeat(65) + "]".repeat(65) }), key.keyId, key.signingKey)).toThrow(/deeper/);
  });

  it("refuses an empty key id", () => {
    const key = makeKeyPair("p");
    expect(() => signRecord(makeRecord(), "", key.signingKey)).toThrow();
  });
});

describe("parseSignature", () => {
  const sig = Buffer.alloc(64, 7);

  it("splits key id and signature", () => {
    expect(parseSignature(formatSignature("k1", sig))).toEqual({ keyId: "k1", sig });
  });

  it("allows colons in the key id (a DID, say)", () => {
    const parsed = parseSignature(formatSignature("did:key:z6Mk#1", sig));
    expect("keyId" in parsed && parsed.keyId).toBe("did:key:z6Mk#1");
  });

  it.each([
    ["", "signature is not ed25519:<keyId>:<signature>"],
    ["rsa:k1:AAAA", 'unsupported signature algorithm "rsa"'],
    ["ED25519:k1:AAAA", 'unsupported signature algorithm "ED25519"'],
    [`ed25519:${sig.toString("base64url")}`, "signature is not ed25519:<keyId>:<signature>"],
    [`ed25519::${sig.toString("base64url")}`, "signature is not ed25519:<keyId>:<signature>"],
    ["ed25519:k1:", "signature must be 64 bytes, got 0"],
    ["ed25519:k1:not*base64", "signature is not base64url"],
    [`ed25519:k1:${sig.toString("base64")}==`, "signature is not base64url"],
    [`ed25519:k1:${Buffer.alloc(65).toString("base64url")}`, "signature must be 64 bytes, got 65"],
  ])("refuses %j", (text, error) => {
    expect(parseSignature(text)).toEqual({ error });
  });
});
