// Who signed this, and is the signature theirs? Checks, in order: the agent is
// registered (and attested), the record is signed, the signature names a key
// of that agent, the key was valid at the record's timestamp, and the
// signature matches the canonical signing input.
import type { KeyObject } from "node:crypto";
import { SigningInputError, signingInput } from "../protocol/canonical.ts";
import { KeyFormatError, publicKeyFromRaw } from "../protocol/keys.ts";
import type { VerdictDetail, WireRecord } from "../protocol/record.ts";
import { parseSignature, verifyEd25519 } from "../protocol/sign.ts";
import { parseTimestamp } from "../protocol/timestamp.ts";
import type { AgentKey, RegistrySnapshot } from "../registry/types.ts";

export type VerifyFn = (publicKey: KeyObject, data: Uint8Array, sig: Uint8Array) => boolean;

export function checkIdentityAndSignature(
  rec: WireRecord,
  snapshot: RegistrySnapshot,
  verifyFn: VerifyFn = verifyEd25519,
): VerdictDetail[] {
  const out: VerdictDetail[] = [];
  const agent = snapshot.agents.get(rec.agent);
  if (!agent) {
    out.push({ verdict: "unknown_agent", detail: `agent ${rec.agent} is not in the registry` });
    if (rec.signature === undefined) out.push({ verdict: "unsigned", detail: "record has no firebreak.signature" });
    return out;
  }
  if (!agent.attested) {
    out.push({
      verdict: "unattested_agent",
      detail: snapshot.allowUnattested
        ? `agent ${agent.id} is not attested (allowed by registry policy)`
        : `agent ${agent.id} is not attested and the registry requires attestation`,
    });
  }
  if (rec.signature === undefined) {
    out.push({ verdict: "unsigned", detail: "record has no firebreak.signature" });
    return out;
  }
  const parsed = parseSignature(rec.signature);
  if ("error" in parsed) {
    out.push({ verdict: "bad_signature", detail: parsed.error });
    return out;
  }
  const key = agent.keys.find((k) => k.keyId === parsed.keyId);
  if (!key) {
    out.push({ verdict: "unknown_key", detail: `agent ${agent.id} has no key ${parsed.keyId}` });
    return out;
  }
  const window = keyWindowProblem(key, rec.timestamp);
  // The signature is still checked on an expired key: a forgery is worth knowing about too.
  if (window) out.push({ verdict: "expired_key", detail: window });

  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromRaw(key.publicKey);
  } catch (err) {
    if (!(err instanceof KeyFormatError)) throw err;
    out.push({ verdict: "unknown_key", detail: `registry key ${key.keyId} of agent ${agent.id} is unusable: ${err.message}` });
    return out;
  }
  let data: Buffer;
  try {
    data = signingInput(rec);
  } catch (err) {
    if (!(err instanceof SigningInputError)) throw err;
    out.push({ verdict: "bad_signature", detail: err.message });
    return out;
  }
  if (!verifyFn(publicKey, data, parsed.sig)) {
    out.push({ verdict: "bad_signature", detail: `signature does not match the record under key ${key.keyId}` });
  }
  return out;
}

/** Why `key` could not have signed a record stamped `timestamp`, or null when it could. */
function keyWindowProblem(key: AgentKey, timestamp: string): string | null {
  if (key.notBefore === null && key.notAfter === null) return null;
  const at = parseTimestamp(timestamp);
  if (at === null) return `record timestamp ${JSON.stringify(timestamp)} is not RFC 3339 UTC, so key ${key.keyId}'s validity cannot be checked`;
  if (key.notBefore !== null && at < key.notBefore.getTime()) {
    return `key ${key.keyId} is not valid before ${key.notBefore.toISOString()}; record is stamped ${timestamp}`;
  }
  if (key.notAfter !== null && at > key.notAfter.getTime()) {
    return `key ${key.keyId} expired at ${key.notAfter.toISOString()}; record is stamped ${timestamp}`;
  }
  return null;
}
