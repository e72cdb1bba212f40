import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { findChainBreak } from "../../../lib/audit/audit-chain.ts";
import { audit } from "../../../lib/audit/audit-log.ts";
import { readAuditEntries } from "../../../lib/db/audit-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  // Dropping the database at the end ends idle connections from the server side.
  pool.on("error", () => {});
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe("audit store", () => {
  it("concurrent appends from many connections form one unbroken chain", async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit(pool, { actor: `u${i % 4}`, action: "incident.note", target: `incident:${i}`, detail: { i } })),
    );
    const entries = await readAuditEntries(pool);
    expect(entries).toHaveLength(40);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(findChainBreak(entries)).toBeNull();
  });

  it("an act that rolls back leaves no entry behind", async () => {
    const before = (await readAuditEntries(pool)).length;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const { auditInTransaction } = await import("../../../lib/audit/audit-log.ts");
      await auditInTransaction(client, { actor: "u", action: "kill.agent", target: "agent:x", detail: {} });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await readAuditEntries(pool)).toHaveLength(before);
  });

  it("a stored entry edited in the database is found", async () => {
    await pool.query(`UPDATE audit_entries SET detail = '{"i": 999}' WHERE seq = 7`);
    expect(findChainBreak(await readAuditEntries(pool))).toMatchObject({ kind: "altered", seq: 7 });
  });
});
