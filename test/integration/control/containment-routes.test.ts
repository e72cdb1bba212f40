// Containment on a real PostgreSQL: the lineage gate's answer (pending until
// the engine has judged, clear when nothing upstream was contained, tainted
// once the edge a flagged ancestor travelled is open), and quarantined state
// keys (by hand and by the engine), each person's act audited, every
// quarantine in the policy guards read.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ControlPolicyView } from "@/lib/api/control-views.ts";
import { expectBody, expectError, get, openApiDatabase, params, send } from "../engine-api/api-harness.ts";

const api = await openApiDatabase();
const lineageRoute = await import("@/app/api/v1/control/lineage/route.ts");
const quarantines = await import("@/app/api/v1/quarantines/route.ts");
const lift = await import("@/app/api/v1/quarantines/[id]/lift/route.ts");
const policyRoute = await import("@/app/api/v1/control/policy/route.ts");
const views = await import("@/lib/api/containment-views.ts");
const { insertFindings, quarantineKeys } = await import("@/lib/db/engine-store.ts");
const { recordRow, store, bad, finding } = await import("../lineage/lineage-fixtures.ts");
const { policyHub } = await import("@/lib/db/policy-hub.ts");

const ACTOR = "admin (bearer)";
const clearance = (records: string) => expectBody(lineageRoute.GET(get(`/api/v1/control/lineage?records=${records}`)), 200, views.LineageClearanceView);

/** The engine has judged everything stored so far. */
const judgedAll = () =>
  api.pool.query(
    `INSERT INTO engine_cursors (project_id, name, tx_id, seq, updated_at) VALUES ('default', 'engine', pg_current_xact_id(), 9223372036854775807, now())
     ON CONFLICT (project_id, name) DO UPDATE SET tx_id = EXCLUDED.tx_id, seq = EXCLUDED.seq`,
  );
const openBreaker = (sender: string, receiver: string, state = "OPEN") =>
  api.pool.query(`INSERT INTO breaker_states (project_id, sender, receiver, state, since, machine) VALUES ('default', $1, $2, $3, now(), '{}')`, [sender, receiver, state]);

afterAll(async () => {
  await policyHub().close();
  await api.close();
});

describe("GET /api/v1/control/lineage", () => {
  beforeEach(async () => {
    await api.pool.query(`TRUNCATE records, record_edges, anomaly_findings, breaker_states, engine_cursors, state_quarantines, audit_entries CASCADE`);
  });

  /** A quote 10x off, the order made from it, and an unrelated clean order. */
  async function cascade(): Promise<void> {
    await store(api.pool, [
      recordRow("Q", { agent: "monitor", receivers: ["recommender"], at: 1 }),
      recordRow("O", { agent: "recommender", receivers: ["executor"], parents: ["Q"], at: 2 }),
      recordRow("C", { agent: "recommender", receivers: ["executor"], at: 3 }),
    ]);
    await insertFindings(api.pool, "default", [finding({ detector: "semantic_deviation", recordId: "Q", agent: "monitor", explanation: "unit_price 10.1x the 24h median (n=22)" })]);
  }

  it("is pending until the engine has judged what the action descends from, and for ids not stored", async () => {
    await cascade();
    const r = await clearance("O,nope");
    expect(r).toMatchObject({ verdict: "pending", records: ["O", "nope"], pending: ["O", "nope"] });
    expect(r.reasons).toEqual(["the engine has not judged O yet", "nope is not stored yet"]);
  });

  it("an anomaly upstream is not enough: clear until the engine contains it, then tainted, saying which edge", async () => {
    await cascade();
    await judgedAll();
    expect((await clearance("O")).verdict).toBe("clear");
    await openBreaker("monitor", "recommender");
    const r = await clearance("O");
    expect(r.verdict).toBe("tainted");
    expect(r.reasons[0]).toMatch(/^message Q from monitor on monitor->recommender, whose breaker is OPEN: .*10\.1x/);
    // The clean order shares the edges but not the lineage.
    expect((await clearance("C")).verdict).toBe("clear");
  });

  it("a record that failed verification at the door taints what descends from it, without any breaker", async () => {
    await store(api.pool, [recordRow("W", { kind: "state.write", intent: "inv/C-300", verdicts: bad() }), recordRow("R", { kind: "state.read", intent: "inv/C-300", parents: ["W"] })]);
    await judgedAll();
    const r = await clearance("R");
    expect(r.verdict).toBe("tainted");
    expect(r.reasons[0]).toMatch(/^state\.write W from agent-a: .*signature does not verify/);
  });

  it("says what to fix when records is missing, empty or too long", async () => {
    expect((await expectError(lineageRoute.GET(get("/api/v1/control/lineage")), 400)).message).toMatch(/records is required/);
    expect((await expectError(lineageRoute.GET(get("/api/v1/control/lineage?records=,")), 400)).message).toMatch(/records is empty/);
    const many = Array.from({ length: 33 }, (_, i) => `r${i}`).join(",");
    expect((await expectError(lineageRoute.GET(get(`/api/v1/control/lineage?records=${many}`)), 400)).message).toMatch(/more than 32 ids/);
  });
});

