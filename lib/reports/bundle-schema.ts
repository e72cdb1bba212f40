// The machine-readable incident report: an in-toto Statement v1 whose
// predicate holds every piece of evidence, in a DSSE envelope signed by the
// instance key. These zod schemas decode a bundle before anything in it is
// trusted (the offline verifier) and describe it in the OpenAPI document.
import { z } from "zod";
import { AuditEntryView } from "../api/audit-views.ts";
import { IncidentDetail } from "../api/incident-views.ts";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PREDICATE_TYPE = "https://firebreak.dev/incident-report/v1";
export const PAYLOAD_TYPE = "application/vnd.in-toto+json";

export const BundleRecord = z.object({
  seq: z.string().meta({ description: "The collector's storage sequence: several rows can share a firebreak id when forged copies were sent." }),
  id: z.string(),
  kind: z.string(),
  agent: z.string(),
  to: z.array(z.string()),
  intent: z.string().nullable(),
  protocol: z.string().nullable(),
  timestamp: z.string().meta({ description: "As stored: RFC 3339 UTC with milliseconds." }),
  nonce: z.string().nullable(),
  payload: z.string().nullable().meta({ description: "The payload exactly as signed (JSON text)." }),
  parents: z.array(z.string()),
  authority: z.array(z.string()),
  actionClass: z.string().nullable(),
  signature: z.string().nullable().meta({ description: "`ed25519:<keyId>:<base64url>` as received." }),
  keyId: z.string().nullable(),
  signedPayload: z.string().nullable().meta({ description: "The RFC 8785 canonical JSON the signature covers (docs/protocol.md), recomputable from the fields above." }),
  verdicts: z.array(z.string()).meta({ description: "What the collector found at the door." }),
  verdictDetails: z.array(z.object({ verdict: z.string(), detail: z.string().optional() })),
  receivedAt: z.string(),
});
export type BundleRecord = z.infer<typeof BundleRecord>;

export const BundleAgentKey = z.object({ keyId: z.string(), publicKey: z.string(), notBefore: z.string().nullable(), notAfter: z.string().nullable() });
export type BundleAgentKey = z.infer<typeof BundleAgentKey>;

export const BundleAgent = z.object({
  id: z.string(),
  displayName: z.string(),
  kind: z.string(),
  capabilities: z.unknown(),
  memory: z.unknown(),
  protocols: z.unknown(),
  version: z.string().nullable(),
  labels: z.unknown(),
  attested: z.boolean(),
  attestation: z.unknown(),
  updatedAt: z.string(),
  keys: z.array(BundleAgentKey),
});
export type BundleAgent = z.infer<typeof BundleAgent>;

export const BundleContract = z.object({ intent: z.string(), schema: z.unknown(), description: z.string().nullable(), updatedAt: z.string() });
export type BundleContract = z.infer<typeof BundleContract>;

export const BundleBreakerEvent = z.object({
  id: z.string(),
  sender: z.string(),
  receiver: z.string(),
  from: z.string(),
  to: z.string(),
  at: z.string(),
  cause: z.string(),
  recordIds: z.array(z.string()),
  detail: z.string(),
  actor: z.string().nullable(),
});
export type BundleBreakerEvent = z.infer<typeof BundleBreakerEvent>;

export const LineageFigure = z.object({
  roots: z.array(z.string()).meta({ description: "Where the walk started: the incident's lineage origins (or its records when it has none)." }),
  nodes: z.array(z.object({ id: z.string(), kind: z.string(), agent: z.string(), tainted: z.boolean(), flagged: z.boolean(), depth: z.number().int() })),
  edges: z.array(z.object({ child: z.string(), parent: z.string(), kind: z.string() })),
  truncated: z.boolean(),
});
export type LineageFigure = z.infer<typeof LineageFigure>;

export const IncidentReportPredicate = z.object({
  generatedAt: z.string(),
  generatedBy: z.string().meta({ description: "The actor who asked for the export." }),
  instance: z.object({ keyId: z.string(), publicKey: z.string().meta({ description: "Raw Ed25519, base64url: the key the envelope must verify with; compare it with one you obtained out of band." }) }),
  incident: IncidentDetail,
  lineage: LineageFigure,
  records: z.array(BundleRecord),
  registry: z.object({
    agents: z.array(BundleAgent),
    contracts: z.array(BundleContract),
    note: z.string(),
  }),
  breakerEvents: z.array(BundleBreakerEvent),
  audit: z.object({
    targets: z.array(z.string()).meta({ description: "The targets whose entries concern this incident." }),
    entries: z.array(AuditEntryView).meta({ description: "A contiguous run of the chain from the first entry about the incident, so every link can be checked." }),
    checkpoint: z
      .object({ seq: z.number().int(), hash: z.string(), at: z.string(), keyId: z.string(), signature: z.string() })
      .nullable()
      .meta({ description: "The newest signed checkpoint inside that run, anchoring it." }),
  }),
});
export type IncidentReportPredicate = z.infer<typeof IncidentReportPredicate>;

export const IncidentStatement = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), digest: z.record(z.string(), z.string()) })).min(1),
  predicateType: z.literal(PREDICATE_TYPE),
  predicate: IncidentReportPredicate,
});
export type IncidentStatement = z.infer<typeof IncidentStatement>;

export const DsseEnvelopeView = z
  .object({
    payloadType: z.string(),
    payload: z.string().meta({ description: "Standard base64 of the in-toto Statement (JSON)." }),
    signatures: z.array(z.object({ keyid: z.string(), sig: z.string().meta({ description: "Standard base64 Ed25519 signature over PAE(payloadType, payload)." }) })),
  })
  .meta({ id: "DsseEnvelope", description: "DSSE envelope (application/vnd.in-toto+json) holding an in-toto Statement v1 with predicateType https://firebreak.dev/incident-report/v1." });
export type DsseEnvelopeView = z.infer<typeof DsseEnvelopeView>;
