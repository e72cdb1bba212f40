// Acknowledged means durable: a collector killed with SIGKILL at any moment
// loses no span it answered 200 for, and never stores half a batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { spawnReady } from "../../../lib/process/spawn-ready.ts";
import { randomBytes } from "node:crypto";
import { attributesFromRecord } from "../../../lib/protocol/span-to-record.ts";
import { makeRecord } from "../../fixtures/records.ts";
import { attr, arr, encodeRequest, makeRequest, makeSpan, str } from "../../unit/otlp/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import pg from "pg";

const TOKEN = "kill9-ingest-key-0123456789";
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => tdb.drop());

async function startCollectorProcess(): Promise<{ child: ChildProcess; url: string }> {
  const c = await spawnReady("scripts/collector.ts", {
    env: { DATABASE_URL: tdb.url, FIREBREAK_TOKEN: TOKEN, FIREBREAK_COLLECTOR_PORT: "0", FIREBREAK_COLLECTOR_HOST: "127.0.0.1" },
  });
  return { child: c.child, url: `http://127.0.0.1:${c.value}/v1/traces` };
}

function batch(tag: string, size: number): { body: Uint8Array; ids: string[] } {
  const ids: string[] = [];
  const spans = Array.from({ length: size }, (_, i) => {
    const rec = makeRecord({ id: `${tag}-${i}`, timestamp: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") });
    ids.push(rec.id);
    const attrs = Object.entries(attributesFromRecord(rec)).map(([k, v]) => attr(k, Array.isArray(v) ? arr(...v.map(str)) : str(v)));
    return makeSpan({ attributes: attrs, traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex") }, i);
  });
  return { body: encodeRequest(makeRequest(spans), "protobuf"), ids };
}

describe("kill -9 durability", () => {
  it("loses no acknowledged record across repeated SIGKILLs under load", async () => {
    const acknowledged: string[][] = [];
    const attempted: string[][] = [];
    for (let round = 0; round < 3; round++) {
      const { child, url } = await startCollectorProcess();
      let killed = false;
      const senders = Array.from({ length: 4 }, async (_, s) => {
        for (let n = 0; !killed; n++) {
          const b = batch(`r${round}-s${s}-b${n}`, 40);
          attempted.push(b.ids);
          try {
            const res = await fetch(url, { method: "POST", body: new Uint8Array(b.body), headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-protobuf" } });
            if (res.status === 200) acknowledged.push(b.ids);
            await res.arrayBuffer();
          } catch {
            // connection reset by the kill: not acknowledged, may or may not be stored
          }
        }
      });
      // Kill at a different moment each round, once traffic is flowing.
      const before = acknowledged.length;
      while (acknowledged.length === before) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 150 + round * 230));
      child.kill("SIGKILL");
      killed = true;
      await Promise.all(senders);
      await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
    }
    expect(acknowledged.length).toBeGreaterThan(5);

    const client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
    const rows = await client.query<{ record_id: string }>("SELECT record_id FROM records");
    await client.end();
    const stored = new Set(rows.rows.map((r) => r.record_id));
    const lost = acknowledged.flat().filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    // Atomic batches: each attempted batch is stored whole or not at all.
    for (const ids of attempted) {
      const n = ids.filter((id) => stored.has(id)).length;
      expect(n === 0 || n === ids.length).toBe(true);
    }
  });
});
