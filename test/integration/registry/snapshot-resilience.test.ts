// One registry row edited outside Firebreak must not stop ingest: it is left
// out of the snapshot (its records then fail closed) and reported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "../../../lib/db/prisma.ts";
import { loadRegistrySnapshot, registerAgent } from "../../../lib/registry/service.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

let tdb: TestDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  tdb = await createTestDatabase();
  prisma = createPrisma(tdb.url);
});
afterAll(async () => {
  await prisma.$disconnect();
  await tdb.drop();
});

describe("registry snapshot", () => {
  it("leaves out a row that does not decode, reports it, and keeps the rest", async () => {
    const key = makeKeyPair("good-agent");
    await registerAgent(prisma, "default", { id: "good-agent", displayName: "Good", kind: "agent", keys: [{ keyId: key.keyId, publicKey: key.publicKey }] });
    await prisma.$executeRawUnsafe(`INSERT INTO agents (id, display_name, kind) VALUES ('keyless', 'Keyless', 'agent')`);
    const problems: string[] = [];
    const snapshot = await loadRegistrySnapshot(prisma, "default", { registrars: new Map(), allowUnattested: true }, (m) => problems.push(m));
    expect([...snapshot.agents.keys()]).toEqual(["good-agent"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('agent "keyless"');
  });
});
