// An attestation is a registrar's Ed25519 signature over one registry entry:
// proof that whoever holds the registrar key (a CI pipeline, a security team)
// approved this agent with exactly these keys, capabilities and grants.
//
// Signed bytes: ATTESTATION_DOMAIN followed by the RFC 8785 canonical JSON of
// the normalized entry without its `attestation` field.
//
// The domain prefix is there because registrar keys are plain Ed25519 keys,
// and an Ed25519 signature says nothing about what kind of message it covers.
// Without the prefix, a signature made for some other canonical JSON document
// (a firebreak/1 record, another tool's payload) could be replayed as an
// attestation if the bytes happened to parse as an entry, and the reverse.
// With it, a registry signature can only ever mean "this is a registry entry
// under firebreak/1". The newline ends the prefix; canonical JSON never holds
// a raw newline, so no entry can be mistaken for the prefix or run into it.
import { sign, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { decodeBase64url, encodeBase64url } from "../protocol/base64url.ts";
import { privateKeyFromSeed, publicKeyFromRaw } from "../protocol/keys.ts";
import { verifyEd25519 } from "../protocol/sign.ts";
import { AgentInput, type AgentInputRaw, type AttestationInput } from "./schema.ts";

export const ATTESTATION_DOMAIN = "firebreak/1 registry-entry\n";

/** Registrar key id -> raw 32-byte Ed25519 public key, base64url. A Map, so a key id like "constructor" is just a key id. */
export type Registrars = ReadonlyMap<string, string>;

export type Attestation = AttestationInput;

export interface AttestationCheck {
  attested: boolean;
  /** Why not, in words an operator can act on. Absent when attested. */
  reason?: string;
}

/**
 * The document an attestation covers. Fields are picked by name, so nothing
 * else that travels with an entry (an `attested` flag, timestamps) can leak
 * into the signed bytes, and keys are sorted by keyId as the schema does.
 */
export function attestedObject(entry: AgentInput): Record<string, unknown> {
  const keys = [...entry.keys]
    .sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0))
    .map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, notBefore: k.notBefore, notAfter: k.notAfter }));
  return {
    id: entry.id,
    displayName: entry.displayName,
    kind: entry.kind,
    keys,
    capabilities: entry.capabilities.map((c) => ({ intent: c.intent, to: c.to })),
    memory: { read: entry.memory.read, write: entry.memory.write },
    protocols: entry.protocols,
    version: entry.version,
    labels: entry.labels,
  };
}

/** The exact bytes a registrar signs. Throws when the entry cannot be canonicalized (a lone surrogate in a string). */
export function attestationMessage(entry: AgentInput): Buffer {
  let json: string | undefined;
  try {
    json = canonicalize(attestedObject(entry));
  } catch (err) {
    throw new Error(`the registry entry cannot be canonicalized: ${(err as Error).message}`);
  }
  if (json === undefined) throw new Error("the registry entry cannot be canonicalized");
  return Buffer.concat([Buffer.from(ATTESTATION_DOMAIN, "utf8"), Buffer.from(json, "utf8")]);
}

/**
 * Signs an entry as registrar `registrarKeyId`. The entry is parsed first, so
 * a tool may pass it as written (unsorted keys, timestamps in any zone) and
 * still sign the form the registry verifies. Throws a ZodError on an invalid
 * entry. `privateKey` is a KeyObject or the raw 32-byte seed in base64url.
 */
export function attestEntry(entry: AgentInputRaw, registrarKeyId: string, privateKey: KeyObject | string): Attestation {
  const parsed = AgentInput.parse(entry);
  const key = typeof privateKey === "string" ? privateKeyFromSeed(privateKey) : privateKey;
  return { registrarKeyId, signature: encodeBase64url(sign(null, attestationMessage(parsed), key)) };
}

/** Whether the entry carries a valid signature by a configured registrar. Never throws. */
export function verifyAttestation(entry: AgentInput, registrars: Registrars): AttestationCheck {
  const attestation = entry.attestation;
  if (attestation === undefined) return { attested: false, reason: "the entry has no attestation" };
  const registrarKey = registrars.get(attestation.registrarKeyId);
  if (registrarKey === undefined) {
    const known = registrars.size === 0 ? "no registrars are configured" : `configured: ${[...registrars.keys()].map((k) => `"${k}"`).join(", ")}`;
    return { attested: false, reason: `registrar key "${attestation.registrarKeyId}" is not configured (${known}; see FIREBREAK_REGISTRARS)` };
  }
  const signature = decodeBase64url(attestation.signature);
  if (signature === null) return { attested: false, reason: "the attestation signature is not base64url" };
  let message: Buffer;
  try {
    message = attestationMessage(entry);
  } catch (err) {
    return { attested: false, reason: (err as Error).message };
  }
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromRaw(registrarKey);
  } catch (err) {
    return { attested: false, reason: `registrar key "${attestation.registrarKeyId}" is unusable: ${(err as Error).message}` };
  }
  if (!verifyEd25519(publicKey, message, signature)) {
    return {
      attested: false,
      reason: `the signature by registrar "${attestation.registrarKeyId}" does not match this entry (it was changed after signing, or signed with another key)`,
    };
  }
  return { attested: true };
}
