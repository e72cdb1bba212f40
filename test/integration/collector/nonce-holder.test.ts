// Two copies of one nonce in one batch (a replay captured and re-sent before
// the exporter's next flush): the first in the batch holds the nonce, whatever
// its span ids sort like, so the original is never judged the replay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { claimNonces, createPool, withTransaction } from "@/lib/db/ingest-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, 2);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

describe("nonce claims within one batch", () => {
  it("the first copy in the batch holds the nonce even when the later copy's span sorts first", async () => {
    const claim = (span: string) => ({ agent: "monitor", nonce: "n-1", traceId: "f".repeat(32), spanId: span, contentHash: "c".repeat(64) });
    const original = claim("ffffffffffffffff");
    const copy = claim("0000000000000001");
    await withTransaction(pool, (tx) => claimNonces(tx, "default", [original, copy]));
    const held = await pool.query<{ span_id: string }>("SELECT span_id FROM nonces WHERE project_id = 'default' AND agent = 'monitor' AND nonce = 'n-1'");
    expect(held.rows.map((r) => r.span_id)).toEqual([original.spanId]);

    // And the other way round: batch order decides, not the ids.
    const second = { ...claim("0000000000000002"), nonce: "n-2" };
    const later = { ...claim("fffffffffffffff2"), nonce: "n-2" };
    await withTransaction(pool, (tx) => claimNonces(tx, "default", [second, later]));
    const held2 = await pool.query<{ span_id: string }>("SELECT span_id FROM nonces WHERE nonce = 'n-2'");
    expect(held2.rows.map((r) => r.span_id)).toEqual([second.spanId]);
  });

  it("holds for many nonces with several copies each, interleaved through a large batch", async () => {
    // 300 nonces, 4 copies each, spread so copies of a nonce are far apart and their span ids run against batch order.
    const claims: { agent: string; nonce: string; traceId: string; spanId: string; contentHash: string }[] = [];
    for (let copy = 0; copy < 4; copy++) {
      for (let i = 0; i < 300; i++) {
        claims.push({ agent: `a${i % 7}`, nonce: `m-${i}`, traceId: "e".repeat(32), spanId: (9999 - copy * 1000 - i).toString(16).padStart(16, "0"), contentHash: "c".repeat(64) });
      }
    }
    await withTransaction(pool, (tx) => claimNonces(tx, "default", claims));
    const held = await pool.query<{ nonce: string; span_id: string }>("SELECT nonce, span_id FROM nonces WHERE nonce LIKE 'm-%'");
    const first = new Map<string, string>();
    for (const c of claims) if (!first.has(c.nonce)) first.set(c.nonce, c.spanId);
    expect(held.rows).toHaveLength(300);
    expect(held.rows.filter((r) => first.get(r.nonce) !== r.span_id)).toEqual([]);
  });
});
