// The checkpointer against a real PostgreSQL: one checkpoint per round
// however many processes try at once, on the entry-count and time policy,
// and the background loop a collector runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { audit } from "../../../lib/audit/audit-log.ts";
import { checkpointIfDue, startCheckpointer } from "../../../lib/audit/checkpointer.ts";
import { readCheckpoints } from "../../../lib/db/audit-store.ts";
import { instanceKeyFromSeed } from "../../../lib/config/instance-key.ts";
import { generateKeyPair } from "../../../lib/protocol/keys.ts";
import { verifyAuditLogSnapshot } from "../../../lib/audit/verify-log.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

let db: TestDatabase;
let pools: pg.Pool[];
const key = instanceKeyFromSeed(generateKeyPair().privateKey);
const policy = { everyMs: 300_000, everyEntries: 5 };
const note = (i: number) => audit(pools[0]!, { actor: "alice", action: "incident.note", target: `incident:${i}`, detail: { i } });

beforeAll(async () => {
  db = await createTestDatabase();
  // Separate pools stand for separate collector processes.
  pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db.url, max: 2 }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

describe("audit checkpointer", () => {
  it("nothing to sign in an empty log", async () => {
    expect(await checkpointIfDue(pools[0]!, key, { policy, force: true })).toBeNull();
  });

  it("four processes at once write one checkpoint; the next is due after 5 entries or 5 minutes", async () => {
    for (let i = 1; i <= 3; i++) await note(i);
    const written = (await Promise.all(pools.map((p) => checkpointIfDue(p, key, { policy })))).filter((c) => c !== null);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ seq: 3, keyId: key.keyId });
    for (let i = 4; i <= 7; i++) await note(i);
    expect(await checkpointIfDue(pools[1]!, key, { policy })).toBeNull(); // 4 new entries, a moment later
    expect(await checkpointIfDue(pools[1]!, key, { policy, now: new Date(Date.now() + 300_000) })).toMatchObject({ seq: 7 });
    for (let i = 8; i <= 12; i++) await note(i);
    expect(await checkpointIfDue(pools[2]!, key, { policy })).toMatchObject({ seq: 12 });
    expect((await readCheckpoints(pools[0]!)).map((c) => c.seq)).toEqual([3, 7, 12]);
    expect(await verifyAuditLogSnapshot(pools[0]!, key)).toMatchObject({ intact: true, entries: 12, checkpoints: 3, unsigned: 0 });
  });

  it("the background loop signs once entries pile up, and stops cleanly", async () => {
    const loop = startCheckpointer(pools[3]!, key, { policy, pollMs: 50 });
    for (let i = 13; i <= 18; i++) await note(i);
    const deadline = Date.now() + 10_000;
    while (loop.written() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await loop.stop();
    expect(loop.written()).toBeGreaterThanOrEqual(1);
    expect((await readCheckpoints(pools[0]!)).at(-1)?.seq).toBeGreaterThanOrEqual(17);
  });
});
