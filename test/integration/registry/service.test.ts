import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify as toYaml } from "yaml";
import { FirebreakError } from "@/lib/api/errors.ts";
import type { RegistryConfig } from "@/lib/config/registry-config.ts";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { AgentView, ContractView, type AgentInputRaw } from "@/lib/registry/schema.ts";
import {
  applyRegistryFile,
  getAgent,
  getContract,
  listAgents,
  listContracts,
  loadRegistrySnapshot,
  putContract,
  registerAgent,
  updateAgent,
} from "@/lib/registry/service.ts";
import { agentEntry, contractInput, priceQuoteSchema, testKey, testRegistrar } from "@/test/fixtures/registry-entries.ts";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database.ts";

const registrar = testRegistrar("ci-2026");
const config: RegistryConfig = { registrars: registrar.registrars, allowUnattested: false };
const noRegistrars: RegistryConfig = { registrars: new Map(), allowUnattested: true };
const EXAMPLE = path.resolve("docs/examples/registry.yaml");

let tdb: TestDatabase;
let db: PrismaClient;
let dir: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrisma(tdb.url, { max: 4 });
  dir = mkdtempSync(path.join(tmpdir(), "fb-registry-"));
});
afterAll(async () => {
  await db.$disconnect();
  await tdb.drop();
});

