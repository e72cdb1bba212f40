// Registry reads and writes. JSON columns come back as `unknown`: the
// registry service decodes them with its zod schemas rather than trusting
// whatever a hand edit of the database left there.
import { Prisma, type PrismaClient } from "./generated/client.ts";

export interface AgentKeyRow {
  keyId: string;
  publicKey: string;
  notBefore: Date | null;
  notAfter: Date | null;
}

export interface AgentRow {
  id: string;
  displayName: string;
  kind: string;
  capabilities: unknown;
  memory: unknown;
  protocols: unknown;
  version: string | null;
  labels: unknown;
  attested: boolean;
  attestation: unknown;
  createdAt: Date;
  updatedAt: Date;
  /** Sorted by keyId in code-unit order. */
  keys: AgentKeyRow[];
}

/** An entry to write. The JSON fields must be plain JSON data (the registry's parsed input is). */
export interface AgentWrite {
  id: string;
  displayName: string;
  kind: string;
  capabilities: readonly object[];
  memory: object;
  protocols: Record<string, string>;
  version: string | null;
  labels: Record<string, string>;
  attested: boolean;
  attestation: object | null;
  keys: AgentKeyRow[];
}

export interface ContractRow {
  intent: string;
  schema: unknown;
  description: string | null;
  updatedAt: Date;
}

export interface ContractWrite {
  intent: string;
  schema: object;
  description: string | null;
}

export interface SnapshotRows {
  agents: AgentRow[];
  contracts: ContractRow[];
}

// Parsed JSON input is already JSON; Prisma's JSON input type just cannot see
// that through interfaces without index signatures.
const json = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

const byKeyId = (a: AgentKeyRow, b: AgentKeyRow): number => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0);

type AgentWithKeys = Prisma.AgentGetPayload<{ include: { keys: true } }>;

function toAgentRow(agent: Omit<AgentWithKeys, "keys">, keys: readonly AgentKeyRow[]): AgentRow {
  return {
    id: agent.id,
    displayName: agent.displayName,
    kind: agent.kind,
    capabilities: agent.capabilities,
    memory: agent.memory,
    protocols: agent.protocols,
    version: agent.version,
    labels: agent.labels,
    attested: agent.attested,
    attestation: agent.attestation,
    createdAt: agent.createdAt,
    updatedAt: agent.updatedAt,
    keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, notBefore: k.notBefore, notAfter: k.notAfter })).sort(byKeyId),
  };
}

const fromPrisma = (agent: AgentWithKeys): AgentRow => toAgentRow(agent, agent.keys);

function agentColumns(row: AgentWrite) {
  return {
    displayName: row.displayName,
    kind: row.kind,
    capabilities: json(row.capabilities),
    memory: json(row.memory),
    protocols: json(row.protocols),
    version: row.version,
    labels: json(row.labels),
    attested: row.attested,
    attestation: row.attestation === null ? Prisma.DbNull : json(row.attestation),
  };
}

// Nested creates under an agent take the project from the agent's compound key.
const keyColumns = (keys: readonly AgentKeyRow[], _project: string) =>
  keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, notBefore: k.notBefore, notAfter: k.notAfter }));

function isKnownError(err: unknown, code: string): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

/** Inserts an agent with its keys; null when the id is taken. */
/** The client or an interactive transaction: registry writes commit with their audit entry. */
export type RegistryWriter = PrismaClient | Prisma.TransactionClient;

export async function insertAgent(db: RegistryWriter, project: string, row: AgentWrite): Promise<AgentRow | null> {
  try {
    const created = await db.agent.create({
      data: { projectId: project, id: row.id, ...agentColumns(row), keys: { create: keyColumns(row.keys, project) } },
      include: { keys: true },
    });
    return fromPrisma(created);
  } catch (err) {
    if (isKnownError(err, "P2002")) return null;
    throw err;
  }
}

/** Replaces an agent's entry and its whole key set in one statement batch; null when there is no such agent. */
export async function replaceAgent(db: RegistryWriter, project: string, row: AgentWrite): Promise<AgentRow | null> {
  try {
    const updated = await db.agent.update({
      where: { projectId_id: { projectId: project, id: row.id } },
      data: { ...agentColumns(row), keys: { deleteMany: {}, create: keyColumns(row.keys, project) } },
      include: { keys: true },
    });
    return fromPrisma(updated);
  } catch (err) {
    if (isKnownError(err, "P2025")) return null;
    throw err;
  }
}

