// Two projects (tenants) on one instance, sharing agent ids with different
// keys, fed through one real collector with an ingest key each: nothing one
// project stores, judges, trips, groups or kills reaches the other
// (docs/adr/0015-projects.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { makeKeyPair, type FixtureKey } from "../../fixtures/keys.ts";
import { makeNonce, makeSignedRecord } from "../../fixtures/records.ts";
import { sendRecords } from "../../helpers/otlp-client.ts";
import { encodeRecordsForTest } from "../../helpers/encode-records.ts";

const ADMIN = "fbk_projects-test-admin-token-0123456789";
const { createTestDatabase } = await import("../../helpers/database.ts");
const tdb = await createTestDatabase();
// The routes' pool reads these on first use; set them before any route runs.
process.env.DATABASE_URL = tdb.url;
process.env.FIREBREAK_TOKEN = ADMIN;

const { startCollector } = await import("@/lib/collector/server.ts");
const { createPool } = await import("@/lib/db/ingest-store.ts");
const { createPrisma } = await import("@/lib/db/prisma.ts");
const { createProject, listProjects } = await import("@/lib/db/projects-store.ts");
const { createToken } = await import("@/lib/db/tokens-store.ts");
const { loadRegistrySnapshot, putContract, registerAgent } = await import("@/lib/registry/service.ts");
const { listRecords, getRecord } = await import("@/lib/db/records-query.ts");
const { agentGraph } = await import("@/lib/db/graph-query.ts");
const { blastRadiusOfRecord, originOfRecord, breakers, findingsPage, operateEdgeBreaker } = await import("@/lib/db/engine-queries.ts");
const { Evaluator } = await import("@/lib/engine/evaluator/evaluator.ts");
const { groupFindings } = await import("@/lib/engine/incidents/incident-runner.ts");
const { incidentsPage } = await import("@/lib/engine/incidents/incident-queries.ts");
const { createKillSwitch, readControlPolicy } = await import("@/lib/db/kill-switch-store.ts");
const { PolicyHub } = await import("@/lib/db/policy-hub.ts");
const { IncidentsPage, IncidentDetail } = await import("@/lib/api/incident-views.ts");
const { ProjectsResponse } = await import("@/lib/accounts/project.ts");
const incidentsRoute = await import("@/app/api/v1/incidents/route.ts");
const incidentRoute = await import("@/app/api/v1/incidents/[id]/route.ts");
const recordRoute = await import("@/app/api/v1/records/[id]/route.ts");
const projectsRoute = await import("@/app/api/v1/projects/route.ts");

const ALPHA = "alpha";
const BETA = "beta";
const config = { registrars: new Map(), allowUnattested: true };
// The same agent ids and key ids in both projects; only the key material differs.
type AgentId = "gateway" | "planner" | "executor";
const keyring = (project: string): Record<AgentId, FixtureKey> => ({
  gateway: makeKeyPair(`${project}-gateway`, "gateway-key"),
  planner: makeKeyPair(`${project}-planner`, "planner-key"),
  executor: makeKeyPair(`${project}-executor`, "executor-key"),
});
const keys: Record<string, Record<AgentId, FixtureKey>> = { [ALPHA]: keyring(ALPHA), [BETA]: keyring(BETA) };
/** Each project's user request: the same id in both, the authority every message cites. */
const REQUEST = "shared-request";

const pool = createPool(tdb.url, 8);
const prisma = createPrisma(tdb.url);
const admin = { actor: "admin (bearer)", userId: null, role: "admin" as const };
let collector: Awaited<ReturnType<typeof startCollector>>;
let url: string;
const ingest: Record<string, string> = {};
const reader: Record<string, string> = {};
const now = () => new Date().toISOString();

function entry(id: AgentId, key: FixtureKey) {
  return {
    id,
    displayName: `The ${id}`,
    kind: id === "gateway" ? "gateway" : "agent",
    keys: [{ keyId: key.keyId, publicKey: key.publicKey }],
    capabilities: id === "gateway" ? [] : [{ intent: "Plan", to: [id === "planner" ? "executor" : "planner"] }],
    protocols: { a2a: "0.3" },
  };
}

