// The registry's operations, as route handlers, scripts and the collector call
// them. Each takes the Prisma client first so tests can pass their own.
//
// Attestation is checked when an entry is written and the result is stored in
// agents.attested (for SQL and forensics). Views and snapshots check it again
// against the registrars configured now, so removing a registrar key takes
// effect at the next snapshot rather than only at the next write.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { badRequest, conflict, notFound } from "../api/errors.ts";
import { registryConfigFromEnv, type RegistryConfig } from "../config/registry-config.ts";
import type { PrismaClient } from "../db/prisma.ts";
import {
  findAgent,
  findAgents,
  findContract,
  findContracts,
  insertAgent,
  loadSnapshotRows,
  replaceAgent,
  upsertContract,
  upsertRegistry,
  type AgentRow,
  type AgentWrite,
  type ContractRow,
  type RegistryWriter,
} from "../db/registry-store.ts";
import { appendAuditEntry } from "../db/audit-store.ts";
import { prismaAuditDb } from "../db/prisma-audit.ts";
import type { AuditInput } from "../audit/audit-chain.ts";
import { verifyAttestation } from "./attestation.ts";
import { AgentInput, ContractInput, RegistryFile, type AgentView, type ContractView } from "./schema.ts";
import type { Contract, RegistryAgent, RegistrySnapshot } from "./types.ts";
import { invalid, issueDetails, parseOrBadRequest, summarize, type IssueDetail } from "./validation.ts";

/** What reading and writing entries needs from the configuration: the registrars to check attestations against. */
export type AttestationConfig = Pick<RegistryConfig, "registrars">;

function toWrite(entry: AgentInput, attested: boolean): AgentWrite {
  return {
    id: entry.id,
    displayName: entry.displayName,
    kind: entry.kind,
    capabilities: entry.capabilities,
    memory: entry.memory,
    protocols: entry.protocols,
    version: entry.version,
    labels: entry.labels,
    attested,
    attestation: entry.attestation ?? null,
    keys: entry.keys.map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      notBefore: k.notBefore === null ? null : new Date(k.notBefore),
      notAfter: k.notAfter === null ? null : new Date(k.notAfter),
    })),
  };
}

/**
 * A stored row back as a parsed entry. Rows are written only from parsed
 * input, so a failure here means the database was edited by hand: that is a
 * server fault naming the agent, not something to serve half-decoded.
 */
function entryFromRow(row: AgentRow): AgentInput {
  const raw = {
    id: row.id,
    displayName: row.displayName,
    kind: row.kind,
    keys: row.keys.map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      notBefore: k.notBefore?.toISOString() ?? null,
      notAfter: k.notAfter?.toISOString() ?? null,
    })),
    capabilities: row.capabilities,
    memory: row.memory,
    protocols: row.protocols,
    version: row.version,
    labels: row.labels,
    ...(row.attestation === null ? {} : { attestation: row.attestation }),
  };
  const parsed = AgentInput.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`agent "${row.id}" in the database does not decode (edited outside Firebreak?): ${summarize(issueDetails(parsed.error))}`);
  }
  return parsed.data;
}

