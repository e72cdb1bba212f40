// A registry change made through one process is what every collector judges
// the next batch by: an agent registered (or a key revoked) through the
// dashboard's service, then a record sent at once to a different collector,
// gets the verdict the new registry gives, not the one a 1 s poll would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import { createPrisma } from "../../../lib/db/prisma.ts";
import { loadRegistrySnapshot, registerAgent, updateAgent } from "../../../lib/registry/service.ts";
import type { RegistryConfig } from "../../../lib/config/registry-config.ts";
import { signRecord } from "../../../lib/protocol/sign.ts";
import { privateKeyFromSeed } from "../../../lib/protocol/keys.ts";
import { makeRecord } from "../../fixtures/records.ts";
import { agentEntry, testKey, testRegistrar } from "../../fixtures/registry-entries.ts";
import { sendRecords } from "../../helpers/otlp-client.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

const TOKEN = "registry-freshness-key-0123456789";
const registrar = testRegistrar();
const config: RegistryConfig = { registrars: registrar.registrars, allowUnattested: false };

let db: TestDatabase;
let prisma: ReturnType<typeof createPrisma>;
const pools: ReturnType<typeof createPool>[] = [];
const collectors: Collector[] = [];

async function collector(): Promise<string> {
  const pool = createPool(db.url, 4);
  pools.push(pool);
  const c = await startCollector({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 << 20, skewMs: 300_000, pendingWaitMs: 1_000, workers: 1, maxInflight: 8, ingestKeys: [TOKEN] },
    pool,
    loadSnapshot: (project) => loadRegistrySnapshot(prisma, project, config),
  });
  collectors.push(c);
  return `http://127.0.0.1:${c.port}/v1/traces`;
}

// A human request through a gateway: verified on the registry alone, no chain needed.
function requestFrom(agent: string, keyName: string) {
  const rec = makeRecord({ kind: "request", agent, to: undefined, intent: "buy", payload: '{"text":"restock A-1"}', timestamp: new Date().toISOString() });
  return { ...rec, signature: signRecord(rec, keyName, privateKeyFromSeed(testKey(keyName).privateKey)) };
}

const gatewayEntry = (id: string, over: Parameters<typeof agentEntry>[1] = {}) => agentEntry(id, { kind: "gateway", capabilities: [], ...over });

async function verdictsOf(id: string): Promise<string[]> {
  const r = await pools[0]!.query<{ verdicts: string[] }>("SELECT verdicts FROM records WHERE record_id = $1", [id]);
  return r.rows[0]?.verdicts ?? [];
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrisma(db.url);
});
afterAll(async () => {
  for (const c of collectors) await c.close();
  for (const p of pools) await p.end();
  await prisma.$disconnect();
  await db.drop();
});

describe("registry changes across collectors", () => {
  it("an agent registered a moment ago verifies at every collector, and a removed key stops at once", async () => {
    const [a, b, c] = [await collector(), await collector(), await collector()];
    for (let round = 0; round < 3; round++) {
      const id = `joiner-${round}`;
      // Every collector has its snapshot loaded (and its 1 s poll far from due) before the change.
      await registerAgent(prisma, "default", registrar.attest(gatewayEntry(id)), config, "test");
      const rec = requestFrom(id, `${id}-k1`);
      await sendRecords([a, b, c][round]!, TOKEN, [rec]);
      expect(await verdictsOf(rec.id)).toEqual(["verified"]);

      // The key replaced: records signed with the old one are refused straight away, anywhere.
      await updateAgent(prisma, "default", id, registrar.attest(gatewayEntry(id, { keys: [{ keyId: `${id}-k2`, publicKey: testKey(`${id}-k2`).publicKey }] })), config, "test");
      const stale = requestFrom(id, `${id}-k1`);
      await sendRecords([b, c, a][round]!, TOKEN, [stale]);
      expect(await verdictsOf(stale.id)).toContain("unknown_key");
    }
  });
});
