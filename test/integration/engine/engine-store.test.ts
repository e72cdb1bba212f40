import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool } from "@/lib/db/ingest-store.ts";
import { MAX_STORED_EVIDENCE } from "@/lib/db/finding-evidence.ts";
import { appendEvidenceToMany, currentBreakerStates, insertFindings, listBreakerEvents, listFindings, loadBreakers, saveBreakers } from "@/lib/db/engine-store.ts";
import { BreakerPolicy } from "@/lib/engine/breaker/config.ts";
import { loadBreakerSettings, observeRecords, operateBreaker, tickBreakers, type BreakerSettings } from "@/lib/engine/breaker/breaker-runner.ts";
import type { ObservedRecord } from "@/lib/engine/breaker/edge-breakers.ts";
import { newBreaker } from "@/lib/engine/breaker/machine.ts";
import { DEFAULT_BREAKER_CONFIG } from "@/lib/engine/breaker/config.ts";
import type { Finding } from "@/lib/engine/detectors/finding.ts";
import { traceOrigin } from "@/lib/lineage/lineage-queries.ts";
import { readCursors, writeCursors } from "@/lib/db/evaluator-store.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { recordRow, store } from "../lineage/lineage-fixtures.ts";

const T = Date.UTC(2026, 10, 21, 12);
let n = 0;
const rec = (agent: string, receivers: string[], sec: number, failed = false): ObservedRecord => ({
  recordId: `b${++n}`,
  agent,
  receivers,
  at: T + sec * 1000,
  verified: !failed,
  verdicts: failed ? ["bad_signature"] : ["verified"],
  anomalous: false,
});