const message = (project: string, from: "planner" | "executor", over: Partial<WireRecord>): WireRecord =>
  makeSignedRecord(
    { agent: from, to: [from === "planner" ? "executor" : "planner"], intent: "Plan", payload: '{"step":1}', parents: [REQUEST], authority: [REQUEST], timestamp: now(), ...over },
    keys[project]![from],
  );

async function stored(project: string, id: string): Promise<string[][]> {
  return (await getRecord(prisma, project, id)).records.map((r) => r.verdicts);
}

beforeAll(async () => {
  for (const project of [ALPHA, BETA]) {
    await createProject(pool, { id: project, name: `Project ${project}` }, admin.actor);
    await putContract(prisma, project, { intent: "Plan", schema: { type: "object" } });
    for (const agent of ["gateway", "planner", "executor"] as const) await registerAgent(prisma, project, entry(agent, keys[project]![agent]), config);
    ingest[project] = (await createToken(pool, { name: `${project} exporters`, scope: "ingest", environment: project, project }, { ...admin, project })).token;
    reader[project] = (await createToken(pool, { name: `${project} reader`, scope: "read", environment: "", project }, { ...admin, project })).token;
  }
  collector = await startCollector({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 * 1024 * 1024, skewMs: 300_000, pendingWaitMs: 1_000, workers: 1, maxInflight: 8, ingestKeys: [ADMIN], ingestTokenTtlMs: 5_000 },
    pool,
    loadSnapshot: (project) => loadRegistrySnapshot(prisma, project, config),
  });
  url = `http://127.0.0.1:${collector.port}/v1/traces`;
  for (const project of [ALPHA, BETA]) {
    const request = makeSignedRecord({ kind: "request", id: REQUEST, agent: "gateway", to: undefined, intent: "plan.trip", payload: '{"text":"plan"}', timestamp: now() }, keys[project]!.gateway);
    await sendRecords(url, ingest[project]!, [request]);
  }
});

afterAll(async () => {
  await collector.close();
  await pool.end();
  await prisma.$disconnect();
  await tdb.drop();
});

