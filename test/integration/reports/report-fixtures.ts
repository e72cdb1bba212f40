// Signed records and the registry entries that judge them, for the report
// tests: an incident whose bundle can be checked signature by signature.
import type pg from "pg";
import { generateKeyPair } from "@/lib/protocol/keys.ts";
import { signRecord } from "@/lib/protocol/sign.ts";
import type { RecordRow } from "@/lib/db/ingest-store.ts";
import { wireRecordOf } from "@/lib/reports/record-wire.ts";
import { recordRow, type RowSpec } from "../lineage/lineage-fixtures.ts";

export interface TestAgent {
  id: string;
  keyId: string;
  publicKey: string;
  seed: string;
}

export function testAgent(id: string): TestAgent {
  const pair = generateKeyPair();
  return { id, keyId: `${id}-k1`, publicKey: pair.publicKey, seed: pair.privateKey };
}

export async function registerAgents(q: pg.Pool, agents: readonly TestAgent[]): Promise<void> {
  for (const a of agents) {
    await q.query(`INSERT INTO agents (id, display_name, kind, attested) VALUES ($1, $2, 'agent', true)`, [a.id, `Agent ${a.id}`]);
    await q.query(`INSERT INTO agent_keys (agent_id, key_id, public_key) VALUES ($1, $2, $3)`, [a.id, a.keyId, a.publicKey]);
  }
}

/** A record row signed by `by` (or by a stranger's key under `by`'s key id, for a forgery). */
export function signedRow(id: string, by: TestAgent, spec: RowSpec & { forged?: boolean } = {}): RecordRow {
  const { forged, ...rest } = spec;
  const row = recordRow(id, { agent: by.id, keyId: by.keyId, payload: JSON.stringify({ note: `record ${id}`, amount: 12.5 }), ...rest });
  const wire = wireRecordOf({ ...row, id: row.recordId, to: row.receivers, timestamp: row.ts });
  if (!wire) throw new Error(`fixture ${id} has no wire form`);
  const seed = forged ? generateKeyPair().privateKey : by.seed;
  return { ...row, signature: signRecord(wire, by.keyId, seed) };
}
