// A real collector on a random port, over a fresh database, with a registry
// snapshot the test controls.
import type pg from "pg";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import type { CollectorSettings } from "../../../lib/config/collector-config.ts";
import type { RegistrySnapshot } from "../../../lib/registry/types.ts";
import type { RecordRow } from "../../../lib/db/ingest-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

export const TOKEN = "test-ingest-key-0123456789";

export interface Harness {
  db: TestDatabase;
  pool: pg.Pool;
  collector: Collector;
  url: string;
  setSnapshot(s: RegistrySnapshot): Promise<void>;
  records(where?: string, params?: unknown[]): Promise<StoredRecord[]>;
  count(table: "spans" | "records" | "nonces"): Promise<number>;
  close(): Promise<void>;
}

export interface StoredRecord extends Pick<RecordRow, "recordId" | "kind" | "agent"> {
  verdicts: string[];
  verdictDetails: { verdict: string; detail?: string }[];
  verified: boolean;
  pendingOn: string[];
}

export async function startHarness(overrides: Partial<CollectorSettings> = {}, initial?: RegistrySnapshot): Promise<Harness> {
  const db = await createTestDatabase();
  const pool = createPool(db.url, 10);
  let snapshot: RegistrySnapshot = initial ?? { agents: new Map(), contracts: new Map(), allowUnattested: false };
  const collector = await startCollector({
    settings: {
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 4 * 1024 * 1024,
      skewMs: 300_000,
      pendingWaitMs: 1_000,
      workers: 2,
      maxInflight: 16,
      ingestKeys: [TOKEN],
      ...overrides,
    },
    pool,
    loadSnapshot: async () => snapshot,
    log: process.env.FIREBREAK_TEST_LOG === "1" ? (l) => console.error(l) : undefined,
  });
  const setSnapshot = async (s: RegistrySnapshot): Promise<void> => {
    snapshot = s;
    await collector.reloadRegistry();
  };
  return {
    db,
    pool,
    collector,
    url: `http://127.0.0.1:${collector.port}/v1/traces`,
    setSnapshot,
    async records(where = "true", params = []) {
      const r = await pool.query<{
        record_id: string;
        kind: string;
        agent: string;
        verdicts: string[];
        verdict_details: { verdict: string; detail?: string }[];
        verified: boolean;
        pending_on: string[];
      }>(`SELECT record_id, kind, agent, verdicts, verdict_details, verified, pending_on FROM records WHERE ${where} ORDER BY seq`, params);
      return r.rows.map((x) => ({
        recordId: x.record_id,
        kind: x.kind,
        agent: x.agent,
        verdicts: x.verdicts,
        verdictDetails: x.verdict_details,
        verified: x.verified,
        pendingOn: x.pending_on,
      }));
    },
    async count(table) {
      const r = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
      return Number(r.rows[0]?.n ?? 0);
    },
    async close() {
      await collector.close();
      await pool.end();
      await db.drop();
    },
  };
}
