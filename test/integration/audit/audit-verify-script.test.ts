// `npm run audit:verify` as an auditor runs it, against a real PostgreSQL
// whose audit trail is tampered with in every way the checks are meant to
// catch: an edited entry, a removed one, two swapped, the whole tail
// rewritten with recomputed hashes, and a forged checkpoint.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { auditHash, type AuditEntry } from "../../../lib/audit/audit-chain.ts";
import { audit } from "../../../lib/audit/audit-log.ts";
import { checkpointIfDue } from "../../../lib/audit/checkpointer.ts";
import { readAuditEntries } from "../../../lib/db/audit-store.ts";
import { instanceKeyFromSeed } from "../../../lib/config/instance-key.ts";
import { generateKeyPair } from "../../../lib/protocol/keys.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { runScript } from "../../helpers/run-script.ts";

let db: TestDatabase;
let pool: pg.Pool;
const key = instanceKeyFromSeed(generateKeyPair().privateKey);
const verify = (extra: string[] = []) => runScript("scripts/audit-verify.ts", ["--public-key", key.publicKey, ...extra], { DATABASE_URL: db.url, FIREBREAK_INSTANCE_KEY: "" });

/** 20 entries, a checkpoint signed at entry 12 (and one at 6), 8 more after it. */
async function freshLog(): Promise<void> {
  await pool.query("TRUNCATE audit_entries, audit_checkpoints");
  for (let i = 1; i <= 20; i++) {
    await audit(pool, { actor: `analyst-${i % 3}`, action: "incident.note", target: `incident:${i}`, detail: { text: `note ${i}` } });
    if (i === 6 || i === 12) expect(await checkpointIfDue(pool, key, { force: true })).toMatchObject({ seq: i });
  }
}

/** Rewrites entries from `from` on with the new content and recomputed hashes, as an attacker with database access would. */
async function rewriteFrom(from: number, change: (e: AuditEntry) => AuditEntry): Promise<void> {
  const entries = await readAuditEntries(pool);
  let prevHash = entries.find((e) => e.seq === from - 1)?.hash ?? "0".repeat(64);
  for (const e of entries.filter((x) => x.seq >= from)) {
    const body = { ...change(e), prevHash };
    const hash = auditHash(body);
    await pool.query("UPDATE audit_entries SET detail = $2, prev_hash = $3, hash = $4 WHERE seq = $1", [e.seq, JSON.stringify(body.detail), prevHash, hash]);
    prevHash = hash;
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(freshLog);

describe("npm run audit:verify", () => {
  it("says intact, with counts and the last checkpoint, and exits 0", async () => {
    const r = await verify();
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/audit log intact: 20 entries, 2 checkpoints, last checkpoint at \d{4}-\d\d-\d\dT[\d:.]+Z \(entry 12\); 8 newer entries are chained but not yet checkpointed/);
    expect(r.code).toBe(0);
  });

  it("an edited entry: names it, exit 1", async () => {
    await pool.query(`UPDATE audit_entries SET detail = '{"text": "nothing to see"}' WHERE seq = 9`);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("entry 9 was altered");
  });

  it("a removed entry in the middle: names it", async () => {
    await pool.query("DELETE FROM audit_entries WHERE seq = 15");
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("entry 15 is missing");
  });

  it("two entries' seq swapped: says they were reordered, at the first", async () => {
    await pool.query("UPDATE audit_entries SET seq = -1 WHERE seq = 17");
    await pool.query("UPDATE audit_entries SET seq = 17 WHERE seq = 18");
    await pool.query("UPDATE audit_entries SET seq = 18 WHERE seq = -1");
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("entry 17 is out of place");
    expect(r.stdout).toContain("reordered");
  });

  it("the tail rewritten from before a checkpoint with every hash recomputed: the chain holds but the checkpoint catches it", async () => {
    await rewriteFrom(9, (e) => (e.seq === 9 ? { ...e, detail: { text: "rewritten" } } : e));
    // The chain alone is whole again: only the signed checkpoint knows.
    const { findChainBreak } = await import("../../../lib/audit/audit-chain.ts");
    expect(findChainBreak(await readAuditEntries(pool))).toBeNull();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("entry 12 differs from what the checkpoint");
    expect(r.stdout).toContain("one of entries 7 to 12");
  });

  it("a forged checkpoint (signed by another key, or edited): exit 1, names it", async () => {
    const other = instanceKeyFromSeed(generateKeyPair().privateKey);
    await rewriteFrom(13, (e) => (e.seq === 13 ? { ...e, detail: { text: "rewritten" } } : e));
    const forged = (await import("../../../lib/audit/checkpoint.ts")).signCheckpoint((await readAuditEntries(pool, 19, 1))[0]!, new Date(), { ...other, keyId: key.keyId });
    await pool.query("INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)", [forged.seq, forged.hash, forged.at, forged.keyId, forged.signature]);
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("checkpoint at entry 20");
    expect(r.stdout).toContain("forged");
    // An honest checkpoint whose hash was edited fails its signature the same way.
    await pool.query("DELETE FROM audit_checkpoints WHERE seq = 20");
    await pool.query("UPDATE audit_checkpoints SET hash = repeat('a', 64) WHERE seq = 12");
    expect((await verify()).stdout).toContain("checkpoint at entry 12");
  });

  it("the log truncated below a checkpoint: names the lost entry", async () => {
    await pool.query("DELETE FROM audit_entries WHERE seq >= 11");
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("entry 12 was signed by the checkpoint");
  });

  it("a wrong public key: every checkpoint fails; a malformed one exits 2 with what to pass", async () => {
    const other = instanceKeyFromSeed(generateKeyPair().privateKey);
    const wrong = await runScript("scripts/audit-verify.ts", ["--public-key", other.publicKey], { DATABASE_URL: db.url });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("not the instance key");
    const bad = await runScript("scripts/audit-verify.ts", ["--public-key", "nope"], { DATABASE_URL: db.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--public-key must be");
  });
});
