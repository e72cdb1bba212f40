// firebreak.signature is `ed25519:<keyId>:<base64url signature>`. The key id
// may itself contain ":" (a DID, say): the signature is after the last colon,
// since base64url never contains one.
import { sign, verify, type KeyObject } from "node:crypto";
import { decodeBase64url, encodeBase64url } from "./base64url.ts";
import { SigningInputError, signingInput } from "./canonical.ts";
import { privateKeyFromSeed } from "./keys.ts";
import { parseJsonText } from "./json-text.ts";
import type { WireRecord } from "./record.ts";

export const SIGNATURE_PREFIX = "ed25519:";
const SIGNATURE_BYTES = 64;

export function formatSignature(keyId: string, sig: Uint8Array): string {
  return `${SIGNATURE_PREFIX}${keyId}:${encodeBase64url(sig)}`;
}

/**
 * Signs a record the way the collector will check it. Refuses payloads the
 * collector would reject (not JSON, too deep, duplicate keys) so the guard
 * fails at the source rather than at the door. Throws SigningInputError.
 */
export function signRecord(rec: WireRecord, keyId: string, privateKey: KeyObject | string): string {
  if (keyId === "") throw new Error("keyId must not be empty");
  if (rec.payload !== undefined) {
    const checked = parseJsonText(rec.payload);
    if (!("value" in checked)) {
      const reason = checked.problem === "not_json" ? "payload_not_json" : "payload_rejected";
      throw new SigningInputError(reason, `payload ${checked.message}`);
    }
  }
  const key = typeof privateKey === "string" ? privateKeyFromSeed(privateKey) : privateKey;
  return formatSignature(keyId, sign(null, signingInput(rec), key));
}

export type ParsedSignature = { keyId: string; sig: Buffer } | { error: string };

export function parseSignature(text: string): ParsedSignature {
  if (!text.startsWith(SIGNATURE_PREFIX)) {
    const colon = text.indexOf(":");
    const alg = colon > 0 ? text.slice(0, colon) : "";
    return { error: alg ? `unsupported signature algorithm ${JSON.stringify(alg)}` : "signature is not ed25519:<keyId>:<signature>" };
  }
  const rest = text.slice(SIGNATURE_PREFIX.length);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0) return { error: "signature is not ed25519:<keyId>:<signature>" };
  const keyId = rest.slice(0, colon);
  const sig = decodeBase64url(rest.slice(colon + 1));
  if (sig === null) return { error: "signature is not base64url" };
  if (sig.length !== SIGNATURE_BYTES) return { error: `signature must be ${SIGNATURE_BYTES} bytes, got ${sig.length}` };
  return { keyId, sig };
}

/** True when `sig` is a valid Ed25519 signature of `data`. Never throws. */
export function verifyEd25519(publicKey: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== SIGNATURE_BYTES) return false;
  try {
    return verify(null, data, publicKey, sig);
  } catch {
    // A key of another type, say: not a valid signature by this key.
    return false;
  }
}