export async function findAgent(db: PrismaClient, project: string, id: string): Promise<AgentRow | null> {
  const agent = await db.agent.findUnique({ where: { projectId_id: { projectId: project, id } }, include: { keys: true } });
  return agent === null ? null : fromPrisma(agent);
}

export interface AgentFilter {
  label?: { key: string; value: string };
}

/** Agents ordered by id. */
export async function findAgents(db: PrismaClient, project: string, filter: AgentFilter = {}): Promise<AgentRow[]> {
  const where: Prisma.AgentWhereInput = filter.label ? { projectId: project, labels: { path: [filter.label.key], equals: filter.label.value } } : { projectId: project };
  const agents = await db.agent.findMany({ where, include: { keys: true }, orderBy: { id: "asc" } });
  return agents.map(fromPrisma);
}

function toContractRow(c: ContractRow): ContractRow {
  return { intent: c.intent, schema: c.schema, description: c.description, updatedAt: c.updatedAt };
}

export async function upsertContract(db: RegistryWriter, project: string, row: ContractWrite): Promise<ContractRow> {
  const data = { schema: json(row.schema), description: row.description };
  const saved = await db.contract.upsert({ where: { projectId_intent: { projectId: project, intent: row.intent } }, create: { projectId: project, intent: row.intent, ...data }, update: data });
  return toContractRow(saved);
}

export async function findContract(db: PrismaClient, project: string, intent: string): Promise<ContractRow | null> {
  const contract = await db.contract.findUnique({ where: { projectId_intent: { projectId: project, intent } } });
  return contract === null ? null : toContractRow(contract);
}

/** Contracts ordered by intent. */
export async function findContracts(db: PrismaClient, project: string): Promise<ContractRow[]> {
  const contracts = await db.contract.findMany({ where: { projectId: project }, orderBy: { intent: "asc" } });
  return contracts.map(toContractRow);
}

/**
 * Creates or replaces every agent (with its key set) and contract given, in
 * one transaction: a registry file is applied whole or not at all. Agents and
 * contracts not named are left alone.
 */
export async function upsertRegistry(db: PrismaClient, project: string, agents: readonly AgentWrite[], contracts: readonly ContractWrite[]): Promise<void> {
  const agentOps = agents.map((row) =>
    db.agent.upsert({
      where: { projectId_id: { projectId: project, id: row.id } },
      create: { projectId: project, id: row.id, ...agentColumns(row), keys: { create: keyColumns(row.keys, project) } },
      update: { ...agentColumns(row), keys: { deleteMany: {}, create: keyColumns(row.keys, project) } },
    }),
  );
  const contractOps = contracts.map((row) => {
    const data = { schema: json(row.schema), description: row.description };
    return db.contract.upsert({ where: { projectId_intent: { projectId: project, intent: row.intent } }, create: { projectId: project, intent: row.intent, ...data }, update: data });
  });
  await db.$transaction([...agentOps, ...contractOps]);
}

/**
 * Everything a registry snapshot is built from: three flat scans (agents,
 * keys, contracts) joined in memory, which stays cheap with thousands of
 * agents where `include` would send their ids back as a huge IN list. They run
 * in one REPEATABLE READ transaction, so the keys always belong to the agents
 * read beside them even while an update commits.
 */
export async function loadSnapshotRows(db: PrismaClient, project: string): Promise<SnapshotRows> {
  const [agents, keys, contracts] = await db.$transaction(
    [
      db.agent.findMany({ where: { projectId: project }, orderBy: { id: "asc" } }),
      db.agentKey.findMany({ where: { projectId: project } }),
      db.contract.findMany({ where: { projectId: project }, orderBy: { intent: "asc" } }),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  const keysByAgent = new Map<string, AgentKeyRow[]>();
  for (const key of keys) {
    const list = keysByAgent.get(key.agentId);
    if (list) list.push(key);
    else keysByAgent.set(key.agentId, [key]);
  }
  return {
    agents: agents.map((agent) => toAgentRow(agent, keysByAgent.get(agent.id) ?? [])),
    contracts: contracts.map(toContractRow),
  };
}