function toView(row: AgentRow, config: AttestationConfig): AgentView {
  const entry = entryFromRow(row);
  const check = verifyAttestation(entry, config.registrars);
  return {
    ...entry,
    attested: check.attested,
    ...(check.reason === undefined ? {} : { attestationError: check.reason }),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function contractView(row: ContractRow): ContractView {
  return { intent: row.intent, schema: decodeSchemaColumn(row), description: row.description, updatedAt: row.updatedAt.toISOString() };
}

function decodeSchemaColumn(row: ContractRow): Record<string, unknown> {
  const schema = row.schema;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new Error(`contract "${row.intent}" in the database has a schema that is not a JSON object`);
  }
  return schema as Record<string, unknown>;
}

/** Who changed the registry, for the audit trail; null for the launcher's own registry file. */
export type RegistryActor = string | null;

/** Runs a registry write and, when a person made it, its audit entry, in one transaction. */
async function audited<T>(db: PrismaClient, actor: RegistryActor, write: (tx: RegistryWriter) => Promise<T | null>, entry: (row: T) => Omit<AuditInput, "actor">): Promise<T | null> {
  if (actor === null) return write(db);
  return db.$transaction(async (tx) => {
    const row = await write(tx);
    if (row !== null) await appendAuditEntry(prismaAuditDb(tx), { actor, ...entry(row) });
    return row;
  });
}

/** Registers a new agent. 400 on invalid input, 409 when the id is taken. */
export async function registerAgent(db: PrismaClient, project: string, input: unknown, config: AttestationConfig = registryConfigFromEnv(), actor: RegistryActor = null): Promise<AgentView> {
  const entry = parseOrBadRequest(AgentInput, input, "agent entry");
  const { attested } = verifyAttestation(entry, config.registrars);
  const row = await audited(db, actor, (tx) => insertAgent(tx, project, toWrite(entry, attested)), () => ({
    action: "registry.register_agent",
    target: `agent:${entry.id}`,
    detail: { project, attested, keys: entry.keys.map((k) => k.keyId) },
  }));
  if (row === null) throw conflict(`Agent "${entry.id}" is already registered: update it instead of registering it again.`);
  return toView(row, config);
}

/**
 * Replaces an agent's entry whole, keys included, and checks its attestation
 * again (an attestation covers the entry it was made for, so an edited entry
 * needs a new one). The body may leave `id` out; if it names one, it must be `id`.
 */
export async function updateAgent(db: PrismaClient, project: string, id: string, input: unknown, config: AttestationConfig = registryConfigFromEnv(), actor: RegistryActor = null): Promise<AgentView> {
  const body = input !== null && typeof input === "object" && !Array.isArray(input) && !("id" in input) ? { ...input, id } : input;
  const entry = parseOrBadRequest(AgentInput, body, "agent entry");
  if (entry.id !== id) {
    throw badRequest(`The entry's id "${entry.id}" does not match the agent being updated ("${id}"). Agents cannot be renamed; register a new one.`, [
      { path: "id", message: `must be "${id}"` },
    ]);
  }
  const { attested } = verifyAttestation(entry, config.registrars);
  const row = await audited(db, actor, (tx) => replaceAgent(tx, project, toWrite(entry, attested)), () => ({
    action: "registry.update_agent",
    target: `agent:${id}`,
    detail: { project, attested, keys: entry.keys.map((k) => k.keyId) },
  }));
  if (row === null) throw notFound(`Agent "${id}" is not registered.`);
  return toView(row, config);
}

export async function getAgent(db: PrismaClient, project: string, id: string, config: AttestationConfig = registryConfigFromEnv()): Promise<AgentView> {
  const row = await findAgent(db, project, id);
  if (row === null) throw notFound(`Agent "${id}" is not registered.`);
  return toView(row, config);
}

export interface AgentQuery {
  /** "key=value": only agents with that label. */
  label?: string;
}

/** Agents ordered by id, optionally only those carrying one label. */
export async function listAgents(db: PrismaClient, project: string, query: AgentQuery = {}, config: AttestationConfig = registryConfigFromEnv()): Promise<AgentView[]> {
  let label: { key: string; value: string } | undefined;
  if (query.label !== undefined) {
    const eq = query.label.indexOf("=");
    if (eq <= 0) throw badRequest(`label filter must be "key=value", got "${query.label}"`, [{ path: "label", message: 'must be "key=value"' }]);
    label = { key: query.label.slice(0, eq), value: query.label.slice(eq + 1) };
  }
  const rows = await findAgents(db, project, label ? { label } : {});
  return rows.map((row) => toView(row, config));
}

/** Creates or replaces a contract. 400 when it is invalid or its schema does not compile. */
export async function putContract(db: PrismaClient, project: string, input: unknown, actor: RegistryActor = null): Promise<ContractView> {
  const contract = parseOrBadRequest(ContractInput, input, "contract");
  const row = await audited(db, actor, (tx) => upsertContract(tx, project, { intent: contract.intent, schema: contract.schema, description: contract.description ?? null }), () => ({
    action: "registry.put_contract",
    target: `contract:${contract.intent}`,
    detail: { project },
  }));
  if (row === null) throw new Error("a contract upsert returned nothing");
  return contractView(row);
}

export async function getContract(db: PrismaClient, project: string, intent: string): Promise<ContractView> {
  const row = await findContract(db, project, intent);
  if (row === null) throw notFound(`No contract for intent "${intent}".`);
  return contractView(row);
}

export async function listContracts(db: PrismaClient, project: string): Promise<ContractView[]> {
  return (await findContracts(db, project)).map(contractView);
}

/** The registry as the verifiers see it, with every attestation checked against `config.registrars`. */
/**
 * The registry as the door judges by. A row that no longer decodes (edited
 * outside Firebreak) is left out and reported, so the agent's records fail
 * closed as unknown_agent instead of one bad row stopping all ingest.
 */
export async function loadRegistrySnapshot(
  db: PrismaClient,
  project: string,
  config: RegistryConfig,
  onProblem: (message: string) => void = () => {},
): Promise<RegistrySnapshot> {
  const rows = await loadSnapshotRows(db, project);
  const agents = new Map<string, RegistryAgent>();
  for (const row of rows.agents) {
    let entry: AgentInput;
    try {
      entry = entryFromRow(row);
    } catch (err) {
      onProblem(`registry: left out of the snapshot: ${(err as Error).message}`);
      continue;
    }
    agents.set(entry.id, {
      id: entry.id,
      displayName: entry.displayName,
      kind: entry.kind,
      keys: row.keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, notBefore: k.notBefore, notAfter: k.notAfter })),
      capabilities: entry.capabilities,
      memory: entry.memory,
      protocols: entry.protocols,
      version: entry.version,
      labels: entry.labels,
      attested: verifyAttestation(entry, config.registrars).attested,
    });
  }
  const contracts = new Map<string, Contract>();
  for (const row of rows.contracts) {
    try {
      contracts.set(row.intent, { intent: row.intent, schema: decodeSchemaColumn(row) });
    } catch (err) {
      onProblem(`registry: contract left out of the snapshot: ${(err as Error).message}`);
    }
  }
  return { agents, contracts, allowUnattested: config.allowUnattested };
}