describe("engine store", () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;
  const plain: BreakerSettings = { policy: BreakerPolicy.parse({}), leadsToRed: new Set() };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 6);
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });
  beforeEach(async () => {
    n = 0;
    await pool.query(`TRUNCATE breaker_states, breaker_events, anomaly_findings, records, record_edges CASCADE`);
  });

  it("stores every transition with its cause and caches the current state of each edge", async () => {
    await observeRecords(pool, "default", [rec("planner", ["pricer", "buyer"], 0, true), rec("planner", ["pricer"], 1, true), rec("planner", ["pricer"], 2, true)], plain);
    const states = await currentBreakerStates(pool, "default");
    expect(states.map((s) => [s.sender, s.receiver, s.state, s.awaitingReview])).toEqual([
      ["planner", "buyer", "CLOSED", false],
      ["planner", "pricer", "OPEN", false],
    ]);
    expect(states[1]!.until).toEqual(new Date(T + 302_000));
    expect(states[1]!.since).toEqual(new Date(T + 2000));
    const events = await listBreakerEvents(pool, "default");
    expect(events).toEqual([
      expect.objectContaining({ sender: "planner", receiver: "pricer", from: "CLOSED", to: "OPEN", cause: "failures", at: new Date(T + 2000), recordIds: ["b1", "b2", "b3"], detail: "3 failures in a row (limit 3)", actor: null }),
    ]);
    const loaded = await loadBreakers(pool, "default");
    expect(loaded.get("planner\u0000pricer")!.machine).toEqual({ state: "OPEN", since: T + 2000, until: T + 302_000, awaitingReview: false });
  });

  it("continues from the stored state across batches", async () => {
    await observeRecords(pool, "default", [rec("a", ["b"], 0, true), rec("a", ["b"], 1, true)], plain);
    expect((await listBreakerEvents(pool, "default")).length).toBe(0);
    await observeRecords(pool, "default", [rec("a", ["b"], 2, true)], plain);
    expect((await listBreakerEvents(pool, "default")).map((e) => e.recordIds)).toEqual([["b1", "b2", "b3"]]);
  });

  it("steps each edge's breaker one collector at a time", async () => {
    // Two collectors, two failures each, at the same moment: only serialized do they add up to a trip.
    await Promise.all([
      observeRecords(pool, "default", [rec("a", ["b"], 0, true), rec("a", ["b"], 1, true)], plain),
      observeRecords(pool, "default", [rec("a", ["b"], 2, true), rec("a", ["b"], 3, true)], plain),
    ]);
    const events = await listBreakerEvents(pool, "default");
    expect(events).toHaveLength(1);
    expect(events[0]!.cause).toBe("failures");
  });

  it("takes human actions, with the actor, and stores nothing for one that does not apply", async () => {
    const edge = { sender: "a", receiver: "b" };
    const forced = await operateBreaker(pool, "default", edge, { type: "force_open", at: T, actor: "ana", reason: "incident 7" }, plain);
    expect(forced.rejected).toBeNull();
    const again = await operateBreaker(pool, "default", edge, { type: "force_open", at: T + 1, actor: "bo", reason: "x" }, plain);
    expect(again.rejected).toBe("the kill switch is already on");
    await operateBreaker(pool, "default", edge, { type: "release", at: T + 2, actor: "bo" }, plain);
    const events = await listBreakerEvents(pool, "default", { sender: "a" });
    expect(events.map((e) => [e.from, e.to, e.cause, e.actor])).toEqual([
      ["FORCED_OPEN", "CLOSED", "released", "bo"],
      ["CLOSED", "FORCED_OPEN", "forced", "ana"],
    ]);
    expect(await listBreakerEvents(pool, "default", { cause: "forced" })).toHaveLength(1);
    expect(await listBreakerEvents(pool, "default", { receiver: "nobody" })).toHaveLength(0);
    expect(await listBreakerEvents(pool, "default", { from: new Date(T + 2), limit: 5 })).toHaveLength(1);
  });

  it("turns open breakers half-open when their time is up, without waiting for a record", async () => {
    await observeRecords(pool, "default", [rec("a", ["b"], 0, true), rec("a", ["b"], 1, true), rec("a", ["b"], 2, true)], plain);
    expect((await tickBreakers(pool, "default", T + 100_000, plain)).transitions).toEqual([]);
    const res = await tickBreakers(pool, "default", T + 400_000, plain);
    expect(res.transitions.map((t) => t.cause)).toEqual(["timer"]);
    expect((await currentBreakerStates(pool, "default"))[0]!.state).toBe("HALF_OPEN");
  });

  it("holds a tripped breaker for review when its edge leads to a red action", async () => {
    await store(pool, [recordRow("act", { kind: "action", agent: "buyer", actionClass: "red", at: 0 })]);
    // The breakers know planner -> buyer and gw -> planner.
    await saveBreakers(pool, "default", [
      { sender: "planner", receiver: "buyer", machine: newBreaker(DEFAULT_BREAKER_CONFIG, T) },
      { sender: "gw", receiver: "planner", machine: newBreaker(DEFAULT_BREAKER_CONFIG, T) },
    ], []);
    const settings = await loadBreakerSettings(pool, "default", BreakerPolicy.parse({}), new Date(T - 86_400_000));
    expect([...settings.leadsToRed].sort()).toEqual(["buyer", "gw", "planner"]);
    await observeRecords(pool, "default", [rec("gw", ["planner"], 0, true), rec("gw", ["planner"], 1, true), rec("gw", ["planner"], 2, true)], settings);
    const [state] = (await currentBreakerStates(pool, "default")).filter((s) => s.sender === "gw");
    expect(state).toMatchObject({ state: "OPEN", awaitingReview: true });
    expect((await tickBreakers(pool, "default", T + 10_000_000, settings)).transitions).toEqual([]);
    // A reviewer who keeps it open leaves a stored event with who decided.
    const kept = await operateBreaker(pool, "default", { sender: "gw", receiver: "planner" }, { type: "review", at: T + 9_000_000, actor: "bo", decision: "keep_open", note: "feed still bad" }, settings);
    expect(kept.rejected).toBeNull();
    const keptEvents = await listBreakerEvents(pool, "default", { sender: "gw", receiver: "planner", cause: "review_kept_open" });
    expect(keptEvents.map((e) => ({ from: e.from, to: e.to, actor: e.actor, detail: e.detail }))).toEqual([
      { from: "OPEN", to: "OPEN", actor: "bo", detail: "review kept it open: feed still bad" },
    ]);
    expect((await currentBreakerStates(pool, "default")).find((s) => s.sender === "gw")).toMatchObject({ state: "OPEN", awaitingReview: true });
    const reviewed = await operateBreaker(pool, "default", { sender: "gw", receiver: "planner" }, { type: "review", at: T + 10_000_000, actor: "ana", decision: "release" }, settings);
    expect(reviewed.transitions.map((t) => t.cause)).toEqual(["review_released"]);
  });

  it("stores findings with their parameters, and lineage counts them as suspicion", async () => {
    await store(pool, [recordRow("R", { kind: "request" }), recordRow("M", { parents: ["R"] }), recordRow("A", { kind: "action", parents: ["M"] })]);
    const finding: Finding = {
      detector: "semantic_deviation",
      recordId: "M",
      agent: "agent-a",
      subject: "quote.request unit_price",
      score: 9.1,
      explanation: "unit_price 10.3x the 24h median (n=412)",
      params: { minSamples: 30, zThreshold: 3.5, ratio: 10.3, z: 9.1, spread: "mad", constant: false, missing: null },
      evidence: ["M"],
      at: T,
    };
    const noScore: Finding = { ...finding, detector: "new_edge", recordId: null, score: Number.NaN, subject: "a -> b", explanation: "new edge a -> b", params: {}, evidence: ["x", "y"] };
    expect(await insertFindings(pool, "default", [finding, noScore])).toHaveLength(2);
    const listed = await listFindings(pool, "default");
    expect(listed.map((f) => [f.detector, f.recordId, f.score, f.params, f.evidence])).toEqual([
      ["new_edge", null, null, {}, ["x", "y"]],
      ["semantic_deviation", "M", 9.1, finding.params, ["M"]],
    ]);
    expect(await listFindings(pool, "default", { detector: "new_edge" })).toHaveLength(1);
    expect(await listFindings(pool, "default", { recordId: "M", agent: "agent-a", from: new Date(T) })).toHaveLength(1);
    const origin = await traceOrigin(pool, "default", "A");
    expect(origin.origins.map((o) => [o.id, o.why[0]])).toEqual([["M", "anomaly: semantic_deviation: unit_price 10.3x the 24h median (n=412)"]]);
  });

  it("appends evidence to several findings in one statement, in order, skipping a finding that is gone", async () => {
    const base: Finding = { detector: "cap_messages_per_cycle", recordId: "c1", agent: "a", subject: "messages per cycle", score: 2, explanation: "a sent 40 messages", params: {}, evidence: ["c1"], at: T };
    const [one, two] = await insertFindings(pool, "default", [base, { ...base, recordId: "d1", agent: "b", evidence: ["d1"] }]);
    await appendEvidenceToMany(pool, "default", new Map([[one!, ["c2", "c3"]], [two!, ["d2"]], ["999999", ["x"]]]));
    const listed = await listFindings(pool, "default");
    expect(listed.map((f) => [f.id, f.evidence]).sort()).toEqual([[one, ["c1", "c2", "c3"]], [two, ["d1", "d2"]]]);
    const linked = await pool.query<{ finding_id: string; record_id: string }>(`SELECT finding_id::text, record_id FROM finding_records ORDER BY record_id`);
    expect(linked.rows.map((r) => [r.finding_id, r.record_id])).toEqual([[one, "c1"], [one, "c2"], [one, "c3"], [two, "d1"], [two, "d2"]]);
  });

  it("gives readers at most the limit of a finding's evidence, in order, and still links every record a storm adds after it", async () => {
    const base: Finding = { detector: "cap_messages_per_cycle", recordId: "s0", agent: "storm", subject: "messages per cycle", score: 2, explanation: "storm sent many", params: {}, evidence: ["s0"], at: T };
    const [id] = await insertFindings(pool, "default", [base]);
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `s${from + i}`);
    await appendEvidenceToMany(pool, "default", new Map([[id!, ids(1, MAX_STORED_EVIDENCE + 5)]]));
    await appendEvidenceToMany(pool, "default", new Map([[id!, ids(MAX_STORED_EVIDENCE + 6, 3)]]));
    const [listed] = await listFindings(pool, "default", { agent: "storm" });
    expect(listed!.evidence).toEqual(ids(0, MAX_STORED_EVIDENCE));
    const linked = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM finding_records WHERE finding_id = $1`, [id]);
    expect(Number(linked.rows[0]!.n)).toBe(MAX_STORED_EVIDENCE + 9);
    // Appending is an insert: the finding's row keeps the evidence it was filed with.
    const row = await pool.query<{ evidence: string[] }>(`SELECT evidence FROM anomaly_findings WHERE id = $1`, [id]);
    expect(row.rows[0]!.evidence).toEqual(["s0"]);
  });

  it("lists evidence appended over passes after the evidence a finding was filed with, once each, in the order passes added it", async () => {
    const base: Finding = { detector: "cap_messages_per_cycle", recordId: "q1", agent: "q", subject: "messages per cycle", score: 2, explanation: "q sent 40 messages", params: {}, evidence: ["q1", "q0"], at: T };
    const [id] = await insertFindings(pool, "default", [base]);
    // Ids that sort against the order they arrive in, and repeats: a record named again is not listed twice.
    await appendEvidenceToMany(pool, "default", new Map([[id!, ["q9", "q3", "q0", "q7"]]]));
    await appendEvidenceToMany(pool, "default", new Map([[id!, ["q2", "q9", "q5"]]]));
    const [listed] = await listFindings(pool, "default", { agent: "q" });
    expect(listed!.evidence).toEqual(["q1", "q0", "q9", "q3", "q7", "q2", "q5"]);
  });

  it("stores a finding's evidence uncompressed, out of line: each append rewrites it whole", async () => {
    const col = await pool.query<{ attstorage: string }>(`SELECT attstorage FROM pg_attribute WHERE attrelid = 'anomaly_findings'::regclass AND attname = 'evidence'`);
    expect(col.rows[0]?.attstorage).toBe("e");
  });

  it("reads and writes the engine's cursors together", async () => {
    await pool.query(`DELETE FROM engine_cursors WHERE name IN ('t.one', 't.two')`);
    expect(await readCursors(pool, "default", ["t.one", "t.two"])).toEqual([{ txId: "0", seq: "0" }, { txId: "0", seq: "0" }]);
    await writeCursors(pool, "default", new Map([["t.two", { txId: "7", seq: "3" }], ["t.one", { txId: "5", seq: "1" }]]));
    await writeCursors(pool, "default", new Map([["t.two", { txId: "8", seq: "4" }]]));
    expect(await readCursors(pool, "default", ["t.one", "t.two"])).toEqual([{ txId: "5", seq: "1" }, { txId: "8", seq: "4" }]);
  });
});
