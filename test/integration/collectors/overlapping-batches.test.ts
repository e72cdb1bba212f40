// Two collectors storing batches that overlap in opposite orders (the same
// nonces, the same spans re-batched by an OpenTelemetry Collector on retry)
// must never deadlock each other: every batch is acknowledged, each nonce
// has exactly one original, each span is stored once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import { makeSignedRecord } from "../../fixtures/records.ts";
import { makeAgent, makeSnapshot } from "../../fixtures/registry.ts";
import { encodeSpanned, postBody, spanned } from "../../helpers/span-bodies.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";
import { decodeBatch } from "../../../lib/collector/decode-batch.ts";
import { persistBatch } from "../../../lib/collector/ingest.ts";

const snapshot = makeSnapshot([makeAgent({ id: "agent-a", capabilities: [{ intent: "*", to: ["*"] }] })]);

const body = encodeSpanned;
const post = (url: string, bytes: Uint8Array): Promise<number> => postBody(url, TOKEN, bytes);

let h: Harness;
let second: Collector;
let secondPool: ReturnType<typeof createPool>;
let secondUrl: string;

beforeAll(async () => {
  h = await startHarness({ workers: 1 }, snapshot);
  secondPool = createPool(h.db.url, 10);
  second = await startCollector({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 << 20, skewMs: 300_000, pendingWaitMs: 1_000, workers: 1, maxInflight: 8, ingestKeys: [TOKEN] },
    pool: secondPool,
    loadSnapshot: async () => snapshot,
  });
  secondUrl = `http://127.0.0.1:${second.port}/v1/traces`;
});
afterAll(async () => {
  await second.close();
  await secondPool.end();
  await h.close();
});

describe("overlapping batches on two collectors", () => {
  it("replays claimed in opposite orders: all acknowledged, one original per nonce", async () => {
    const rounds = 4;
    const size = 100;
    for (let round = 0; round < rounds; round++) {
      const originals = Array.from({ length: size }, () => makeSignedRecord({ timestamp: new Date().toISOString() }));
      // Different records reusing the same nonces, in the opposite order.
      const copies = originals.map((o) => makeSignedRecord({ timestamp: new Date().toISOString(), nonce: o.nonce })).reverse();
      const statuses = await Promise.all([post(h.url, body(originals.map(spanned))), post(secondUrl, body(copies.map(spanned)))]);
      expect(statuses).toEqual([200, 200]);
    }
    const r = await h.pool.query<{ nonce: string; originals: string; copies: string }>(
      `SELECT nonce, count(*) FILTER (WHERE NOT 'replay' = ANY(verdicts))::text AS originals, count(*)::text AS copies FROM records GROUP BY nonce`,
    );
    expect(r.rows).toHaveLength(rounds * size);
    expect(r.rows.filter((x) => x.originals !== "1" || x.copies !== "2")).toEqual([]);
  });

  it("the same spans re-batched in a different order and sent to both at once: stored once each", async () => {
    const rounds = 4;
    const size = 100;
    const before = await h.count("records");
    for (let round = 0; round < rounds; round++) {
      const items = Array.from({ length: size }, () => spanned(makeSignedRecord({ timestamp: new Date().toISOString() })));
      const statuses = await Promise.all([post(h.url, body(items)), post(secondUrl, body([...items].reverse()))]);
      expect(statuses).toEqual([200, 200]);
    }
    expect((await h.count("records")) - before).toBe(rounds * size);
    // A retry is never its own replay.
    const replays = await h.pool.query("SELECT 1 FROM records WHERE 'replay' = ANY(verdicts) AND seq > $1", [String(before)]);
    expect(replays.rowCount).toBe(0);
  });
});

describe("storage under contention", () => {
  it("many transactions storing the same spans and nonces in shuffled orders all commit (no deadlock)", async () => {
    const items = Array.from({ length: 1_000 }, () => spanned(makeSignedRecord({ timestamp: new Date().toISOString() })));
    const orders = Array.from({ length: 4 }, (_, k) => (k % 2 === 0 ? items : [...items].reverse()));
    const decoded = orders.map((o) => decodeBatch({ project: "default", body: body(o), format: "protobuf", receivedAt: Date.now(), skewMs: 300_000 }, snapshot));
    const results = await Promise.allSettled(decoded.map((d) => persistBatch(h.pool, "default", d, snapshot)));
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const ids = items.map((i) => i.rec.id);
    const stored = await h.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM records WHERE record_id = ANY($1::text[])", [ids]);
    expect(Number(stored.rows[0]!.n)).toBe(items.length);
  });
});
