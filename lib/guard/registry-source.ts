// Where a guard learns who may act: the same RegistrySnapshot the collector
// judges with. Either a static snapshot (tests, the simulator, an agent
// shipped with its registry), or fetched from Firebreak's API (GET
// /api/v1/agents and /api/v1/contracts with a bearer token) through the
// RegistryHttp interface, which tests replace without a network.
import { z } from "zod";
import { verifyAttestation, type Registrars } from "../registry/attestation.ts";
import { AgentInput, AgentView, ContractView, type AgentInputRaw } from "../registry/schema.ts";
import type { Contract, RegistryAgent, RegistrySnapshot } from "../registry/types.ts";

export interface RegistrySource {
  /** The snapshot to judge with now. Called on every receive, so it must be cheap. */
  current(): RegistrySnapshot;
}

export function staticRegistry(snapshot: RegistrySnapshot): RegistrySource {
  return { current: () => snapshot };
}

/** The one call a remote registry makes: GET a path of Firebreak's API, the body as parsed JSON. */
export interface RegistryHttp {
  getJson(path: string): Promise<unknown>;
}

export interface RegistryHttpOptions {
  /** Firebreak's base URL, e.g. https://firebreak.example.com */
  baseUrl: string;
  /** A read token (FIREBREAK_TOKEN). */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function registryHttp(options: RegistryHttpOptions): RegistryHttp {
  const fetchFn = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  return {
    async getJson(path) {
      const res = await fetchFn(`${base}${path}`, {
        headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as unknown;
    },
  };
}

const AgentList = z.array(AgentView);
const ContractList = z.array(ContractView);

/** One snapshot from the API. The server has already checked attestations; `allowUnattested` should match the collector's setting. */
export async function loadRemoteSnapshot(http: RegistryHttp, allowUnattested: boolean): Promise<RegistrySnapshot> {
  const [agentsJson, contractsJson] = await Promise.all([http.getJson("/api/v1/agents"), http.getJson("/api/v1/contracts")]);
  const agents = AgentList.safeParse(agentsJson);
  if (!agents.success) throw new Error(`GET /api/v1/agents returned an unexpected shape: ${agents.error.issues[0]?.message ?? "invalid"}`);
  const contracts = ContractList.safeParse(contractsJson);
  if (!contracts.success) throw new Error(`GET /api/v1/contracts returned an unexpected shape: ${contracts.error.issues[0]?.message ?? "invalid"}`);
  return {
    agents: new Map(agents.data.map((a) => [a.id, registryAgent(a, a.attested)])),
    contracts: new Map(contracts.data.map((c): [string, Contract] => [c.intent, { intent: c.intent, schema: c.schema }])),
    allowUnattested,
  };
}

export interface RemoteRegistryOptions {
  allowUnattested?: boolean;
  /** How often start() refreshes. */
  refreshMs?: number;
  log?: (line: string) => void;
}

/** A registry fetched from the API, refreshed on a timer; a failed refresh keeps the last snapshot. */
export class RemoteRegistry implements RegistrySource {
  private snapshot: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };
  private timer: NodeJS.Timeout | null = null;
  /** The last refresh error, null after a success. */
  lastError: Error | null = null;

  constructor(
    private readonly http: RegistryHttp,
    private readonly options: RemoteRegistryOptions = {},
  ) {}

  current(): RegistrySnapshot {
    return this.snapshot;
  }

  async refresh(): Promise<void> {
    try {
      this.snapshot = await loadRemoteSnapshot(this.http, this.options.allowUnattested ?? false);
      this.lastError = null;
    } catch (err) {
      this.lastError = err as Error;
      throw err;
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.options.log?.(`guard registry: refresh failed, keeping the last snapshot: ${(err as Error).message}`));
    }, this.options.refreshMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Fetches the registry once and keeps it fresh: what an agent in production passes as `registry`. */
export async function fetchRegistry(options: RegistryHttpOptions & RemoteRegistryOptions): Promise<RemoteRegistry> {
  const remote = new RemoteRegistry(registryHttp(options), options);
  await remote.refresh();
  remote.start();
  return remote;
}

type EntryLike = Pick<AgentInput, "id" | "displayName" | "kind" | "capabilities" | "memory" | "protocols" | "version" | "labels"> & {
  keys: { keyId: string; publicKey: string; notBefore: string | null; notAfter: string | null }[];
};

/** The verifier's view of a normalized registry entry. */
export function registryAgent(entry: EntryLike, attested: boolean): RegistryAgent {
  return {
    id: entry.id,
    displayName: entry.displayName,
    kind: entry.kind,
    keys: entry.keys.map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      notBefore: k.notBefore === null ? null : new Date(k.notBefore),
      notAfter: k.notAfter === null ? null : new Date(k.notAfter),
    })),
    capabilities: entry.capabilities.map((c) => ({ intent: c.intent, to: [...c.to] })),
    memory: { read: [...entry.memory.read], write: [...entry.memory.write] },
    protocols: { ...entry.protocols },
    version: entry.version,
    labels: { ...entry.labels },
    attested,
  };
}

export interface SnapshotFromEntriesOptions {
  contracts?: readonly { intent: string; schema: object }[];
  /** Registrar keys: an entry is attested when its attestation verifies against them. */
  registrars?: Registrars;
  allowUnattested?: boolean;
}

/**
 * A snapshot from registry entries as written in registry.yaml or sent to
 * POST /api/v1/agents, judged the way the server judges them. Throws with the
 * first problem when an entry is invalid.
 */
export function snapshotFromEntries(entries: readonly AgentInputRaw[], options: SnapshotFromEntriesOptions = {}): RegistrySnapshot {
  const agents = new Map<string, RegistryAgent>();
  for (const raw of entries) {
    const parsed = AgentInput.safeParse(raw);
    if (!parsed.success) throw new Error(`registry entry ${raw.id}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const attested = options.registrars ? verifyAttestation(parsed.data, options.registrars).attested : false;
    agents.set(parsed.data.id, registryAgent(parsed.data, attested));
  }
  return {
    agents,
    contracts: new Map((options.contracts ?? []).map((c): [string, Contract] => [c.intent, { intent: c.intent, schema: c.schema }])),
    allowUnattested: options.allowUnattested ?? false,
  };
}
