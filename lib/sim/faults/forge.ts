// The attacker's toolkit: records made without a guard. Ids and nonces have
// the guard's shape (`msg-<22 base64url>`) and come from the fault's own
// seeded stream, so a forged record looks like any other and a seed repeats
// the attack exactly.
import type { KeyObject } from "node:crypto";
import { encodeBase64url } from "../../protocol/base64url.ts";
import type { RecordKind, WireRecord } from "../../protocol/record.ts";
import { formatSignature, signRecord } from "../../protocol/sign.ts";
import type { Prng } from "../prng.ts";

const PREFIX: Record<RecordKind, string> = {
  request: "req",
  approval: "apv",
  message: "msg",
  "state.write": "sw",
  "state.read": "sr",
  action: "act",
};

export function forgedId(kind: RecordKind, prng: Prng): string {
  return `${PREFIX[kind]}-${encodeBase64url(prng.bytes(16))}`;
}

export function forgedNonce(prng: Prng): string {
  return encodeBase64url(prng.bytes(16));
}

/** A record signed with `key`: valid when the key is the agent's registered one. */
export function signWith(rec: Omit<WireRecord, "signature">, keyId: string, key: KeyObject): WireRecord {
  return { ...rec, signature: signRecord(rec, keyId, key) };
}

/** `rec` with a signature of 64 random bytes under `keyId`: well-formed, and wrong. */
export function garbageSignature(rec: Omit<WireRecord, "signature">, keyId: string, prng: Prng): WireRecord {
  return { ...rec, signature: formatSignature(keyId, prng.bytes(64)) };
}

/**
 * `rec` with its payload changed after signing: every number tripled, or a
 * marker added when there is none. The signature no longer matches.
 */
export function tamperPayload(rec: WireRecord): WireRecord {
  let value: unknown = null;
  try {
    value = rec.payload === undefined ? null : (JSON.parse(rec.payload) as unknown);
  } catch {
    value = null;
  }
  let changed = false;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = { ...(value as Record<string, unknown>) };
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === "number" && k !== "cycle") {
        obj[k] = v * 3;
        changed = true;
      }
    }
    if (changed) return { ...rec, payload: JSON.stringify(obj) };
  }
  return { ...rec, payload: JSON.stringify({ tampered: true, original: value }) };
}