/** Reads a registry file: YAML (.yaml, .yml) or JSON (.json). Errors name the file and the line. */
async function readRegistryDocument(file: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== ".yaml" && ext !== ".yml" && ext !== ".json") {
    throw badRequest(`Registry file ${file}: the name must end in .yaml, .yml or .json (it decides how the file is read).`);
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw badRequest(`Registry file ${file} cannot be read: ${(err as Error).message}`);
  }
  try {
    // YAML 1.2 core schema (yaml's default): timestamps stay strings, and a
    // repeated key is an error rather than a silent override. Warnings are
    // not printed: a library does not write to the console.
    return ext === ".json" ? (JSON.parse(text) as unknown) : (parseYaml(text, { logLevel: "error" }) as unknown);
  } catch (err) {
    throw badRequest(`Registry file ${file} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(err as Error).message}`);
  }
}

/** `agents[1] ("price-monitor").keys[0]`: a path a person can find in their file. */
function describeFilePath(detail: IssueDetail, raw: unknown): IssueDetail {
  const m = /^agents\[(\d+)\](.*)$/.exec(detail.path);
  if (!m?.[1] || raw === null || typeof raw !== "object" || !("agents" in raw) || !Array.isArray(raw.agents)) return detail;
  const agent: unknown = raw.agents[Number(m[1])];
  const id = agent !== null && typeof agent === "object" && "id" in agent && typeof agent.id === "string" ? agent.id : undefined;
  return id === undefined ? detail : { path: `agents[${m[1]}] (${JSON.stringify(id)})${m[2] ?? ""}`, message: detail.message };
}

/**
 * Creates or replaces every agent and contract in a registry file, in one
 * transaction. Entries the file does not name are left alone. Returns how many
 * of each were written.
 */
export async function applyRegistryFile(
  db: PrismaClient,
  project: string,
  file: string,
  config: AttestationConfig = registryConfigFromEnv(),
): Promise<{ agents: number; contracts: number }> {
  const raw = await readRegistryDocument(file);
  const parsed = RegistryFile.safeParse(raw ?? {});
  if (!parsed.success) {
    throw invalid(`registry file ${file}`, issueDetails(parsed.error).map((d) => describeFilePath(d, raw)));
  }
  const { agents, contracts } = parsed.data;
  await upsertRegistry(
    db,
    project,
    agents.map((entry) => toWrite(entry, verifyAttestation(entry, config.registrars).attested)),
    contracts.map((c) => ({ intent: c.intent, schema: c.schema, description: c.description ?? null })),
  );
  return { agents: agents.length, contracts: contracts.length };
}