/** The FirebreakError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<FirebreakError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FirebreakError) return err;
    throw err;
  }
  throw new Error("expected a FirebreakError, but the call succeeded");
}

function writeFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe("agents", () => {
  it("registers an unattested agent and says why it is unattested", async () => {
    const view = AgentView.parse(await registerAgent(db, "default", agentEntry("reg-plain"), config));
    expect(view).toMatchObject({ id: "reg-plain", attested: false, attestationError: "the entry has no attestation" });
    expect(view.keys).toEqual([{ keyId: "reg-plain-k1", publicKey: testKey("reg-plain-k1").publicKey, notBefore: null, notAfter: null }]);
    expect((await db.agent.findUniqueOrThrow({ where: { projectId_id: { projectId: "default", id: "reg-plain" } } })).attested).toBe(false);
  });

  it("registers an attested agent and stores the verdict", async () => {
    const view = AgentView.parse(await registerAgent(db, "default", registrar.attest(agentEntry("reg-attested")), config));
    expect(view.attested).toBe(true);
    expect(view.attestationError).toBeUndefined();
    expect(view.attestation?.registrarKeyId).toBe("ci-2026");
    const row = await db.agent.findUniqueOrThrow({ where: { projectId_id: { projectId: "default", id: "reg-attested" } } });
    expect(row.attested).toBe(true);
    expect(row.attestation).toEqual(view.attestation);
  });

  it("answers 409 for an id that is taken, and leaves the first entry alone", async () => {
    await registerAgent(db, "default", agentEntry("reg-twice"), config);
    const err = await failure(registerAgent(db, "default", agentEntry("reg-twice", { displayName: "Impostor" }), config));
    expect(err.status).toBe(409);
    expect(err.message).toBe('Agent "reg-twice" is already registered: update it instead of registering it again.');
    expect((await getAgent(db, "default", "reg-twice", config)).displayName).toBe("Agent reg-twice");
  });

  it("answers 400 with paths for a bad entry, and writes nothing", async () => {
    const err = await failure(registerAgent(db, "default", { ...agentEntry("reg-bad"), keys: [{ keyId: "k", publicKey: "too-short" }], kind: "robot" }, config));
    expect(err.status).toBe(400);
    expect(err.details.map((d) => d.path)).toEqual(["kind", "keys[0].publicKey"]);
    expect(err.message).toMatch(/^Invalid agent entry: kind: must be one of .*; keys\[0\]\.publicKey: must be 43 characters of base64url \(the raw Ed25519 public key\), got 9$/);
    expect(await db.agent.findUnique({ where: { projectId_id: { projectId: "default", id: "reg-bad" } } })).toBeNull();
  });

  it("replaces the whole entry on update, keys as a set, and checks the attestation again", async () => {
    const original = registrar.attest(
      agentEntry("upd", {
        keys: [
          { keyId: "old", publicKey: testKey("old").publicKey },
          { keyId: "keep", publicKey: testKey("keep").publicKey },
        ],
      }),
    );
    expect((await registerAgent(db, "default", original, config)).attested).toBe(true);

    // Same attestation, edited entry: the signature no longer covers it.
    const edited = { ...original, keys: [{ keyId: "keep", publicKey: testKey("keep").publicKey }, { keyId: "new", publicKey: testKey("new").publicKey, notBefore: "2026-12-01T00:00:00Z" }] };
    const view = AgentView.parse(await updateAgent(db, "default", "upd", edited, config));
    expect(view.keys.map((k) => k.keyId)).toEqual(["keep", "new"]);
    expect(view.keys[1]?.notBefore).toBe("2026-12-01T00:00:00.000Z");
    expect(view.attested).toBe(false);
    expect(view.attestationError).toMatch(/does not match this entry/);
    expect(await db.agentKey.findMany({ where: { agentId: "upd" }, orderBy: { keyId: "asc" } })).toMatchObject([{ keyId: "keep" }, { keyId: "new" }]);
    expect((await db.agent.findUniqueOrThrow({ where: { projectId_id: { projectId: "default", id: "upd" } } })).attested).toBe(false);

    // Re-signed: attested again. The body may leave the id out.
    const { id: _id, ...resigned } = registrar.attest(edited);
    expect((await updateAgent(db, "default", "upd", resigned, config)).attested).toBe(true);
  });

  it("drops fields an update leaves out (full replace, not a merge)", async () => {
    await registerAgent(db, "default", agentEntry("upd-full", { labels: { team: "a", env: "prod" }, version: "1.0.0" }), config);
    const view = await updateAgent(db, "default", "upd-full", { id: "upd-full", displayName: "X", kind: "agent", keys: [{ keyId: "k", publicKey: testKey("k").publicKey }] }, config);
    expect(view).toMatchObject({ labels: {}, version: null, capabilities: [], memory: { read: [], write: [] }, protocols: {} });
  });

  it("answers 404 when updating an agent that does not exist, 400 when the ids disagree", async () => {
    const missing = await failure(updateAgent(db, "default", "nobody", agentEntry("nobody"), config));
    expect([missing.status, missing.message]).toEqual([404, 'Agent "nobody" is not registered.']);
    await registerAgent(db, "default", agentEntry("upd-rename"), config);
    const rename = await failure(updateAgent(db, "default", "upd-rename", agentEntry("other-name"), config));
    expect(rename.status).toBe(400);
    expect(rename.details).toEqual([{ path: "id", message: 'must be "upd-rename"' }]);
  });

  it("gets an agent, or answers 404", async () => {
    await registerAgent(db, "default", agentEntry("get-me"), config);
    expect(AgentView.parse(await getAgent(db, "default", "get-me", config)).id).toBe("get-me");
    const err = await failure(getAgent(db, "default", "get-nobody", config));
    expect([err.status, err.code, err.message]).toEqual([404, "not_found", 'Agent "get-nobody" is not registered.']);
  });

  it("lists agents ordered by id, and filters by one label", async () => {
    await registerAgent(db, "default", agentEntry("lbl-b", { labels: { squad: "red", env: "prod" } }), config);
    await registerAgent(db, "default", agentEntry("lbl-a", { labels: { squad: "red" } }), config);
    await registerAgent(db, "default", agentEntry("lbl-c", { labels: { squad: "blue" } }), config);
    await registerAgent(db, "default", agentEntry("lbl-d", { labels: { squad: "red=ish" } }), config);

    const all = await listAgents(db, "default", {}, config);
    expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort());
    for (const view of all) AgentView.parse(view);

    expect((await listAgents(db, "default", { label: "squad=red" }, config)).map((a) => a.id)).toEqual(["lbl-a", "lbl-b"]);
    expect((await listAgents(db, "default", { label: "squad=red=ish" }, config)).map((a) => a.id)).toEqual(["lbl-d"]);
    expect(await listAgents(db, "default", { label: "squad=" }, config)).toEqual([]);
    expect(await listAgents(db, "default", { label: "nosuch=red" }, config)).toEqual([]);
  });

  it("answers 400 for a label filter without key=value", async () => {
    for (const label of ["squad", "=red", ""]) {
      const err = await failure(listAgents(db, "default", { label }, config));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/^label filter must be "key=value"/);
    }
  });

  it("shows attestation as the current registrars see it", async () => {
    await registerAgent(db, "default", registrar.attest(agentEntry("rotated-out")), config);
    const view = await getAgent(db, "default", "rotated-out", noRegistrars);
    expect(view.attested).toBe(false);
    expect(view.attestationError).toMatch(/registrar key "ci-2026" is not configured/);
  });
});

describe("contracts", () => {
  it("creates, replaces, gets and lists contracts", async () => {
    const created = ContractView.parse(await putContract(db, "default", contractInput("ct.Quote")));
    expect(created).toMatchObject({ intent: "ct.Quote", schema: priceQuoteSchema(), description: "The ct.Quote message" });

    const replaced = await putContract(db, "default", { intent: "ct.Quote", schema: { type: "object" } });
    expect(replaced).toMatchObject({ schema: { type: "object" }, description: null });
    expect(await getContract(db, "default", "ct.Quote")).toEqual(replaced);

    await putContract(db, "default", contractInput("ct.Alpha"));
    const listed = (await listContracts(db, "default")).filter((c) => c.intent.startsWith("ct."));
    expect(listed.map((c) => c.intent)).toEqual(["ct.Alpha", "ct.Quote"]);
    for (const c of listed) ContractView.parse(c);
  });

  it("answers 400 with Ajv's reason for a schema that does not compile", async () => {
    const err = await failure(putContract(db, "default", contractInput("ct.Bad", { type: "object", properties: { a: { type: "strng" } } })));
    expect(err.status).toBe(400);
    expect(err.details[0]?.path).toBe("schema");
    expect(err.message).toMatch(/^Invalid contract: schema: is not a usable JSON Schema: schema is invalid: data\/properties\/a\/type/);
    expect(await db.contract.findUnique({ where: { projectId_intent: { projectId: "default", intent: "ct.Bad" } } })).toBeNull();
  });

  it("answers 404 for an unknown intent", async () => {
    const err = await failure(getContract(db, "default", "ct.Nothing"));
    expect([err.status, err.message]).toEqual([404, 'No contract for intent "ct.Nothing".']);
  });
});

describe("registry files and snapshots", () => {
  it("applies the example registry and builds a snapshot from it", async () => {
    expect(await applyRegistryFile(db, "default", EXAMPLE, config)).toEqual({ agents: 4, contracts: 1 });
    const snapshot = await loadRegistrySnapshot(db, "default", config);

    expect(snapshot.allowUnattested).toBe(false);
    const monitor = snapshot.agents.get("price-monitor");
    expect(monitor).toMatchObject({
      kind: "agent",
      version: "1.4.0",
      capabilities: [{ intent: "PriceQuote", to: ["recommender"] }],
      memory: { read: ["prices/*"], write: ["prices/*"] },
      protocols: { a2a: "0.3" },
      labels: { team: "pricing", env: "demo" },
      attested: false,
    });
    expect(monitor?.keys).toEqual([
      { keyId: "price-monitor-2026-01", publicKey: "ZM27GJ9NTNop0vrBWG2tHMu-1YoxB7ZlinteL03LtHE", notBefore: null, notAfter: new Date("2026-07-01T00:00:00Z") },
      { keyId: "price-monitor-2026-06", publicKey: "HI7m0Ek8nYoYrO43y7GKvDJAC4VeGBlatQkBhzAoClQ", notBefore: new Date("2026-06-01T00:00:00Z"), notAfter: null },
    ]);
    expect(snapshot.agents.get("gateway")?.kind).toBe("gateway");
    expect(snapshot.agents.get("approver.alice")?.kind).toBe("approver");
    expect(snapshot.agents.get("recommender")?.capabilities).toEqual([{ intent: "purchase.order", to: [] }]);

    const quote = snapshot.contracts.get("PriceQuote");
    expect(quote?.schema).toMatchObject({ required: ["sku", "unit_price", "currency"], properties: { unit_price: { type: "number" }, currency: { type: "string" }, sku: { type: "string" } } });
  });

  it("is idempotent: applying again replaces, never duplicates", async () => {
    await applyRegistryFile(db, "default", EXAMPLE, config);
    expect(await applyRegistryFile(db, "default", EXAMPLE, config)).toEqual({ agents: 4, contracts: 1 });
    expect(await db.agentKey.count({ where: { agentId: "price-monitor" } })).toBe(2);
  });

  it("checks attestations in the snapshot against the registrars it is given", async () => {
    const file = writeFile("attested.json", JSON.stringify({ agents: [registrar.attest(agentEntry("snap-attested"))] }));
    await applyRegistryFile(db, "default", file, config);
    expect((await db.agent.findUniqueOrThrow({ where: { projectId_id: { projectId: "default", id: "snap-attested" } } })).attested).toBe(true);
    expect((await loadRegistrySnapshot(db, "default", config)).agents.get("snap-attested")?.attested).toBe(true);
    const withoutRegistrar = await loadRegistrySnapshot(db, "default", noRegistrars);
    expect(withoutRegistrar.agents.get("snap-attested")?.attested).toBe(false);
    expect(withoutRegistrar.allowUnattested).toBe(true);
  });

  it("reads YAML and JSON files alike", async () => {
    const doc = { agents: [agentEntry("file-yaml")], contracts: [contractInput("file.Quote")] };
    expect(await applyRegistryFile(db, "default", writeFile("r.yml", toYaml(doc)), config)).toEqual({ agents: 1, contracts: 1 });
    expect(await applyRegistryFile(db, "default", writeFile("r.json", JSON.stringify({ agents: [agentEntry("file-json")] })), config)).toEqual({ agents: 1, contracts: 0 });
    expect((await getAgent(db, "default", "file-yaml", config)).labels).toEqual({ team: "pricing" });
    expect((await getContract(db, "default", "file.Quote")).schema).toEqual(priceQuoteSchema());
  });

  it("names the file, the agent and the path of each problem, and writes nothing", async () => {
    const good = agentEntry("file-good");
    const bad: AgentInputRaw = { ...agentEntry("file-bad"), keys: [{ keyId: "k", publicKey: "AAAA" }] };
    const file = writeFile("bad.yaml", toYaml({ agents: [good, bad], contracts: [contractInput("file.Never")] }));
    const err = await failure(applyRegistryFile(db, "default", file, config));
    expect(err.status).toBe(400);
    expect(err.message).toBe(`Invalid registry file ${file}: agents[1] ("file-bad").keys[0].publicKey: must decode to exactly 32 bytes (the raw Ed25519 public key), got 3`);
    expect(err.details).toEqual([{ path: 'agents[1] ("file-bad").keys[0].publicKey', message: "must decode to exactly 32 bytes (the raw Ed25519 public key), got 3" }]);
    expect(await db.agent.findUnique({ where: { projectId_id: { projectId: "default", id: "file-good" } } })).toBeNull();
    expect(await db.contract.findUnique({ where: { projectId_intent: { projectId: "default", intent: "file.Never" } } })).toBeNull();
  });

  it("hints at quoting when YAML turned a version into a number", async () => {
    const file = writeFile("numbers.yaml", "agents:\n  - id: file-num\n    displayName: N\n    kind: agent\n    version: 1.10\n    keys:\n      - keyId: k\n        publicKey: " + testKey("k").publicKey + "\n");
    const err = await failure(applyRegistryFile(db, "default", file, config));
    expect(err.message).toContain('agents[0] ("file-num").version: must be a string; quote version numbers in YAML ("0.3")');
  });

  it("reports YAML syntax errors and repeated keys with the line", async () => {
    const broken = await failure(applyRegistryFile(db, "default", writeFile("broken.yaml", "agents:\n  - id: [unclosed\n"), config));
    expect(broken.message).toMatch(new RegExp(`^Registry file .*broken\\.yaml is not valid YAML: .* at line 3, column 1`, "s"));
    const repeated = await failure(applyRegistryFile(db, "default", writeFile("repeated.yaml", "agents: []\nagents: []\n"), config));
    expect(repeated.message).toMatch(/is not valid YAML: Map keys must be unique at line 2/);
  });

  it("refuses unknown extensions, missing files and bad JSON", async () => {
    expect((await failure(applyRegistryFile(db, "default", writeFile("r.toml", ""), config))).message).toMatch(/the name must end in \.yaml, \.yml or \.json/);
    expect((await failure(applyRegistryFile(db, "default", path.join(dir, "missing.yaml"), config))).message).toMatch(/missing\.yaml cannot be read: ENOENT/);
    expect((await failure(applyRegistryFile(db, "default", writeFile("bad.json", "{"), config))).message).toMatch(/bad\.json is not valid JSON: /);
    expect((await failure(applyRegistryFile(db, "default", writeFile("list.json", "[]"), config))).message).toMatch(/list\.json: must be a document with `agents` and `contracts` lists/);
  });

  it("treats an empty file as an empty registry", async () => {
    expect(await applyRegistryFile(db, "default", writeFile("empty.yaml", ""), config)).toEqual({ agents: 0, contracts: 0 });
  });

  it("leaves a row edited by hand out of the snapshot, naming the agent and the field", async () => {
    await registerAgent(db, "default", agentEntry("zz-corrupt"), config);
    await db.$executeRaw`UPDATE agents SET capabilities = '"oops"' WHERE id = 'zz-corrupt'`;
    const problems: string[] = [];
    const snapshot = await loadRegistrySnapshot(db, "default", config, (m) => problems.push(m));
    expect(snapshot.agents.has("zz-corrupt")).toBe(false);
    expect(problems.join("\n")).toMatch(/agent "zz-corrupt" in the database does not decode .*capabilities: must be a list of capabilities/);
    await db.$executeRaw`UPDATE agents SET capabilities = '[]' WHERE id = 'zz-corrupt'`;
    expect((await loadRegistrySnapshot(db, "default", config)).agents.get("zz-corrupt")?.capabilities).toEqual([]);
  });
});
