// The registry as the verifiers see it: a read-only snapshot of who may act,
// with which keys, and what each agent may say, touch and speak. The collector
// swaps whole snapshots; verdict functions never see a half-updated registry.

export const AGENT_KINDS = ["agent", "gateway", "approver"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export interface AgentKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64url without padding. */
  publicKey: string;
  /** The key signs nothing stamped before this instant; null: no lower bound. */
  notBefore: Date | null;
  /** The key signs nothing stamped after this instant; null: no upper bound. */
  notAfter: Date | null;
}

export interface Capability {
  /** A message contract name, or an action name. */
  intent: string;
  /** Receiver ids the agent may send this intent to; "*" for any. An action capability has `to: []`. */
  to: string[];
}

export interface MemoryGrants {
  /** Exact state keys or prefixes ending in "*". Every agent may also use its own partition "<agentId>/...". */
  read: string[];
  write: string[];
}

export interface RegistryAgent {
  id: string;
  displayName: string;
  kind: AgentKind;
  keys: AgentKey[];
  capabilities: Capability[];
  memory: MemoryGrants;
  /** Protocol name -> minimum version, e.g. { a2a: "0.3", mcp: "2025-06-18" }. Empty: no protocol policy. */
  protocols: Record<string, string>;
  version: string | null;
  labels: Record<string, string>;
  attested: boolean;
}

export interface Contract {
  intent: string;
  /** JSON Schema for the message payload. */
  schema: object;
}

export interface RegistrySnapshot {
  agents: Map<string, RegistryAgent>;
  contracts: Map<string, Contract>;
  /** When true, records of unattested agents can still be `verified` (they keep an `unattested_agent` note). */
  allowUnattested: boolean;
}
