// The lineage and marks routes against a real database: origins with their
// why, blast radius counts, and marks changing the answers at once.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { expectBody, expectError, get, iso, openApiDatabase, params, send } from "./api-harness.ts";

const api = await openApiDatabase();
const origin = await import("@/app/api/v1/lineage/origin/route.ts");
const blast = await import("@/app/api/v1/lineage/blast-radius/route.ts");
const stateOrigin = await import("@/app/api/v1/lineage/state-origin/route.ts");
const compromise = await import("@/app/api/v1/marks/compromise/route.ts");
const compromiseById = await import("@/app/api/v1/marks/compromise/[id]/route.ts");
const impact = await import("@/app/api/v1/marks/compromise/[id]/impact/route.ts");
const recordMarks = await import("@/app/api/v1/marks/records/route.ts");
const recordMarkById = await import("@/app/api/v1/marks/records/[id]/route.ts");
const views = await import("@/lib/api/engine-views.ts");
const { recordRow, store, bad, T0 } = await import("../lineage/lineage-fixtures.ts");

const ACTOR = "admin (bearer)";

describe("lineage and marks routes", () => {
  afterAll(() => api.close());
  beforeEach(async () => {
    await api.pool.query(`TRUNCATE records, record_edges, compromise_marks, record_marks, anomaly_findings CASCADE`);
  });

  /** A forged message three hops above a red action. */
  const chain = () =>
    store(api.pool, [
      recordRow("X", { agent: "mallory", at: 1, verdicts: bad() }),
      recordRow("M1", { agent: "planner", parents: ["X"], at: 2 }),
      recordRow("M2", { agent: "pricer", parents: ["M1"], at: 3 }),
      recordRow("A", { kind: "action", actionClass: "red", agent: "buyer", parents: ["M2"], at: 4 }),
    ]);

  it("GET /lineage/origin names a feedback loop's entry beside an older flag that fed it, and says which is which (ADR 0052)", async () => {
    const { DESK, seedLoopDesk } = await import("../../fixtures/loop-desk.ts");
    await seedLoopDesk(api.pool, T0);
    const r = await expectBody(origin.GET(get(`/api/v1/lineage/origin?record=${DESK.start}`)), 200, views.OriginView);
    expect(Object.fromEntries(r.origins.map((o) => [o.id, o.because]))).toEqual({ [DESK.entries[0]]: "loop_entry", [DESK.entries[1]]: "loop_entry", [DESK.outlier]: "nothing_flagged_upstream" });
    // Nearest first: the loop's entry before the older outlier.
    expect(r.origins.at(-1)!.id).toBe(DESK.outlier);
    const entry = r.origins.find((o) => o.id === DESK.entries[0])!;
    // Named by both passes' loop findings: as the first one's record, and in the second one's evidence.
    expect(entry.reasons).toEqual([
      { kind: "anomaly", detail: expect.stringMatching(/^feedback_loop: feedback loop trader-a.*1\.6x a round in 2 series$/), detector: "feedback_loop" },
      { kind: "anomaly", detail: expect.stringMatching(/^feedback_loop: .*\(named in its evidence\)$/), detector: "feedback_loop" },
    ]);
    expect(entry.why).toContainEqual(expect.stringMatching(/^origin: a feedback loop entered here; its own parents are clean/));
    expect(r.paths.map((p) => p.origin).sort()).toEqual([...DESK.entries, DESK.outlier].sort());
  });

  it("GET /lineage/origin finds the origin 3 hops up, with the path and why each step is suspect", async () => {
    await chain();
    const r = await expectBody(origin.GET(get("/api/v1/lineage/origin?record=A")), 200, views.OriginView);
    expect(r.tainted).toBe(true);
    expect(r.origins.map((o) => [o.id, o.why])).toEqual([["X", ["verification: bad_signature: signature does not verify", "origin: nothing upstream of it is flagged"]]]);
    const path = r.paths[0]!;
    expect(path.hops).toBe(3);
    expect(path.steps.map((s) => [s.id, s.next])).toEqual([
      ["A", { kind: "parent", prov: "wasDerivedFrom" }],
      ["M2", { kind: "parent", prov: "wasDerivedFrom" }],
      ["M1", { kind: "parent", prov: "wasDerivedFrom" }],
      ["X", null],
    ]);
    expect(path.steps[0]!.why).toEqual(["derives from origin X, 3 hops up"]);
    expect(r.truncated).toEqual([]);
  });

  it("GET /lineage/origin reports the bound that cut the walk short", async () => {
    await chain();
    const r = await expectBody(origin.GET(get("/api/v1/lineage/origin?record=A&maxDepth=1")), 200, views.OriginView);
    expect(r.truncated).toEqual(["depth"]);
    expect(r.origins).toEqual([]);
  });

  it("GET /lineage/blast-radius counts what is downstream, per agent, and the tainted share of decisions", async () => {
    // R fans out to a clean branch (M -> A1) and a flagged one (F -> A2, W): 2 of 3 decisions tainted.
    await store(api.pool, [
      recordRow("R", { kind: "request", agent: "gateway", at: 0 }),
      recordRow("M", { agent: "planner", parents: ["R"], at: 1 }),
      recordRow("F", { agent: "pricer", parents: ["R"], at: 2, verdicts: bad() }),
      recordRow("A1", { kind: "action", actionClass: "green", agent: "buyer", parents: ["M"], at: 3 }),
      recordRow("A2", { kind: "action", actionClass: "red", agent: "buyer", parents: ["F"], at: 4 }),
      recordRow("W", { kind: "state.write", intent: "quote/1", agent: "pricer", parents: ["F"], at: 5 }),
    ]);
    const r = await expectBody(blast.GET(get("/api/v1/lineage/blast-radius?record=R")), 200, views.BlastRadiusView);
    expect(r.startTainted).toBe(false);
    expect(r.upstreamOrigins).toEqual([]);
    expect(r.counts).toMatchObject({ total: 5, messages: 2, actions: 2, redActions: 1, stateVersions: 1, tainted: 3 });
    expect(r.decisions).toEqual({ total: 3, tainted: 2, share: 2 / 3 });
    expect(r.byAgent).toEqual([
      { agent: "buyer", records: 2, tainted: 1, decisions: 2, taintedDecisions: 1 },
      { agent: "pricer", records: 2, tainted: 2, decisions: 1, taintedDecisions: 1 },
      { agent: "planner", records: 1, tainted: 0, decisions: 0, taintedDecisions: 0 },
    ]);
    const a2 = r.descendants.find((d) => d.id === "A2")!;
    expect(a2).toMatchObject({ depth: 2, tainted: true, taintedBy: "F", via: { parent: "F", kind: "parent", prov: "wasDerivedFrom" }, why: ["downstream of flagged record F"] });
    expect(r.time).toMatchObject({ first: iso(T0 + 1000), last: iso(T0 + 5000), spanMs: 4000 });
  });

  it("404s for a record nobody stored, naming the id", async () => {
    await chain();
    for (const handler of [origin.GET, blast.GET]) {
      const err = await expectError(handler(get("/api/v1/lineage/x?record=nope")), 404);
      expect(err.message).toBe('no record has the id "nope": check the id, or the record has not reached the collector yet');
    }
  });

  it("400s on bad bounds with the path of the parameter, and on a missing record", async () => {
    const neg = await expectError(origin.GET(get("/api/v1/lineage/origin?record=A&maxDepth=-1")), 400);
    expect(neg.details.map((d) => d.path)).toEqual(["query.maxDepth"]);
    const backwards = await expectError(blast.GET(get(`/api/v1/lineage/blast-radius?record=A&from=${iso(T0 + 5000)}&to=${iso(T0)}`)), 400);
    expect(backwards.details).toEqual([{ path: "query.from", message: "from must not be after to" }]);
    const none = await expectError(origin.GET(get("/api/v1/lineage/origin")), 400);
    expect(none.details).toEqual([{ path: "query.record", message: "record is required" }]);
  });

  it("needs credentials on every route", async () => {
    await expectError(origin.GET(get("/api/v1/lineage/origin?record=A", {})), 401);
    await expectError(blast.GET(get("/api/v1/lineage/blast-radius?record=A", {})), 401);
    await expectError(stateOrigin.GET(get("/api/v1/lineage/state-origin?key=k", {})), 401);
    await expectError(compromise.GET(get("/api/v1/marks/compromise", {})), 401);
    await expectError(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "a", from: iso(T0), reason: "r" }, {})), 401);
    await expectError(recordMarks.POST(send("POST", "/api/v1/marks/records", { record: "A", reason: "r" }, { authorization: "Bearer wrong" })), 401);
    await expectError(recordMarkById.DELETE(send("DELETE", "/api/v1/marks/records/1", undefined, {}), params({ id: "1" })), 401);
  });

  it("GET /lineage/state-origin answers for the version current at a time", async () => {
    await store(api.pool, [
      recordRow("W1", { kind: "state.write", intent: "prices/a1", agent: "pricer", at: 10, verdicts: bad("replayed nonce") }),
      recordRow("W2", { kind: "state.write", intent: "prices/a1", agent: "pricer", at: 20 }),
    ]);
    const then = await expectBody(stateOrigin.GET(get(`/api/v1/lineage/state-origin?key=prices/a1&at=${iso(T0 + 15_000)}`)), 200, views.StateOriginView);
    expect(then).toMatchObject({ key: "prices/a1", at: iso(T0 + 15_000), version: "W1", origin: { tainted: true } });
    const now = await expectBody(stateOrigin.GET(get("/api/v1/lineage/state-origin?key=prices/a1")), 200, views.StateOriginView);
    expect(now).toMatchObject({ at: null, version: "W2", origin: { tainted: false } });
    const early = await expectError(stateOrigin.GET(get(`/api/v1/lineage/state-origin?key=prices/a1&at=${iso(T0)}`)), 404);
    expect(early.message).toMatch(/^the state key "prices\/a1" has no state.write at or before 2026-11-21T12:00:00.000Z/);
  });

  it("marking an agent compromised taints its later records and what depends on them; withdrawing the mark undoes it", async () => {
    await store(api.pool, [
      recordRow("P1", { agent: "planner", at: 10 }),
      recordRow("P2", { agent: "planner", parents: ["P1"], at: 20 }),
      recordRow("D", { kind: "action", actionClass: "red", agent: "buyer", parents: ["P2"], at: 30 }),
    ]);
    const before = await expectBody(origin.GET(get("/api/v1/lineage/origin?record=D")), 200, views.OriginView);
    expect(before.tainted).toBe(false);

    const made = await expectBody(
      compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "planner", from: iso(T0 + 15_000), reason: "prompt injection in ticket 42" })),
      201,
      views.CompromiseMarkView,
    );
    expect(made).toMatchObject({ agent: "planner", keyId: null, from: iso(T0 + 15_000), reason: "prompt injection in ticket 42", markedBy: ACTOR });

    const after = await expectBody(origin.GET(get("/api/v1/lineage/origin?record=D")), 200, views.OriginView);
    expect(after.origins.map((o) => [o.id, o.why])).toEqual([
      ["P2", [`compromised agent: agent planner compromised since ${iso(T0 + 15_000)} (prompt injection in ticket 42; marked by ${ACTOR})`, "origin: nothing upstream of it is flagged"]],
    ]);

    const hit = await expectBody(impact.GET(get(`/api/v1/marks/compromise/${made.id}/impact`), params({ id: made.id })), 200, views.CompromiseImpactView);
    expect(hit).toMatchObject({ covered: 1, coveredTruncated: false, mark: { id: made.id } });
    expect(hit.starts.map((s) => s.id)).toEqual(["P2"]);
    expect(hit.descendants.map((d) => [d.id, d.tainted])).toEqual([["D", true]]);
    expect(hit.decisions).toEqual({ total: 1, tainted: 1, share: 1 });

    expect(await expectBody(compromise.GET(get("/api/v1/marks/compromise?agent=planner")), 200, views.CompromiseMarkView.array())).toEqual([made]);
    expect(await expectBody(compromiseById.GET(get(`/api/v1/marks/compromise/${made.id}`), params({ id: made.id })), 200, views.CompromiseMarkView)).toEqual(made);

    expect(await expectBody(compromiseById.DELETE(send("DELETE", `/api/v1/marks/compromise/${made.id}`), params({ id: made.id })), 200, views.DeletedView)).toEqual({ id: made.id, deleted: true });
    expect((await expectBody(origin.GET(get("/api/v1/lineage/origin?record=D")), 200, views.OriginView)).tainted).toBe(false);
    await expectError(compromiseById.GET(get(`/api/v1/marks/compromise/${made.id}`), params({ id: made.id })), 404);
    await expectError(compromiseById.DELETE(send("DELETE", `/api/v1/marks/compromise/${made.id}`), params({ id: made.id })), 404);
    await expectError(impact.GET(get(`/api/v1/marks/compromise/${made.id}/impact`), params({ id: made.id })), 404);
  });

  it("a compromise mark needs a reason, a time, and an agent (and key) that exist", async () => {
    await chain();
    const noReason = await expectError(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "planner", from: iso(T0), reason: "  " })), 400);
    expect(noReason.details).toEqual([{ path: "body.reason", message: "reason is empty: say why, it is stored with your name" }]);
    const noTime = await expectError(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "planner", from: "yesterday", reason: "r" })), 400);
    expect(noTime.details.map((d) => d.path)).toEqual(["body.from"]);
    const typo = await expectError(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "plannr", from: iso(T0), reason: "r" })), 404);
    expect(typo.message).toMatch(/^no agent "plannr" is registered or has sent a record/);
    const key = await expectError(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "planner", keyId: "k9", from: iso(T0), reason: "r" })), 404);
    expect(key.message).toMatch(/^agent planner has no key "k9"/);
    await expectBody(compromise.POST(send("POST", "/api/v1/marks/compromise", { agent: "planner", keyId: "k1", from: iso(T0), reason: "key leaked" })), 201, views.CompromiseMarkView);
    await expectError(compromiseById.GET(get("/api/v1/marks/compromise/abc"), params({ id: "abc" })), 400);
  });

  it("an analyst's mark on a record taints it and everything downstream, until withdrawn", async () => {
    await store(api.pool, [recordRow("S", { agent: "planner", at: 1 }), recordRow("C", { kind: "action", agent: "buyer", parents: ["S"], at: 2 })]);
    const noReason = await expectError(recordMarks.POST(send("POST", "/api/v1/marks/records", { record: "S" })), 400);
    expect(noReason.details).toEqual([{ path: "body.reason", message: "reason is required: say why, it is stored with your name" }]);
    const unknown = await expectError(recordMarks.POST(send("POST", "/api/v1/marks/records", { record: "nope", reason: "odd" })), 404);
    expect(unknown.message).toMatch(/^no record has the id "nope"/);

    const mark = await expectBody(recordMarks.POST(send("POST", "/api/v1/marks/records", { record: "S", reason: "price looks invented" })), 201, views.RecordMarkView);
    expect(mark).toMatchObject({ recordId: "S", reason: "price looks invented", markedBy: ACTOR });
    const r = await expectBody(blast.GET(get("/api/v1/lineage/blast-radius?record=S")), 200, views.BlastRadiusView);
    expect(r.starts[0]!.reasons).toEqual([{ kind: "analyst_mark", detail: `price looks invented (marked by ${ACTOR})` }]);
    expect(r.decisions).toEqual({ total: 1, tainted: 1, share: 1 });
    expect(await expectBody(recordMarks.GET(get("/api/v1/marks/records?record=S")), 200, views.RecordMarkView.array())).toEqual([mark]);

    await expectBody(recordMarkById.DELETE(send("DELETE", `/api/v1/marks/records/${mark.id}`), params({ id: mark.id })), 200, views.DeletedView);
    expect((await expectBody(blast.GET(get("/api/v1/lineage/blast-radius?record=S")), 200, views.BlastRadiusView)).decisions.tainted).toBe(0);
    await expectError(recordMarkById.DELETE(send("DELETE", `/api/v1/marks/records/${mark.id}`), params({ id: mark.id })), 404);
  });
});
