// Checks an incident bundle with nothing but the bundle and a public key:
// the DSSE signature, the statement's shape and subject digest, every
// record's Ed25519 signature against the bundled registry keys (recomputing
// the canonical form with lib/protocol), and the audit entries' hash chain
// and checkpoint. Every check runs, so the report lists all that failed;
// the first failure is what the command names.
import { auditHash, type AuditEntry } from "../audit/audit-chain.ts";
import { checkpointChainProblem, checkpointSignatureProblem } from "../audit/checkpoint.ts";
import { verifyEnvelope, type DsseEnvelope } from "../audit/dsse.ts";
import { instanceKeyId } from "../config/instance-key.ts";
import { publicKeyFromRaw } from "../protocol/keys.ts";
import { parseSignature, verifyEd25519 } from "../protocol/sign.ts";
import { DsseEnvelopeView, IncidentStatement, PAYLOAD_TYPE, type BundleAgent, type BundleRecord } from "./bundle-schema.ts";
import { predicateDigest, subjectName } from "./bundle.ts";
import { canonicalSigningText } from "./record-wire.ts";

export interface BundleCheck {
  ok: boolean;
  /** Where: `envelope`, `statement`, `record M (seq 12)`, `audit entry 31`, ... */
  what: string;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  checks: BundleCheck[];
  firstFailure: BundleCheck | null;
  incidentId: string | null;
}

// Door verdicts that mean the signature itself did not check out.
const SIGNATURE_VERDICTS = new Set(["unsigned", "bad_signature", "unknown_agent", "unknown_key", "expired_key"]);

function keyFor(agents: readonly BundleAgent[], agent: string, keyId: string, at: string): { error: string } | { publicKey: string } {
  const entry = agents.find((a) => a.id === agent);
  if (!entry) return { error: `agent ${agent} is not among the bundled registry entries` };
  const key = entry.keys.find((k) => k.keyId === keyId);
  if (!key) return { error: `agent ${agent} has no key ${keyId} in the bundled registry entry` };
  const t = Date.parse(at);
  if ((key.notBefore !== null && t < Date.parse(key.notBefore)) || (key.notAfter !== null && t > Date.parse(key.notAfter))) {
    return { error: `key ${keyId} of ${agent} was not in force at ${at} (valid ${key.notBefore ?? "always"} to ${key.notAfter ?? "open"})` };
  }
  return { publicKey: key.publicKey };
}

export function checkRecord(r: BundleRecord, agents: readonly BundleAgent[]): BundleCheck {
  const what = `record ${r.id} (seq ${r.seq}, ${r.agent})`;
  const doorSaidValid = r.verdicts.includes("verified") || !r.verdicts.some((v) => SIGNATURE_VERDICTS.has(v));
  if (r.signature === null) {
    return doorSaidValid
      ? { ok: false, what, message: "has no signature, yet the collector's verdicts say it passed the signature check" }
      : { ok: true, what, message: `unsigned, as the collector found (${r.verdicts.join(", ")})` };
  }
  const canonical = canonicalSigningText(r);
  if (r.signedPayload !== canonical) {
    return { ok: false, what, message: "its bundled signed payload differs from the canonical form of its fields: the record's fields or its signed payload were changed" };
  }
  const parsed = parseSignature(r.signature);
  let valid = false;
  let why = "";
  if ("error" in parsed) why = parsed.error;
  else if (canonical === null) why = "its fields have no canonical form (payload not JSON)";
  else {
    const key = keyFor(agents, r.agent, parsed.keyId, r.timestamp);
    if ("error" in key) why = key.error;
    else {
      valid = verifyEd25519(publicKeyFromRaw(key.publicKey), Buffer.from(canonical, "utf8"), parsed.sig);
      if (!valid) why = `the Ed25519 signature by ${parsed.keyId} does not match the record's canonical form`;
    }
  }
  if (valid) {
    return doorSaidValid
      ? { ok: true, what, message: `signature by ${"keyId" in parsed ? parsed.keyId : "?"} verifies` }
      : { ok: true, what, message: `signature verifies with the bundled registry, though the collector found ${r.verdicts.join(", ")} at the door (the registry changed since)` };
  }
  return doorSaidValid
    ? { ok: false, what, message: `${why}; the collector had verified it, so the record was changed after it was stored` }
    : { ok: true, what, message: `signature does not verify (${why}), as the collector found at the door (${r.verdicts.join(", ")})` };
}

