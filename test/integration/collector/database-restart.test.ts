// PostgreSQL stopped and started again under a collector that is ingesting:
// the collector answers 503 + Retry-After (never 500, never 200 for what it
// did not commit), stays up with its engine loop, and takes writes again by
// itself. Every acknowledged record is then stored exactly once. The test
// runs its own PostgreSQL on its own data directory: stopping it touches no
// other test's server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../../lib/db/embedded-server.ts";
import { migrate } from "../../../lib/db/migrate.ts";
import { auditStored, newLedger, sendAll } from "../../../bench/lib/ack-ledger.ts";
import { collectorHealth, startCollectorProcess, type CollectorProcess } from "../../../bench/lib/collector-process.ts";
import { engineCaughtUp } from "../../../bench/lib/engine-progress.ts";
import { faultBatches } from "../../helpers/fault-batches.ts";

const TOKEN = "db-restart-ingest-key-0123456789";
const dataDir = mkdtempSync(path.join(tmpdir(), "fb-db-restart-"));
let db: EmbeddedServer;
let collector: CollectorProcess;

beforeAll(async () => {
  db = await startEmbeddedPostgres({ dataDir });
  await migrate(db.url);
  collector = await startCollectorProcess(db.url, TOKEN, { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_RETRY_AFTER_S: "1", FIREBREAK_ENGINE: "on" });
});
afterAll(async () => {
  await collector?.stop();
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("database stopped and restarted mid-ingest", () => {
  it("answers 503 with Retry-After while it is down, recovers by itself, and stores every acknowledged record exactly once", async () => {
    const ledger = newLedger();
    const batches = faultBatches("dbr", 40, 25);
    const sending = sendAll(ledger, batches, 3, { url: collector.url, token: TOKEN, maxWaitMs: 1_000 });
    // Stop the server once traffic flows, keep it down a while, start it again on the same data.
    while (ledger.acknowledged.length < 5) await new Promise((r) => setTimeout(r, 20));
    await db.stop();
    const during = await collectorHealth(collector.url, TOKEN);
    await new Promise((r) => setTimeout(r, 2_500));
    db = await startEmbeddedPostgres({ dataDir });
    await sending;

    expect(ledger.unexpected).toEqual([]);
    expect(ledger.answers["503"] ?? 0).toBeGreaterThan(0);
    expect(ledger.answers["500"]).toBeUndefined();
    expect(ledger.acknowledged).toHaveLength(batches.length);
    expect(during.status).toBe("ok");

    const audit = await auditStored(db.url, ledger);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicates).toEqual([]);
    expect(audit.torn).toBe(0);
    expect(audit.acknowledgedRecords).toBe(40 * 25);

    // Still the same process, and its engine loop judges what came after the outage.
    expect(collector.child.exitCode).toBeNull();
    await engineCaughtUp(db.url, 120_000);
    type Health = { database: { state: string }; refusedBy: { database: number }; engine: { records: number } };
    const health = (await collectorHealth(collector.url, TOKEN)) as Health;
    expect(health.database.state).toBe("up");
    // The loop's counters move just after its pass commits, a moment after the cursor does.
    await expect.poll(async () => ((await collectorHealth(collector.url, TOKEN)) as Health).engine.records, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(40 * 25);
  });
});
