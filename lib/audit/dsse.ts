// DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse):
// the signature covers PAE(payloadType, payload), so the type cannot be
// swapped under a valid signature and no JSON canonicalization is needed to
// verify: the payload travels as the exact bytes that were signed.
import { sign, type KeyObject } from "node:crypto";
import { publicKeyFromRaw } from "../protocol/keys.ts";
import { verifyEd25519 } from "../protocol/sign.ts";

export interface DsseSignature {
  keyid: string;
  /** Standard base64, as the DSSE spec's JSON envelope has it. */
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** Standard base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

/** Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, "utf8"), type, Buffer.from(` ${payload.length} `, "utf8"), payload]);
}

export function signEnvelope(payloadType: string, payload: Uint8Array, key: { keyId: string; privateKey: KeyObject }): DsseEnvelope {
  const sig = sign(null, pae(payloadType, payload), key.privateKey);
  return { payloadType, payload: Buffer.from(payload).toString("base64"), signatures: [{ keyid: key.keyId, sig: sig.toString("base64") }] };
}

/** Strict standard base64 (padding required, nothing else), or null. */
export function decodeStdBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

export type EnvelopeCheck = { ok: true; payload: Buffer; keyid: string } | { ok: false; message: string };

/** Verifies a DSSE envelope against one Ed25519 public key (raw, base64url): some signature must be that key's. */
export function verifyEnvelope(env: DsseEnvelope, publicKey: string): EnvelopeCheck {
  const payload = decodeStdBase64(env.payload);
  if (payload === null) return { ok: false, message: "the envelope's payload is not standard base64" };
  if (env.signatures.length === 0) return { ok: false, message: "the envelope has no signatures" };
  const key = publicKeyFromRaw(publicKey);
  const signed = pae(env.payloadType, payload);
  for (const s of env.signatures) {
    const sig = decodeStdBase64(s.sig);
    if (sig !== null && verifyEd25519(key, signed, sig)) return { ok: true, payload, keyid: s.keyid };
  }
  return { ok: false, message: `no signature in the envelope verifies with the public key given (signatures by ${env.signatures.map((s) => s.keyid || "(no keyid)").join(", ")}): the envelope or its payload was changed after signing, or it was signed by another key` };
}