export function checkAuditRun(entries: readonly AuditEntry[]): BundleCheck[] {
  const checks: BundleCheck[] = [];
  let prev: AuditEntry | null = null;
  for (const e of entries) {
    const what = `audit entry ${e.seq}`;
    if (auditHash(e) !== e.hash) {
      checks.push({ ok: false, what, message: "its content does not match its hash: the entry was altered" });
    } else if (prev !== null && (e.seq !== prev.seq + 1 || e.prevHash !== prev.hash)) {
      checks.push({ ok: false, what, message: `does not chain from audit entry ${prev.seq}: an entry was removed, reordered or replaced` });
    }
    prev = e;
  }
  if (checks.length === 0) {
    const span = entries.length > 0 ? `entries ${entries[0]!.seq} to ${entries.at(-1)!.seq}` : "no entries";
    checks.push({ ok: true, what: "audit chain", message: `${entries.length} entries hash and chain correctly (${span})` });
  }
  return checks;
}

export function verifyIncidentBundle(raw: unknown, publicKey: string): BundleVerification {
  const checks: BundleCheck[] = [];
  const done = (incidentId: string | null): BundleVerification => {
    const firstFailure = checks.find((c) => !c.ok) ?? null;
    return { ok: firstFailure === null, checks, firstFailure, incidentId };
  };
  const env = DsseEnvelopeView.safeParse(raw);
  if (!env.success) {
    checks.push({ ok: false, what: "envelope", message: `not a DSSE envelope: ${env.error.issues[0]?.message ?? "wrong shape"} at ${env.error.issues[0]?.path.join(".") ?? "(root)"}` });
    return done(null);
  }
  if (env.data.payloadType !== PAYLOAD_TYPE) checks.push({ ok: false, what: "envelope", message: `payloadType is ${env.data.payloadType}, not ${PAYLOAD_TYPE}` });
  const sig = verifyEnvelope(env.data as DsseEnvelope, publicKey);
  checks.push(sig.ok ? { ok: true, what: "envelope", message: `DSSE signature verifies with instance key ${instanceKeyId(publicKey)}` } : { ok: false, what: "envelope", message: sig.message });
  // Read on even when the signature fails, so the report says what else is wrong.
  const payload = Buffer.from(env.data.payload, "base64").toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    checks.push({ ok: false, what: "statement", message: "the payload is not JSON" });
    return done(null);
  }
  const st = IncidentStatement.safeParse(json);
  if (!st.success) {
    const issue = st.error.issues[0];
    checks.push({ ok: false, what: "statement", message: `not a Firebreak incident statement: ${issue?.message ?? "wrong shape"} at ${issue?.path.join(".") || "(root)"}` });
    return done(null);
  }
  const { predicate, subject } = st.data;
  const incidentId = predicate.incident.incident.id;
  const digest = predicateDigest((json as { predicate: unknown }).predicate);
  const subj = subject.find((s) => s.name === subjectName(incidentId));
  if (!subj) checks.push({ ok: false, what: "subject", message: `no subject names ${subjectName(incidentId)}` });
  else if (subj.digest.sha256 !== digest) checks.push({ ok: false, what: "subject", message: `the subject's sha256 ${subj.digest.sha256} is not the digest of the predicate (${digest}): the predicate was changed` });
  else checks.push({ ok: true, what: "subject", message: `sha256 of the canonical predicate matches (${digest.slice(0, 16)}...)` });
  if (predicate.instance.publicKey !== publicKey) {
    checks.push({ ok: false, what: "instance", message: `the bundle names instance key ${predicate.instance.keyId}, not the key given (${instanceKeyId(publicKey)})` });
  }
  for (const r of predicate.records) checks.push(checkRecord(r, predicate.registry.agents));
  checks.push(...checkAuditRun(predicate.audit.entries));
  const cp = predicate.audit.checkpoint;
  if (cp) {
    const entry = predicate.audit.entries.find((e) => e.seq === cp.seq) ?? null;
    const problem = checkpointSignatureProblem(cp, { keyId: instanceKeyId(publicKey), publicKey }) ?? checkpointChainProblem(cp, entry);
    checks.push(problem ? { ok: false, what: `audit checkpoint ${cp.seq}`, message: problem.message } : { ok: true, what: `audit checkpoint ${cp.seq}`, message: `signed at ${cp.at} and matches the chain` });
  }
  return done(incidentId);
}
