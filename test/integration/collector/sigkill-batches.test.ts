// A collector killed with SIGKILL at random moments while a client sends
// batches and retries each until it is acknowledged (as OTLP exporters do):
// once it is restarted, every acknowledged record is stored, none twice, and
// no batch is stored in part. chaos:infra runs the same over 1,000 batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { faultBatches } from "../../helpers/fault-batches.ts";
import { auditStored, newLedger } from "../../../bench/lib/ack-ledger.ts";
import { killCollectorWhileSending } from "../../../bench/lib/sigkill-run.ts";

const TOKEN = "sigkill-ingest-key-0123456789";
const dataDir = mkdtempSync(path.join(tmpdir(), "fb-sigkill-"));
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("SIGKILL at random points", () => {
  it("loses no acknowledged record and stores none twice over 100 batches", async () => {
    const ledger = newLedger();
    const seed = `sigkill-${Date.now()}`;
    const started = Date.now();
    const run = await killCollectorWhileSending({
      databaseUrl: tdb.url,
      token: TOKEN,
      env: { FIREBREAK_DATA_DIR: dataDir, FIREBREAK_ENGINE: "off" },
      batches: faultBatches("k9", 100, 20),
      senders: 4,
      ledger,
      seed,
      minKills: 2,
      killAfterAcks: 60,
      killAfterMs: [0, 300],
      log: (l) => console.log(l),
    });
    console.log(`sigkill: ${run.kills} kills over ${Date.now() - started} ms, ${ledger.requests} requests, answers ${JSON.stringify(ledger.answers)}`);
    expect(run.kills, `seed ${seed}`).toBeGreaterThanOrEqual(2);
    expect(ledger.unexpected).toEqual([]);
    expect(ledger.acknowledged).toHaveLength(100);
    const audit = await auditStored(tdb.url, ledger);
    expect(audit.lost, `seed ${seed}`).toEqual([]);
    expect(audit.duplicates, `seed ${seed}`).toEqual([]);
    expect(audit.torn).toBe(0);
    expect(audit.acknowledgedRecords).toBe(2_000);
    // Each restart is a fresh Node process (a few seconds on a loaded machine); the sending itself takes seconds.
  }, 300_000);
});