describe("two projects sharing agent ids", () => {
  it("lists the projects (default first migrated in) and refuses a second with the same id", async () => {
    const res = await projectsRoute.GET(new Request("http://dash.test/api/v1/projects", { headers: { authorization: `Bearer ${ADMIN}` } }));
    expect(ProjectsResponse.parse(await res.json()).items.map((p) => p.id)).toEqual([ALPHA, BETA, "default"]);
    await expect(createProject(pool, { id: ALPHA, name: "again" }, admin.actor)).rejects.toMatchObject({ status: 409 });
    expect((await listProjects(pool)).length).toBe(3);
  });

  it("stores what each ingest key sends in its own project, judged by that project's registry", async () => {
    const a = message(ALPHA, "planner", { id: "alpha-only" });
    const b = message(BETA, "planner", { id: "beta-only" });
    await sendRecords(url, ingest[ALPHA]!, [a]);
    await sendRecords(url, ingest[BETA]!, [b]);
    expect((await stored(ALPHA, "alpha-only"))[0]).toContain("verified");
    expect((await stored(BETA, "beta-only"))[0]).toContain("verified");
    await expect(getRecord(prisma, BETA, "alpha-only")).rejects.toMatchObject({ status: 404 });
    await expect(getRecord(prisma, ALPHA, "beta-only")).rejects.toMatchObject({ status: 404 });
    // Alpha's planner key is not beta's planner key, though the agent and key ids match.
    const smuggled = message(ALPHA, "planner", { id: "signed-by-alpha" });
    await sendRecords(url, ingest[BETA]!, [smuggled]);
    expect((await stored(BETA, "signed-by-alpha"))[0]).toContain("bad_signature");
    const alphaIds = (await listRecords(prisma, ALPHA, { limit: 100 })).items.map((r) => r.id);
    expect(alphaIds).toContain("alpha-only");
    expect(alphaIds).not.toContain("beta-only");
    expect(alphaIds).not.toContain("signed-by-alpha");
  });

  it("refuses an ingest key that names another project, and sends the admin token where its header says", async () => {
    const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${ingest[ALPHA]}`, "x-firebreak-project": BETA, "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/belongs to the project \\"alpha\\": it cannot send into \\"beta\\"/);
    const unknown = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "x-firebreak-project": "nowhere", "content-type": "application/json" }, body: "{}" });
    expect(unknown.status).toBe(400);
    // The admin token with a header stores into that project.
    const viaAdmin = message(BETA, "executor", { id: "admin-into-beta" });
    const sent = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "x-firebreak-project": BETA, "content-type": "application/x-protobuf" },
      body: new Uint8Array(encodeRecordsForTest([viaAdmin])),
    });
    expect(sent.status).toBe(200);
    expect((await stored(BETA, "admin-into-beta"))[0]).toContain("verified");
    await expect(getRecord(prisma, "default", "admin-into-beta")).rejects.toMatchObject({ status: 404 });
  });

  it("judges a nonce in its own project: the same agent and nonce in the other project is no replay", async () => {
    const shared = makeNonce();
    await sendRecords(url, ingest[ALPHA]!, [message(ALPHA, "planner", { id: "nonce-a", nonce: shared })]);
    await sendRecords(url, ingest[BETA]!, [message(BETA, "planner", { id: "nonce-b", nonce: shared })]);
    expect((await stored(ALPHA, "nonce-a"))[0]).not.toContain("replay");
    expect((await stored(BETA, "nonce-b"))[0]).not.toContain("replay");
    // A second use in beta is a replay in beta, and alpha's first use stays clean.
    await sendRecords(url, ingest[BETA]!, [message(BETA, "planner", { id: "nonce-b2", nonce: shared })]);
    expect((await stored(BETA, "nonce-b2"))[0]).toContain("replay");
    expect((await stored(ALPHA, "nonce-a"))[0]).not.toContain("replay");
  });

  it("never walks lineage into the other project, even where record ids collide", async () => {
    for (const project of [ALPHA, BETA]) {
      const root = message(project, "planner", { id: "shared-root" });
      // parents: the request; the child's parent is the root, whose id the other project uses too.
      const child = message(project, "executor", { id: `${project}-child`, parents: ["shared-root"] });
      await sendRecords(url, ingest[project]!, [root, child]);
    }
    const down = await blastRadiusOfRecord(pool, ALPHA, { record: "shared-root" } as never);
    const ids = down.descendants.map((d) => d.id);
    expect(ids).toContain(`${ALPHA}-child`);
    expect(ids).not.toContain(`${BETA}-child`);
    const up = await originOfRecord(pool, BETA, { record: `${BETA}-child` } as never);
    expect(up.startStored).toBe(true);
    expect(JSON.stringify(up)).not.toContain(`${ALPHA}-child`);
    // Neither side sees the other's copy of the shared id.
    expect((await getRecord(prisma, ALPHA, "shared-root")).records).toHaveLength(1);
    expect((await getRecord(prisma, BETA, "shared-root")).records).toHaveLength(1);
  });

  it("draws each project's graph from its own records and registry", async () => {
    const alpha = await agentGraph(pool, ALPHA, { window: "1h" });
    const link = alpha.links.find((l) => l.sender === "planner" && l.receiver === "executor");
    expect(link?.forgedOrReplayed ?? 0).toBe(0);
    const beta = await agentGraph(pool, BETA, { window: "1h" });
    const betaLink = beta.links.find((l) => l.sender === "planner" && l.receiver === "executor");
    // Beta has the smuggled record and the replay; alpha has neither.
    expect(betaLink?.forgedOrReplayed).toBe(2);
    expect(link!.messages).toBeLessThan(betaLink!.messages);
  });

  it("evaluates per project: findings, breakers and incidents stay where their records are", async () => {
    const grouped: string[] = [];
    for (const project of [ALPHA, BETA]) {
      const evaluator = new Evaluator(pool, {
        project,
        onFindings: async (ids, p) => {
          expect(p).toBe(project);
          grouped.push(...(await groupFindings(pool, p, ids)).opened);
        },
      });
      while ((await evaluator.pass()).records > 0);
    }
    const betaFindings = (await findingsPage(pool, BETA, { limit: 100, order: "time" } as never)).items;
    const alphaFindings = (await findingsPage(pool, ALPHA, { limit: 100, order: "time" } as never)).items;
    expect(betaFindings.some((f) => f.recordId === "signed-by-alpha" || f.evidence.includes("signed-by-alpha"))).toBe(true);
    expect(alphaFindings.some((f) => f.recordId === "signed-by-alpha" || f.evidence.includes("signed-by-alpha"))).toBe(false);

    const betaIncidents = IncidentsPage.parse(await incidentsPage(pool, BETA, { limit: 50 } as never)).items;
    const alphaIncidents = IncidentsPage.parse(await incidentsPage(pool, ALPHA, { limit: 50 } as never)).items;
    expect(betaIncidents.length).toBeGreaterThan(0);
    const alphaIds = new Set(alphaIncidents.map((i) => i.id));
    for (const i of betaIncidents) expect(alphaIds.has(i.id)).toBe(false);

    // A breaker forced open in alpha is alpha's alone.
    await operateEdgeBreaker(pool, ALPHA, { action: "force_open", sender: "planner", receiver: "executor", reason: "isolation test" } as never, "oncall.ana");
    const alphaEdge = (await breakers(pool, ALPHA, {})).items.find((b) => b.sender === "planner" && b.receiver === "executor");
    const betaEdge = (await breakers(pool, BETA, {})).items.find((b) => b.sender === "planner" && b.receiver === "executor");
    expect(alphaEdge?.state).toBe("FORCED_OPEN");
    expect(betaEdge?.state ?? "CLOSED").not.toBe("FORCED_OPEN");
  });

  it("keeps one project's kill switch out of the other's policy and policy stream", async () => {
    const betaHub = new PolicyHub(pool, tdb.url, BETA);
    const heard: number[] = [];
    const before = await betaHub.refresh();
    betaHub.subscribe((p) => heard.push(p.version));
    await createKillSwitch(pool, ALPHA, { scope: "agent", agent: "planner", reason: "isolation test" }, "oncall.ana");
    const alpha = await readControlPolicy(pool, ALPHA);
    const beta = await readControlPolicy(pool, BETA);
    expect(alpha.killedAgents).toEqual(["planner"]);
    expect(beta.killedAgents).toEqual([]);
    expect(alpha.breakers["planner->executor"]).toBe("FORCED_OPEN");
    expect(beta.breakers["planner->executor"]).toBeUndefined();
    // The instance-wide version moved; beta's hub reads again and has nothing new to say.
    const after = await betaHub.refresh();
    expect(after.version).toBeGreaterThan(before.version);
    expect(heard).toEqual([]);
    expect((await betaHub.current()).killedAgents).toEqual([]);
    await betaHub.close();
  });

  it("gives a project's token 404 on the other project's objects and 403 when it names the other project", async () => {
    const betaIncident = IncidentsPage.parse(await incidentsPage(pool, BETA, { limit: 1 } as never)).items[0]!;
    const as = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });
    const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
    const mine = await incidentRoute.GET(new Request(`http://dash.test/api/v1/incidents/${betaIncident.id}`, as(reader[BETA]!)), ctx(betaIncident.id));
    expect(mine.status).toBe(200);
    expect(IncidentDetail.parse(await mine.json()).incident.id).toBe(betaIncident.id);
    const theirs = await incidentRoute.GET(new Request(`http://dash.test/api/v1/incidents/${betaIncident.id}`, as(reader[ALPHA]!)), ctx(betaIncident.id));
    expect(theirs.status).toBe(404);
    const record = await recordRoute.GET(new Request("http://dash.test/api/v1/records/beta-only", as(reader[ALPHA]!)), ctx("beta-only"));
    expect(record.status).toBe(404);
    const crossing = await incidentsRoute.GET(new Request("http://dash.test/api/v1/incidents", as(reader[ALPHA]!, { "x-firebreak-project": BETA })));
    expect(crossing.status).toBe(403);
    // The admin token picks a project per request.
    const picked = await incidentsRoute.GET(new Request(`http://dash.test/api/v1/incidents?project=${BETA}`, as(ADMIN)));
    expect(IncidentsPage.parse(await picked.json()).items.map((i) => i.id)).toContain(betaIncident.id);
  });
});
