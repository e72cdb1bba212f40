// The firebreak/1 wire contract: what one provenance record is once it has been
// read off a span. docs/protocol.md is the prose version of this file.

export const PROTOCOL_VERSION = "firebreak/1";

export const RECORD_KINDS = [
  "request",
  "approval",
  "message",
  "state.write",
  "state.read",
  "action",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const ACTION_CLASSES = ["green", "yellow", "red"] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

/** Span attribute names of the contract. */
export const ATTR = {
  kind: "firebreak.kind",
  id: "firebreak.id",
  agent: "firebreak.agent",
  to: "firebreak.to",
  intent: "firebreak.intent",
  protocol: "firebreak.protocol",
  timestamp: "firebreak.timestamp",
  nonce: "firebreak.nonce",
  payload: "firebreak.payload",
  parents: "firebreak.parents",
  authority: "firebreak.authority",
  actionClass: "firebreak.action.class",
  signature: "firebreak.signature",
  genAiAgentId: "gen_ai.agent.id",
} as const;

/**
 * A record as it was claimed on the wire. Every field but `kind` may be absent
 * on an unsigned or malformed record; verification decides what that means.
 */
export interface WireRecord {
  kind: RecordKind;
  id: string;
  agent: string;
  to?: string[];
  intent?: string;
  protocol?: string;
  timestamp: string;
  nonce?: string;
  /** The payload exactly as sent: JSON text. */
  payload?: string;
  parents?: string[];
  authority?: string[];
  class?: ActionClass;
  signature?: string;
}

/** Verdicts a record can get at the door. `verified` stands alone. */
export const VERDICTS = [
  "verified",
  "unsigned",
  "bad_signature",
  "unknown_agent",
  "unattested_agent",
  "unknown_key",
  "expired_key",
  "replay",
  "stale",
  "future",
  "unknown_intent",
  "schema_violation",
  "capability_violation",
  "downgrade",
  "memory_violation",
  "broken_authority",
  "pending",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One verdict with the detail an analyst needs to understand it. */
export interface VerdictDetail {
  verdict: Verdict;
  detail?: string;
}
