// Keys and registration for an agent that embeds a guard. The private key
// stays with the agent (a secrets manager, an env var); only the public key
// goes into the registry entry, which a registrar may attest before it is
// registered (docs/adr/0004).
import type { KeyObject } from "node:crypto";
import { generateKeyPair, privateKeyFromSeed, rawPublicKey } from "../protocol/keys.ts";
import { AgentView, type AgentInputRaw, type CapabilityInput } from "../registry/schema.ts";
import type { AgentKind } from "../registry/types.ts";

/** What createGuard needs to sign: the key id the registry knows and the private key (base64url seed or KeyObject). */
export interface GuardKeys {
  keyId: string;
  privateKey: string | KeyObject;
}

export interface GeneratedKeys {
  keyId: string;
  /** Raw 32-byte public key, base64url: goes into the registry entry. */
  publicKey: string;
  /** Raw 32-byte seed, base64url: keep it secret. */
  privateKey: string;
}

export function generateGuardKeys(keyId: string): GeneratedKeys {
  return { keyId, ...generateKeyPair() };
}

/** The signing KeyObject and public key for `keys`, made once per guard. */
export function loadGuardKeys(keys: GuardKeys): { keyId: string; signingKey: KeyObject; publicKey: string } {
  if (keys.keyId === "") throw new Error("keys.keyId must not be empty");
  const signingKey = typeof keys.privateKey === "string" ? privateKeyFromSeed(keys.privateKey) : keys.privateKey;
  if (signingKey.asymmetricKeyType !== "ed25519") throw new Error(`keys.privateKey must be an Ed25519 key, got ${signingKey.asymmetricKeyType ?? "a symmetric key"}`);
  return { keyId: keys.keyId, signingKey, publicKey: rawPublicKey(signingKey) };
}

export interface RegistryEntryOptions {
  agentId: string;
  keyId: string;
  publicKey: string;
  kind?: AgentKind;
  displayName?: string;
  capabilities?: CapabilityInput[];
  memory?: { read?: string[]; write?: string[] };
  protocols?: Record<string, string>;
  version?: string | null;
  labels?: Record<string, string>;
}

/** A registry entry for an agent, as registry.yaml or POST /api/v1/agents take it (unattested until a registrar signs it). */
export function registryEntry(options: RegistryEntryOptions): AgentInputRaw {
  return {
    id: options.agentId,
    displayName: options.displayName ?? options.agentId,
    kind: options.kind ?? "agent",
    keys: [{ keyId: options.keyId, publicKey: options.publicKey }],
    capabilities: options.capabilities ?? [],
    memory: { read: options.memory?.read ?? [], write: options.memory?.write ?? [] },
    protocols: options.protocols ?? {},
    version: options.version ?? null,
    labels: options.labels ?? {},
  };
}

export interface RegisterAgentOptions {
  /** Firebreak's base URL. */
  baseUrl: string;
  /** A write token (FIREBREAK_TOKEN). */
  token: string;
  entry: AgentInputRaw;
  fetch?: typeof fetch;
}

/** POST /api/v1/agents: registers the entry; the registry's answer says whether it is attested. */
export async function registerAgent(options: RegisterAgentOptions): Promise<AgentView> {
  const fetchFn = options.fetch ?? fetch;
  const res = await fetchFn(`${options.baseUrl.replace(/\/+$/, "")}/api/v1/agents`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
    body: JSON.stringify(options.entry),
  });
  const body = (await res.json()) as unknown;
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new Error(`registering ${options.entry.id} failed (${res.status}): ${typeof message === "string" ? message : "no message"}`);
  }
  return AgentView.parse(body);
}