describe("quarantined state keys", () => {
  beforeEach(async () => {
    await api.pool.query(`TRUNCATE state_quarantines, audit_entries`);
  });

  const quarantine = (body: Record<string, unknown>) => quarantines.POST(send("POST", "/api/v1/quarantines", body));
  const liftIt = (id: string, reason: string) => lift.POST(send("POST", `/api/v1/quarantines/${id}/lift`, { reason }), params({ id }));
  const policyKeys = async () => (await expectBody(policyRoute.GET(get("/api/v1/control/policy")), 200, ControlPolicyView)).quarantinedKeys;

  it("a person quarantines a key (audited), guards read it in the policy, and it cannot be doubled", async () => {
    expect((await expectError(quarantine({ key: "inv/C-300" }), 400)).message).toMatch(/reason is required/);
    const made = await expectBody(quarantine({ key: "inv/C-300", reason: "booked from a poisoned order" }), 201, views.QuarantineView);
    expect(made).toMatchObject({ key: "inv/C-300", state: "active", openedBy: ACTOR, recordId: null, liftedBy: null });
    expect((await expectError(quarantine({ key: "inv/C-300", reason: "again" }), 409)).message).toMatch(new RegExp(`already quarantined \\(quarantine ${made.id}, opened by ${ACTOR.replace(/[()]/g, "\\$&")}`));
    expect(await policyKeys()).toEqual(["inv/C-300"]);
    const audit = await api.pool.query(`SELECT actor, action, target, detail->>'reason' AS reason FROM audit_entries ORDER BY seq`);
    expect(audit.rows).toEqual([{ actor: ACTOR, action: "quarantine.open", target: "state:inv/C-300", reason: "booked from a poisoned order" }]);
  });

  it("the engine's quarantines: one per key, the first write kept, listed with the record that showed it", async () => {
    expect(await quarantineKeys(api.pool, "default", [{ key: "inv/A-100", recordId: "w1", reason: "state.write w1 descends from a contained record" }])).toBe(1);
    expect(await quarantineKeys(api.pool, "default", [{ key: "inv/A-100", recordId: "w2", reason: "later" }, { key: "inv/B-200", recordId: "w3", reason: "x" }])).toBe(1);
    const list = await expectBody(quarantines.GET(get("/api/v1/quarantines")), 200, views.QuarantinesResponse);
    expect(list.active.map((q) => [q.key, q.recordId, q.openedBy]).sort()).toEqual([
      ["inv/A-100", "w1", "engine"],
      ["inv/B-200", "w3", "engine"],
    ]);
    expect(await policyKeys()).toEqual(["inv/A-100", "inv/B-200"]);
    // The engine's own acts are not a person's: nothing in the audit trail until someone lifts one.
    expect((await api.pool.query(`SELECT count(*)::int AS n FROM audit_entries`)).rows[0].n).toBe(0);
  });

  it("an on-call lifts it (audited, with who opened it); lifting twice is a 409, an unknown id a 404", async () => {
    await quarantineKeys(api.pool, "default", [{ key: "inv/C-300", recordId: "w9", reason: "descends from q1" }]);
    const [q] = (await expectBody(quarantines.GET(get("/api/v1/quarantines")), 200, views.QuarantinesResponse)).active;
    const lifted = await expectBody(liftIt(q!.id, "restored C-300 from the 05:00 snapshot"), 200, views.QuarantineView);
    expect(lifted).toMatchObject({ state: "lifted", liftedBy: ACTOR, liftReason: "restored C-300 from the 05:00 snapshot" });
    expect(await policyKeys()).toEqual([]);
    expect((await expectError(liftIt(q!.id, "again"), 409)).message).toMatch(/already lifted by admin \(bearer\)/);
    expect((await expectError(liftIt("999999", "x"), 404)).message).toMatch(/GET \/api\/v1\/quarantines lists them/);
    const audit = await api.pool.query(`SELECT action, target, detail FROM audit_entries ORDER BY seq`);
    expect(audit.rows.map((r) => [r.action, r.target, r.detail.openedBy, r.detail.record])).toEqual([["quarantine.lift", "state:inv/C-300", "engine", "w9"]]);
    const list = await expectBody(quarantines.GET(get("/api/v1/quarantines")), 200, views.QuarantinesResponse);
    expect([list.active.length, list.recent.map((r) => r.key)]).toEqual([0, ["inv/C-300"]]);
    // A key lifted can be quarantined again.
    expect(await quarantineKeys(api.pool, "default", [{ key: "inv/C-300", recordId: "w10", reason: "again" }])).toBe(1);
  });
});
