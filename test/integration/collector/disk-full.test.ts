// The database's disk fills up under a collector: it answers 503 +
// Retry-After saying the disk is full (never 500, never 200 for what it did
// not commit), takes writes again once space is freed, and the tables are
// intact afterwards (amcheck over the heap and every btree index). The
// records' database lives in a tablespace on a small tmpfs mounted by the
// test, so only it fills up; WAL stays on the main disk, as a production
// layout with a separate data volume would have it. Mounting needs root, as
// CI has: without it the test fails saying so, it never passes silently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { embeddedPostgresOsUser, startEmbeddedPostgres, type EmbeddedServer } from "../../../lib/db/embedded-server.ts";
import { migrate } from "../../../lib/db/migrate.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { auditStored, newLedger, sendOnce, sendUntilAcknowledged, type LedgerBatch } from "../../../bench/lib/ack-ledger.ts";
import { faultBatches } from "../../helpers/fault-batches.ts";
import { withDatabase } from "../../helpers/database.ts";

const TOKEN = "disk-full-ingest-key-0123456789";
const dataDir = mkdtempSync(path.join(tmpdir(), "fb-disk-full-"));
const small = path.join(dataDir, "small");
let mounted = false;
let server: EmbeddedServer;
let url: string;
let pool: pg.Pool;
let collector: Collector;

function mountSmallDisk(): void {
  if (process.getuid?.() !== 0) {
    throw new Error("The disk-full test mounts a 24 MiB tmpfs for a tablespace and needs root (CI runs as root). Run it as root; it cannot check ENOSPC handling otherwise.");
  }
  mkdirSync(small, { mode: 0o700 });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", small], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`Could not mount a tmpfs on ${small} (${(err as Error).message.trim()}). The disk-full test needs mount permission (root, not in a restricted container).`);
  }
  mounted = true;
  const owner = embeddedPostgresOsUser();
  mkdirSync(path.join(small, "ts"), { mode: 0o700 });
  if (owner) {
    chownSync(small, owner.uid, owner.gid);
    chownSync(path.join(small, "ts"), owner.uid, owner.gid);
  }
}

beforeAll(async () => {
  server = await startEmbeddedPostgres({ dataDir });
  mountSmallDisk();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE TABLESPACE fb_small LOCATION '${path.join(small, "ts")}'`);
  await admin.query("CREATE DATABASE fb_full TABLESPACE fb_small");
  await admin.end();
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
  if (mounted) execFileSync("umount", ["-l", small]);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Writes a file until the tmpfs is full; returns its path. */
function fill(): string {
  const file = path.join(small, "filler");
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe("disk full on the database", () => {
  it("answers 503 saying the disk is full, recovers once space is freed, and leaves the tables intact", async () => {
    const ledger = newLedger();
    const batches = faultBatches("full", 60, 50);
    const collectorUrl = `http://127.0.0.1:${collector.port}/v1/traces`;
    const filler = fill();

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

    rmSync(filler);
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

    // Not corrupt: every heap page readable and consistent, every btree index holding every tuple.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query("CREATE EXTENSION IF NOT EXISTS amcheck");
      const heap = await c.query("SELECT t.rel, v.* FROM unnest(ARRAY['records', 'spans', 'nonces', 'record_edges']) AS t(rel), LATERAL verify_heapam(t.rel::regclass) v");
      expect(heap.rows).toEqual([]);
      const indexes = await c.query<{ relname: string }>(
        `SELECT c.relname, bt_index_check(c.oid, true) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
          WHERE am.amname = 'btree' AND i.indrelid = ANY(ARRAY['records'::regclass, 'spans'::regclass, 'nonces'::regclass])`,
      );
      expect(indexes.rows.length).toBeGreaterThan(3);
      const full = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM (SELECT * FROM records) r");
      expect(full.rows[0]!.n).toBe(60 * 50);
    } finally {
      await c.end();
    }
  }, 180_000);
});
