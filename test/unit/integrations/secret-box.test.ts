// Sealed webhook values: AES-256-GCM under an HKDF key from the instance key,
// bound to the webhook id and the field, refused when altered, moved, or
// opened under another instance key.
import { describe, expect, it } from "vitest";
import { instanceKeyFromSeed } from "@/lib/config/instance-key.ts";
import { isSealedValue, openValue, sealingKeyOf, sealValue, SealedSecretError } from "@/lib/integrations/webhooks/secret-box.ts";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const SEED = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"; // RFC 8032 test 1 secret key, base64url
const key = sealingKeyOf(instanceKeyFromSeed(SEED));
const other = sealingKeyOf(instanceKeyFromSeed(generateKeyPair().privateKey));

function flip(sealed: string, part: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("secret box", () => {
  it("derives one 32-byte key per instance key, the same every time", () => {
    expect(key.key).toHaveLength(32);
    expect(sealingKeyOf(instanceKeyFromSeed(SEED)).key.equals(key.key)).toBe(true);
    expect(other.key.equals(key.key)).toBe(false);
    // Not the seed itself: the Ed25519 key and the sealing key are separate keys.
    expect(key.key.equals(Buffer.from(SEED, "base64url"))).toBe(false);
  });

  it("round-trips, with a fresh IV each time and no plaintext in the output", () => {
    const secret = "whsec_super-secret-value-0123456789";
    const a = sealValue(key, "7", "secret", secret);
    const b = sealValue(key, "7", "secret", secret);
    expect(a).not.toBe(b);
    expect(isSealedValue(a)).toBe(true);
    expect(a).not.toContain("super-secret");
    expect(openValue(key, "7", "secret", a)).toBe(secret);
    expect(openValue(key, "7", "secret", b)).toBe(secret);
    expect(openValue(key, "7", "url", sealValue(key, "7", "url", ""))).toBe("");
    const long = "x".repeat(10_000) + "é✓";
    expect(openValue(key, "7", "url", sealValue(key, "7", "url", long))).toBe(long);
  });

  it("refuses a value moved to another webhook or into the other field", () => {
    const sealed = sealValue(key, "7", "secret", "whsec_abcdefghijklmnop");
    expect(() => openValue(key, "8", "secret", sealed)).toThrow(/webhook 8: the stored secret failed its integrity check/);
    expect(() => openValue(key, "7", "url", sealed)).toThrow(SealedSecretError);
  });

  it("refuses altered IV, ciphertext or tag", () => {
    const sealed = sealValue(key, "1", "url", "https://hooks.slack.com/services/T/B/token");
    for (const part of [2, 3, 4]) expect(() => openValue(key, "1", "url", flip(sealed, part))).toThrow(/failed its integrity check/);
  });

  it("names the instance key a value was sealed under when this instance runs another", () => {
    const sealed = sealValue(other, "1", "secret", "whsec_abcdefghijklmnop");
    expect(() => openValue(key, "1", "secret", sealed)).toThrow(new RegExp(`sealed under instance key ${other.instanceKeyId}, but this instance runs ${key.instanceKeyId}: restore the FIREBREAK_INSTANCE_KEY`));
  });

  it("refuses plaintext and malformed values, saying what to do", () => {
    expect(isSealedValue("whsec_plain")).toBe(false);
    expect(() => openValue(key, "1", "secret", "whsec_plain")).toThrow(/is not a sealed value.*create it again/);
    expect(() => openValue(key, "1", "secret", `fbs1.${key.tag}.!!.x.y`)).toThrow(/malformed/);
    expect(() => openValue(key, "1", "secret", `fbs1.${key.tag}.AAAA.AAAA`)).toThrow(/is not a sealed value/);
  });
});
