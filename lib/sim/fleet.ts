// A scenario's agents as the registry knows them: ids, keys, grants and
// contracts. Keys are derived from the run's seed and the agent id, so a seed
// reproduces the same keys (and signatures, in virtual mode). They are sim
// keys: never use them for anything real.
import { createHash, type KeyObject } from "node:crypto";
import { privateKeyFromSeed, rawPublicKey } from "../protocol/keys.ts";
import { attestEntry } from "../registry/attestation.ts";
import type { AgentInputRaw, CapabilityInput } from "../registry/schema.ts";
import type { AgentKind, RegistrySnapshot } from "../registry/types.ts";
import { snapshotFromEntries } from "../guard/index.ts";

export interface AgentSpec {
  /** The agent's part in the scenario: "recommender", "trader-2", "a0042". Unique in a scenario. */
  role: string;
  /** The registry id: `<namespace>.<role>`. */
  id: string;
  kind: AgentKind;
  displayName: string;
  capabilities: CapabilityInput[];
  memory: { read: string[]; write: string[] };
  protocols: Record<string, string>;
  labels: Record<string, string>;
}

export interface ContractSpec {
  intent: string;
  description: string;
  schema: Record<string, unknown>;
}

export interface SimKey {
  keyId: string;
  /** Raw 32-byte seed, base64url. */
  privateKey: string;
  publicKey: string;
  signingKey: KeyObject;
}

/** A registrar the simulator attests its entries with (the collector must list it in FIREBREAK_REGISTRARS). */
export interface SimRegistrar {
  keyId: string;
  privateKey: string;
}

export interface Fleet {
  namespace: string;
  specs: readonly AgentSpec[];
  byId: ReadonlyMap<string, AgentSpec>;
  byRole: ReadonlyMap<string, AgentSpec>;
  keys: ReadonlyMap<string, SimKey>;
  /** What POST /api/v1/agents or registerAgent() take. */
  entries: readonly AgentInputRaw[];
  contracts: readonly ContractSpec[];
  /** The registry as the collector will judge with it; the guards judge with it too. */
  snapshot: RegistrySnapshot;
}

/** The key of `label` (an agent id, or "attacker") for this seed. */
export function simKey(seed: string, label: string, keyId: string): SimKey {
  const privateKey = createHash("sha256").update(`firebreak sim key: ${seed}/${label}`).digest().toString("base64url");
  const signingKey = privateKeyFromSeed(privateKey);
  return { keyId, privateKey, publicKey: rawPublicKey(signingKey), signingKey };
}

/** `<namespace>.<role>`; the bare role when there is no namespace. */
export function agentId(namespace: string, role: string): string {
  return namespace === "" ? role : `${namespace}.${role}`;
}

export interface BuildFleetOptions {
  seed: string;
  namespace: string;
  registrar?: SimRegistrar;
  /** What the collector's registry allows (FIREBREAK_ALLOW_UNATTESTED); the guards judge the same way. */
  allowUnattested: boolean;
}

export function buildFleet(specs: readonly AgentSpec[], contracts: readonly ContractSpec[], options: BuildFleetOptions): Fleet {
  const keys = new Map<string, SimKey>();
  const entries: AgentInputRaw[] = [];
  const byId = new Map<string, AgentSpec>();
  const byRole = new Map<string, AgentSpec>();
  for (const spec of specs) {
    if (byId.has(spec.id)) throw new Error(`agent id ${spec.id} appears twice in the fleet`);
    byId.set(spec.id, spec);
    byRole.set(spec.role, spec);
    const key = simKey(options.seed, spec.id, `${spec.role}-sim`);
    keys.set(spec.id, key);
    const entry: AgentInputRaw = {
      id: spec.id,
      displayName: spec.displayName,
      kind: spec.kind,
      keys: [{ keyId: key.keyId, publicKey: key.publicKey }],
      capabilities: spec.capabilities,
      memory: spec.memory,
      protocols: spec.protocols,
      labels: spec.labels,
    };
    entries.push(options.registrar ? { ...entry, attestation: attestEntry(entry, options.registrar.keyId, options.registrar.privateKey) } : entry);
  }
  const registrars = options.registrar
    ? new Map([[options.registrar.keyId, rawPublicKey(options.registrar.privateKey)]])
    : undefined;
  const snapshot = snapshotFromEntries(entries, {
    contracts: contracts.map((c) => ({ intent: c.intent, schema: c.schema })),
    ...(registrars ? { registrars } : {}),
    allowUnattested: options.allowUnattested,
  });
  return { namespace: options.namespace, specs, byId, byRole, keys, entries, contracts, snapshot };
}
