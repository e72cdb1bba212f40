import { describe, expect, it } from "vitest";
import { decodeStdBase64, pae, signEnvelope, verifyEnvelope } from "@/lib/audit/dsse.ts";
import { instanceKeyFromSeed } from "@/lib/config/instance-key.ts";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const key = instanceKeyFromSeed(generateKeyPair().privateKey);

describe("DSSE", () => {
  it("PAE matches the spec's example, lengths in bytes", () => {
    // From the DSSE protocol document.
    expect(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString()).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    expect(pae("t", Buffer.from("é")).toString()).toBe("DSSEv1 1 t 2 é");
    expect(pae("", Buffer.alloc(0)).toString()).toBe("DSSEv1 0  0 ");
  });

  it("signs and verifies; a changed payload, type or signature, or another key, fails", () => {
    const env = signEnvelope("application/vnd.in-toto+json", Buffer.from('{"a":1}'), key);
    expect(env.signatures[0]?.keyid).toBe(key.keyId);
    expect(verifyEnvelope(env, key.publicKey)).toMatchObject({ ok: true });
    expect(verifyEnvelope({ ...env, payload: Buffer.from('{"a":2}').toString("base64") }, key.publicKey)).toMatchObject({ ok: false });
    expect(verifyEnvelope({ ...env, payloadType: "application/json" }, key.publicKey)).toMatchObject({ ok: false });
    expect(verifyEnvelope({ ...env, signatures: [] }, key.publicKey)).toMatchObject({ ok: false, message: "the envelope has no signatures" });
    expect(verifyEnvelope(env, instanceKeyFromSeed(generateKeyPair().privateKey).publicKey)).toMatchObject({ ok: false });
    expect(verifyEnvelope({ ...env, payload: "not base64!" }, key.publicKey)).toMatchObject({ ok: false, message: "the envelope's payload is not standard base64" });
  });

  it("decodes strict standard base64 only", () => {
    expect(decodeStdBase64("aGk=")?.toString()).toBe("hi");
    expect(decodeStdBase64("aGk")).toBeNull();
    expect(decodeStdBase64("aG-k")).toBeNull();
  });
});
