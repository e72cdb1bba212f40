// The database's disk fills up under a collector: it answers 503 +
// Retry-After saying the disk is full (never 500, never 200 for what it did
// not commit), takes writes again once space is freed, and the tables are
// intact afterwards (amcheck over the heap and every btree index). The
// records' database lives in a tablespace on a small tmpfs mounted by the
// test, so only it fills up; WAL stays on the main disk, as a production
// layout with a separate data volume would have it. Mounting needs root, as
// CI has: without it the test fails saying so, it never passes silently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../../lib/db/embedded-server.ts";
import { migrate } from "../../../lib/db/migrate.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { auditStored, newLedger, sendOnce, sendUntilAcknowledged, type LedgerBatch } from "../../../bench/lib/ack-ledger.ts";
import { checkIntegrity, createDatabaseOn, mountSmallDisk, type SmallDisk } from "../../../bench/lib/small-disk.ts";
import { faultBatches } from "../../helpers/fault-batches.ts";
import { withDatabase } from "../../helpers/database.ts";

const TOKEN = "disk-full-ingest-key-0123456789";
const dataDir = mkdtempSync(path.join(tmpdir(), "fb-disk-full-"));
let disk: SmallDisk | null = null;
let server: EmbeddedServer;
let url: string;
let pool: pg.Pool;
let collector: Collector;

beforeAll(async () => {
  server = await startEmbeddedPostgres({ dataDir });
  disk = mountSmallDisk(path.join(dataDir, "small"), 24);
  await createDatabaseOn(disk, server.url, "fb_full");
  url = withDatabase(server.url, "fb_full");
  await migrate(url);
  pool = createPool(url, 8);
  collector = await startCollector({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 << 20, skewMs: 300_000, pendingWaitMs: 1_000, workers: 1, maxInflight: 8, databaseRetryAfterSeconds: 1, ingestKeys: [TOKEN] },
    pool,
    loadSnapshot: async () => ({ agents: new Map(), contracts: new Map(), allowUnattested: true }),
    lookupIngestToken: null,
  });
});

afterAll(async () => {
  await collector?.close();
  await pool?.end();
  await server?.stop();
  disk?.unmount();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("disk full on the database", () => {
  it("answers 503 saying the disk is full, recovers once space is freed, and leaves the tables intact", async () => {
    const ledger = newLedger();
    const batches = faultBatches("full", 60, 50);
    const collectorUrl = `http://127.0.0.1:${collector.port}/v1/traces`;
    const free = disk!.fill();

    // Until the free space left in the tables' pages runs out, writes may still commit (and are acknowledged).
    const refused: LedgerBatch[] = [];
    const statuses: (number | "error")[] = [];
    let fullMessage = "";
    for (const b of batches) {
      ledger.attempted.push(b);
      const r = await sendOnce(collectorUrl, TOKEN, b.body);
      statuses.push(r.status);
      if (r.status === 200) ledger.acknowledged.push(b);
      else refused.push(b);
      if (r.status === 503) {
        fullMessage ||= r.text;
        expect(r.retryAfter).toBeGreaterThan(0);
      }
    }
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(fullMessage).toMatch(/disk full/);

    free();
    for (const b of refused) {
      ledger.attempted.pop();
      expect(await sendUntilAcknowledged(ledger, b, { url: collectorUrl, token: TOKEN, maxWaitMs: 1_000, giveUpMs: 60_000 })).toBe(true);
    }
    expect(ledger.unexpected).toEqual([]);
    expect(ledger.acknowledged).toHaveLength(batches.length);

    const audit = await auditStored(url, ledger);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicates).toEqual([]);
    expect(audit.torn).toBe(0);

    // Not corrupt: every heap page and btree index checked, every row read in full.
    const integrity = await checkIntegrity(url);
    expect(integrity.problems).toEqual([]);
    expect(integrity.indexesChecked).toBeGreaterThan(3);
    expect(integrity.records).toBe(60 * 50);
  }, 180_000);
});
