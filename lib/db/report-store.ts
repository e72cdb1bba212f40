// Reads for incident reports: the records involved with everything needed to
// re-check their signatures, the registry entries that judged them, breaker
// events, and a contiguous run of the audit chain.
import type pg from "pg";
import type { AuditEntry } from "../audit/audit-chain.ts";
import type { AuditCheckpoint } from "../audit/checkpoint.ts";
import { readAuditEntries } from "./audit-store.ts";

type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export interface StoredRecordRow {
  seq: string;
  recordId: string;
  kind: string;
  agent: string;
  receivers: string[];
  intent: string | null;
  protocol: string | null;
  ts: Date;
  nonce: string | null;
  payload: string | null;
  parents: string[];
  authority: string[];
  actionClass: string | null;
  signature: string | null;
  keyId: string | null;
  verdicts: string[];
  verdictDetails: unknown;
  receivedAt: Date;
}

/** Every stored row of these firebreak ids (forged copies included), oldest first. */
export async function recordsByIds(q: Queryable, project: string, ids: readonly string[]): Promise<StoredRecordRow[]> {
  if (ids.length === 0) return [];
  const res = await q.query<StoredRecordRow>(
    `SELECT seq::text AS seq, record_id AS "recordId", kind, agent, coalesce(receivers, '{}') AS receivers, intent, protocol, ts, nonce, payload,
            coalesce(parents, '{}') AS parents, coalesce(authority, '{}') AS authority, action_class AS "actionClass", signature, key_id AS "keyId",
            coalesce(verdicts, '{}') AS verdicts, verdict_details AS "verdictDetails", received_at AS "receivedAt"
       FROM records WHERE project_id = $2 AND record_id = ANY($1::text[]) ORDER BY ts, seq`,
    [ids, project],
  );
  return res.rows;
}

export interface RegistryAgentRow {
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
  updatedAt: Date;
  keys: { keyId: string; publicKey: string; notBefore: string | null; notAfter: string | null }[];
}

export async function registryAgents(q: Queryable, project: string, ids: readonly string[]): Promise<RegistryAgentRow[]> {
  if (ids.length === 0) return [];
  const res = await q.query<RegistryAgentRow>(
    `SELECT a.id, a.display_name AS "displayName", a.kind, a.capabilities, a.memory, a.protocols, a.version, a.labels, a.attested, a.attestation,
            a.updated_at AS "updatedAt",
            coalesce((SELECT json_agg(json_build_object('keyId', k.key_id, 'publicKey', k.public_key,
                        'notBefore', to_char(k.not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        'notAfter', to_char(k.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY k.key_id)
                        FROM agent_keys k WHERE k.project_id = a.project_id AND k.agent_id = a.id), '[]') AS keys
       FROM agents a WHERE a.project_id = $2 AND a.id = ANY($1::text[]) ORDER BY a.id`,
    [ids, project],
  );
  return res.rows;
}

export interface ContractRowOut {
  intent: string;
  schema: unknown;
  description: string | null;
  updatedAt: Date;
}

export async function contractsFor(q: Queryable, project: string, intents: readonly string[]): Promise<ContractRowOut[]> {
  if (intents.length === 0) return [];
  const res = await q.query<ContractRowOut>(
    `SELECT intent, schema, description, updated_at AS "updatedAt" FROM contracts WHERE project_id = $2 AND intent = ANY($1::text[]) ORDER BY intent`,
    [intents, project],
  );
  return res.rows;
}

export interface BreakerEventRow {
  id: string;
  sender: string;
  receiver: string;
  from: string;
  to: string;
  at: Date;
  cause: string;
  recordIds: string[];
  detail: string;
  actor: string | null;
}

/** Breaker events on edges among these agents in [from, to], with who acted, oldest first. */
export async function breakerEventsAmong(q: Queryable, project: string, agents: readonly string[], from: Date, to: Date, limit = 2_000): Promise<BreakerEventRow[]> {
  if (agents.length === 0) return [];
  const res = await q.query<BreakerEventRow>(
    `SELECT id::text AS id, sender, receiver, from_state AS "from", to_state AS "to", at, cause, coalesce(record_ids, '{}') AS "recordIds", detail, actor
       FROM breaker_events WHERE project_id = $5 AND sender = ANY($1::text[]) AND receiver = ANY($1::text[]) AND at >= $2 AND at <= $3
      ORDER BY at, id LIMIT $4`,
    [agents, from, to, limit, project],
  );
  return res.rows;
}

/**
 * The chain from the first entry about any of `targets` on, up to `max`
 * entries: contiguous, so a verifier can check every link; plus the newest
 * checkpoint inside that run.
 */
export async function auditRunFor(
  q: Queryable,
  targets: readonly string[],
  max = 5_000,
): Promise<{ entries: AuditEntry[]; checkpoint: AuditCheckpoint | null }> {
  const first = await q.query<{ seq: string }>(`SELECT min(seq)::text AS seq FROM audit_entries WHERE target = ANY($1::text[])`, [targets]);
  const start = first.rows[0]?.seq;
  if (start === undefined || start === null) return { entries: [], checkpoint: null };
  const entries = await readAuditEntries(q, Number(start) - 1, max);
  const last = entries.at(-1);
  if (!last) return { entries, checkpoint: null };
  const cp = await q.query<{ seq: string; hash: string; at: Date; key_id: string; signature: string }>(
    `SELECT seq, hash, at, key_id, signature FROM audit_checkpoints WHERE seq >= $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`,
    [Number(start), last.seq],
  );
  const row = cp.rows[0];
  return {
    entries,
    checkpoint: row ? { seq: Number(row.seq), hash: row.hash, at: row.at.toISOString(), keyId: row.key_id, signature: row.signature } : null,
  };
}
