// Wraps an incident's evidence as an in-toto Statement v1 and signs it in a
// DSSE envelope with the instance key (docs/adr/0011). The subject's digest
// is the sha256 of the predicate's RFC 8785 canonical JSON, so a verifier
// recomputes it from the predicate it reads, whatever its whitespace.
import { createHash, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { signEnvelope, type DsseEnvelope } from "../audit/dsse.ts";
import { PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, type IncidentReportPredicate, type IncidentStatement } from "./bundle-schema.ts";

export function canonicalText(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalized");
  return text;
}

export function predicateDigest(predicate: unknown): string {
  return createHash("sha256").update(canonicalText(predicate), "utf8").digest("hex");
}

export const subjectName = (incidentId: string) => `firebreak:incident:${incidentId}`;

export function incidentStatement(predicate: IncidentReportPredicate): IncidentStatement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: subjectName(predicate.incident.incident.id), digest: { sha256: predicateDigest(predicate) } }],
    predicateType: PREDICATE_TYPE,
    predicate,
  };
}

export function signedIncidentBundle(predicate: IncidentReportPredicate, key: { keyId: string; privateKey: KeyObject }): DsseEnvelope {
  return signEnvelope(PAYLOAD_TYPE, Buffer.from(canonicalText(incidentStatement(predicate)), "utf8"), key);
}
