// The migration to partitioned storage on a database that already holds
// records, spans and edges: every row survives with its storing order, keys
// and indexes are the partitioned ones, and ingest goes on from there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createPool, insertBatch, withTransaction, type SpanRow } from "@/lib/db/ingest-store.ts";
import { defaultMigrationsDir, migrate } from "@/lib/db/migrate.ts";
import { listPartitions } from "@/lib/db/partitions.ts";
import { partitionName } from "@/lib/storage/partition-plan.ts";
import { withDatabase } from "../../helpers/database.ts";
import { insertLegacyRecords, insertLegacySpans } from "../../helpers/legacy-rows.ts";
import { recordRow } from "../lineage/lineage-fixtures.ts";

const MIGRATION = "20261206010000_partitioned_storage";

describe("migration to partitioned storage", () => {
  const adminUrl = () => inject("adminDatabaseUrl");
  const name = `fb_test_partmig_${process.pid}_${Date.now()}`;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url = withDatabase(adminUrl(), name);
    // Every migration before this one: the database as it was.
    dir = mkdtempSync(path.join(tmpdir(), "fb-partmig-"));
    for (const m of readdirSync(defaultMigrationsDir()).filter((d) => d < MIGRATION && !d.endsWith(".toml"))) {
      cpSync(path.join(defaultMigrationsDir(), m), path.join(dir, m), { recursive: true });
    }
    await migrate(url, dir);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("converts a populated database without losing a row, keeping storing order, and ingest goes on", async () => {
    const now = Date.now();
    const at = (days: number) => new Date(now + days * 86_400_000).toISOString();
    const rows = [
      ...Array.from({ length: 200 }, (_, i) => ({ ...recordRow(`OLD-${i}`, { parents: i > 0 ? [`OLD-${i - 1}`] : [] }), ts: at(-(i % 12)) })),
      { ...recordRow("ANCIENT"), ts: "1971-03-01T00:00:00.000Z" },
      { ...recordRow("FAR-FUTURE"), ts: "2150-01-01T00:00:00.000Z" },
      { ...recordRow("LAST-YEAR"), ts: at(-200) },
    ];
    // A forged copy reusing a record's ids (kept as evidence before, and after).
    const forged = { ...rows[5]!, contentHash: "e".repeat(64) };
    const spans: SpanRow[] = rows.map((r) => {
      const ns = (BigInt(Date.parse(r.ts)) * 1_000_000n).toString();
      return { traceId: r.traceId, spanId: r.spanId, parentSpanId: null, name: r.kind, spanKind: 1, startNs: ns, endNs: ns, serviceName: r.agent, attributes: { a: 1 }, statusCode: 0, contentHash: r.contentHash };
    });
    const pool = createPool(url, 2);
    try {
      // Two transactions, so the storing order (tx_id, seq) has something to keep.
      await insertLegacyRecords(pool, rows.slice(0, 100));
      await insertLegacyRecords(pool, [...rows.slice(100), forged]);
      await insertLegacySpans(pool, spans);
      await pool.query(`INSERT INTO record_edges (child_id, parent_id, kind) VALUES ('OLD-1', 'OLD-0', 'parent'), ('OLD-2', 'OLD-1', 'parent')`);
      const snapshot = async (sql: string) => (await pool.query<{ k: string }>(sql)).rows.map((r) => r.k);
      const recordsSql = `SELECT concat_ws('|', seq, tx_id, record_id, content_hash, ts, received_at, verdict_details::text, parents::text) AS k FROM records ORDER BY tx_id, seq`;
      const spansSql = `SELECT concat_ws('|', seq, trace_id, span_id, content_hash, start_ns, attributes::text) AS k FROM spans ORDER BY seq`;
      const before = { records: await snapshot(recordsSql), spans: await snapshot(spansSql), edges: await snapshot(`SELECT concat_ws('|', child_id, parent_id, kind) AS k FROM record_edges ORDER BY 1`) };
      expect(before.records).toHaveLength(rows.length + 1);

      const result = await migrate(url);
      expect(result.applied).toContain(MIGRATION);

      expect(await snapshot(recordsSql)).toEqual(before.records);
      expect(await snapshot(spansSql)).toEqual(before.spans);
      expect(await snapshot(`SELECT concat_ws('|', child_id, parent_id, kind) AS k FROM record_edges ORDER BY 1`)).toEqual(before.edges);
      const kinds = await pool.query<{ relkind: string; relname: string }>(`SELECT relname, relkind FROM pg_class WHERE relname IN ('records', 'spans')`);
      expect(kinds.rows.map((r) => r.relkind)).toEqual(["p", "p"]);
      // Each week of recent data has its partition, starting on a Monday, and
      // so does next week; the rest is in the default one. 12 days of data
      // span at most three weeks: a handful of partitions, not one a day.
      const weeks = await listPartitions(pool, "records");
      const names = weeks.map((p) => p.name);
      for (let d = 0; d < 12; d++) expect(names).toContain(partitionName("records", now - d * 86_400_000));
      for (let d = 1; d <= 7; d++) expect(names).toContain(partitionName("records", now + d * 86_400_000));
      for (const w of weeks) expect(new Date(w.weekMs).getUTCDay()).toBe(1);
      expect(weeks.length).toBeLessThanOrEqual(4);
      const spanWeeks = (await listPartitions(pool, "spans")).map((p) => p.name.replace("spans_", "records_"));
      expect(spanWeeks).toEqual(names);
      const inDefault = await pool.query<{ record_id: string }>(`SELECT record_id FROM records_default ORDER BY record_id`);
      expect(inDefault.rows.map((r) => r.record_id)).toEqual(["ANCIENT", "FAR-FUTURE", "LAST-YEAR"]);
      // The keys lead with project_id and end with the partition key; the indexes the reads use are on every partition.
      const keys = await pool.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'records'::regclass AND contype IN ('p', 'u') ORDER BY contype`,
      );
      expect(keys.rows.map((r) => r.def)).toEqual(["PRIMARY KEY (project_id, seq, ts)", "UNIQUE (project_id, trace_id, span_id, content_hash, ts)"]);
      const indexes = await pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'records'`);
      for (const ix of ["records_project_id_record_id_idx", "records_project_id_tx_id_seq_idx", "records_project_id_agent_ts_idx", "records_verdicts_idx", "records_pending_idx", "records_settled_tx_id_seq_idx"]) {
        expect(indexes.rows.map((r) => r.indexname)).toContain(ix);
      }
      const onPartition = await pool.query(`SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(project_id, record_id)%'`, [partitionName("records", now)]);
      expect(onPartition.rowCount).toBe(1);
      expect(await snapshot(`SELECT to_regclass('records_unpartitioned')::text AS k`)).toEqual([null]);

      // Ingest after: an identical retry of an old record is a no-op, a new one numbers on.
      const maxSeq = Number((await pool.query<{ m: string }>(`SELECT max(seq)::text AS m FROM records`)).rows[0]!.m);
      const fresh = { ...recordRow("NEW"), ts: new Date(now).toISOString() };
      const added = await withTransaction(pool, (tx) => insertBatch(tx, "default", [spans[0]!], [rows[0]!, rows[201]!, fresh]));
      expect(added).toBe(1);
      const seq = Number((await pool.query<{ s: string }>(`SELECT seq::text AS s FROM records WHERE record_id = 'NEW'`)).rows[0]!.s);
      expect(seq).toBeGreaterThan(maxSeq);
      expect(Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM spans`)).rows[0]!.n)).toBe(spans.length);
    } finally {
      await pool.end();
    }
  });
});
