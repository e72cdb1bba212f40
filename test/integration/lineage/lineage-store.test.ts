import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { mkdtempSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

vi.mock("server-only", () => ({}));

const { createPool, withTransaction } = await import("@/lib/db/ingest-store.ts");
const store$ = await import("@/lib/db/lineage-store.ts");
const { migrate, defaultMigrationsDir } = await import("@/lib/db/migrate.ts");
const { traceOrigin, traceBlastRadius, traceStateOrigin, compromiseImpact } = await import("@/lib/lineage/lineage-queries.ts");
const { LineageBoundsQuery, toWalkBounds } = await import("@/lib/lineage/bounds-schema.ts");
const { MemoryAdjacency } = await import("@/lib/lineage/memory-adjacency.ts");
const { walk } = await import("@/lib/lineage/walk.ts");
const { blastRadius } = await import("@/lib/lineage/blast-radius.ts");
const { findOrigins } = await import("@/lib/lineage/origin.ts");
const { indexCompromise } = await import("@/lib/lineage/suspicion.ts");
const { createTestDatabase, withDatabase } = await import("../../helpers/database.ts");
const { insertLegacyRecords } = await import("../../helpers/legacy-rows.ts");
const { recordRow, spanOf, store, bad, finding, T0 } = await import("./lineage-fixtures.ts");
const { insertFindings, appendEvidenceToMany, listFindings } = await import("@/lib/db/engine-store.ts");

describe("lineage store", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 4);
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });
  beforeEach(async () => {
    await pool.query(`TRUNCATE spans, records, record_edges, compromise_marks, record_marks, anomaly_findings CASCADE`);
  });

  const edges = async () =>
    (await pool.query<{ child_id: string; parent_id: string; kind: string }>(`SELECT child_id, parent_id, kind FROM record_edges ORDER BY child_id, parent_id, kind`)).rows.map(
      (r) => `${r.child_id}->${r.parent_id}:${r.kind}`,
    );

  it("writes parent and authority edges beside the records; a retry adds nothing", async () => {
    const rows = [
      recordRow("R", { kind: "request" }),
      recordRow("M", { parents: ["R", "R"], authority: ["R"] }),
      recordRow("A", { kind: "action", parents: ["M", "ghost"], authority: ["R", "AP"] }),
    ];
    expect(await store(pool, rows)).toBe(6);
    expect(await edges()).toEqual(["A->AP:authority", "A->M:parent", "A->R:authority", "A->ghost:parent", "M->R:authority", "M->R:parent"]);
    expect(await withTransaction(pool, (tx) => store$.insertEdges(tx, "default", rows))).toBe(0);
    expect(await withTransaction(pool, (tx) => store$.insertEdges(tx, "default", []))).toBe(0);
  });

  it("links a state read that names no version to the latest write of its key, and re-links it when an older write arrives late", async () => {
    await store(pool, [
      recordRow("W1", { kind: "state.write", intent: "prices/a1", at: 10 }),
      recordRow("W9", { kind: "state.write", intent: "prices/zz", at: 11 }),
      recordRow("RD", { kind: "state.read", intent: "prices/a1", at: 20 }),
      recordRow("EARLY", { kind: "state.read", intent: "prices/a1", at: 5 }),
    ]);
    expect(await edges()).toEqual(["RD->W1:state"]);
    await store(pool, [recordRow("W2", { kind: "state.write", intent: "prices/a1", at: 15 })]);
    expect(await edges()).toEqual(["RD->W2:state"]);
    // A write after the read changes nothing for it.
    await store(pool, [recordRow("W3", { kind: "state.write", intent: "prices/a1", at: 30 })]);
    expect(await edges()).toEqual(["RD->W2:state"]);
  });

  it("does not infer a version for a read that names one", async () => {
    await store(pool, [
      recordRow("W1", { kind: "state.write", intent: "k", at: 1 }),
      recordRow("W2", { kind: "state.write", intent: "k", at: 2 }),
      recordRow("RD", { kind: "state.read", intent: "k", parents: ["W1"], at: 3 }),
    ]);
    expect(await edges()).toEqual(["RD->W1:parent"]);
  });

  it("finds the state version current at a time", async () => {
    await store(pool, [recordRow("W1", { kind: "state.write", intent: "k", at: 1 }), recordRow("W2", { kind: "state.write", intent: "k", at: 5, verdicts: bad() })]);
    expect(await store$.findStateVersion(pool, "default", "k")).toBe("W2");
    expect(await store$.findStateVersion(pool, "default", "k", new Date(T0 + 3000))).toBe("W1");
    expect(await store$.findStateVersion(pool, "default", "k", new Date(T0))).toBeNull();
    expect(await store$.findStateVersion(pool, "default", "nope")).toBeNull();
    const r = await traceStateOrigin(pool, "default", "k", undefined);
    expect(r!.origins.map((o) => o.id)).toEqual(["W2"]);
    expect(await traceStateOrigin(pool, "default", "nope", undefined)).toBeNull();
  });

  const pipeline = () => [
    recordRow("R", { kind: "request", agent: "gateway", at: 0 }),
    recordRow("Q", { agent: "planner", parents: ["R"], authority: ["R"], at: 1 }),
    recordRow("P", { agent: "pricer", parents: ["Q"], authority: ["R"], at: 2, verdicts: bad() }),
    recordRow("W", { kind: "state.write", intent: "quote/1", agent: "pricer", parents: ["P"], authority: ["R"], at: 3 }),
    recordRow("RD", { kind: "state.read", intent: "quote/1", agent: "buyer", authority: ["R"], at: 4 }),
    recordRow("A", { kind: "action", actionClass: "red", agent: "buyer", parents: ["RD"], authority: ["R"], at: 5 }),
    recordRow("A2", { kind: "action", actionClass: "green", agent: "buyer", parents: ["Q"], authority: ["R"], at: 6 }),
  ];

  it("traces an action back to the record that failed verification, through an inferred state read", async () => {
    await store(pool, pipeline());
    const r = await traceOrigin(pool, "default", "A");
    expect(r.origins.map((o) => [o.id, o.why])).toEqual([["P", ["verification: bad_signature: signature does not verify", "origin: nothing upstream of it is flagged"]]]);
    expect(r.paths[0]!.steps.map((s) => [s.id, s.next?.prov ?? null])).toEqual([
      ["A", "wasDerivedFrom"],
      ["RD", "used"],
      ["W", "wasGeneratedBy"],
      ["P", null],
    ]);
  });

  it("moves the origin up when an agent is marked compromised from a time, and back when the mark is withdrawn", async () => {
    await store(pool, pipeline());
    const mark = await store$.createCompromiseMark(pool, "default", { agent: "planner", keyId: null, from: new Date(T0), reason: "prompt injection", markedBy: "ana" });
    expect(mark).toMatchObject({ agent: "planner", keyId: null, from: T0, reason: "prompt injection", markedBy: "ana" });
    const r = await traceOrigin(pool, "default", "A");
    expect(r.origins.map((o) => o.id)).toEqual(["Q"]);
    expect(r.origins[0]!.reasons).toEqual([{ kind: "compromised_agent", detail: "agent planner compromised since 2026-11-21T12:00:00.000Z (prompt injection; marked by ana)" }]);
    expect(await store$.listCompromiseMarks(pool, "default")).toHaveLength(1);
    expect(await store$.listCompromiseMarks(pool, "default", "pricer")).toHaveLength(0);
    expect(await store$.deleteCompromiseMark(pool, "default", mark.id)).toBe(true);
    expect(await store$.deleteCompromiseMark(pool, "default", "not-a-number")).toBe(false);
    expect((await traceOrigin(pool, "default", "A")).origins.map((o) => o.id)).toEqual(["P"]);
  });

  it("counts a key mark only for records signed with that key after its time", async () => {
    await store(pool, pipeline());
    await store$.createCompromiseMark(pool, "default", { agent: "planner", keyId: "k2", from: new Date(T0), reason: "leak", markedBy: "ana" });
    expect((await traceOrigin(pool, "default", "A")).origins.map((o) => o.id)).toEqual(["P"]);
    await store$.createCompromiseMark(pool, "default", { agent: "gateway", keyId: "k1", from: new Date(T0 + 60_000), reason: "later", markedBy: "ana" });
    expect((await traceOrigin(pool, "default", "A")).origins.map((o) => o.id)).toEqual(["P"]);
  });

  it("takes analyst marks and anomaly findings as suspicion", async () => {
    await store(pool, pipeline());
    const m = await store$.markRecord(pool, "default", { recordId: "R", reason: "customer never asked for this", markedBy: "ana" });
    expect(m).toMatchObject({ recordId: "R", reason: "customer never asked for this", markedBy: "ana" });
    let r = await traceOrigin(pool, "default", "A");
    expect(r.origins.map((o) => [o.id, o.reasons])).toEqual([["R", [{ kind: "analyst_mark", detail: "customer never asked for this (marked by ana)" }]]]);
    expect(await store$.listRecordMarks(pool, "default", "R")).toHaveLength(1);
    expect(await store$.deleteRecordMark(pool, "default", m.id)).toBe(true);
    await insertFindings(pool, "default", [finding({ detector: "semantic_deviation", recordId: "Q", subject: "qty", explanation: "qty 40x the 24h median (n=50)", evidence: ["Q"] })]);
    r = await traceOrigin(pool, "default", "A");
    expect(r.origins.map((o) => [o.id, o.reasons])).toEqual([["Q", [{ kind: "anomaly", detail: "semantic_deviation: qty 40x the 24h median (n=50)", detector: "semantic_deviation" }]]]);
  });

  it("counts a record named in a finding's evidence as suspect, with the finding's words", async () => {
    // The pipeline with P verified: nothing is flagged yet.
    await store(pool, pipeline().map((r) => (r.recordId === "P" ? { ...r, verdicts: [{ verdict: "verified" as const }] } : r)));
    expect((await traceOrigin(pool, "default", "A")).origins).toEqual([]);
    // A verification finding repeats the verdicts: it adds no reason of its own.
    await insertFindings(pool, "default", [finding({ detector: "verification", recordId: "A2", subject: "bad_signature", explanation: "1 record failed verification", evidence: ["A2"] })]);
    expect((await traceOrigin(pool, "default", "A2")).origins).toEqual([]);
    // A cap finding about A names P among the records that caused it: P is where the trouble starts.
    await insertFindings(pool, "default", [
      finding({ detector: "cap_messages_per_cycle", recordId: "A", subject: "messages per cycle", explanation: "pricer sent 22 messages in the 60s cycle from 12:00:00 UTC (limit 20)", evidence: ["P", "A"] }),
    ]);
    const r = await traceOrigin(pool, "default", "A");
    expect(r.origins.map((o) => [o.id, o.reasons])).toEqual([
      ["P", [{ kind: "anomaly", detail: "cap_messages_per_cycle: pricer sent 22 messages in the 60s cycle from 12:00:00 UTC (limit 20) (named in its evidence)", detector: "cap_messages_per_cycle" }]],
    ]);
    // Evidence added later (a cap cooling down) counts too.
    const [id] = await insertFindings(pool, "default", [finding({ detector: "cap_concurrent_fan_outs", recordId: "A2", subject: "concurrent fan-outs", explanation: "gateway had 6 fan-out messages in flight within 60s (limit 5)", evidence: [] })]);
    await appendEvidenceToMany(pool, "default", new Map([[id!, ["R"]]]));
    expect((await traceOrigin(pool, "default", "A")).origins.map((o) => o.id)).toEqual(["R"]);
    expect((await listFindings(pool, "default", { detector: "cap_concurrent_fan_outs" })).map((f) => [f.id, f.evidence])).toEqual([[id, ["R"]]]);
    // Evidence for a finding that is gone is skipped, not an error.
    await expect(appendEvidenceToMany(pool, "default", new Map([["999999", ["A"]]]))).resolves.toBeUndefined();
  });

  // The replay: byte for byte the same record (same id, same timestamp) sent again in a new span ten minutes later.
  const replayRows = () => {
    const original = recordRow("X", { agent: "monitor", parents: ["R"], at: 1 });
    const copy = recordRow("X", { agent: "monitor", parents: ["R"], at: 1, verdicts: [{ verdict: "replay", detail: "nonce already used" }] });
    return {
      request: recordRow("R", { kind: "request", agent: "gateway", at: 0 }),
      original,
      copy,
      spans: [spanOf(original, 1), spanOf(copy, 600)],
      // The original's honest children, made before the copy was sent, and one made after it from the copy.
      early: [recordRow("E", { agent: "recommender", parents: ["X"], at: 2 }), recordRow("EA", { kind: "action", agent: "executor", parents: ["E"], at: 3 })],
      late: recordRow("L", { agent: "recommender", parents: ["X"], at: 601 }),
    };
  };
  const expectExactReplayRadius = async () => {
    const b = await traceBlastRadius(pool, "default", "X");
    expect(b.starts[0]!.reasons).toEqual([{ kind: "verification", detail: "another record with this id (monitor): replay: nonce already used" }]);
    expect(b.descendants.map((d) => [d.id, d.tainted])).toEqual([["E", false], ["L", true], ["EA", false]]);
    expect((await traceOrigin(pool, "default", "EA")).origins).toEqual([]);
    expect((await traceOrigin(pool, "default", "L")).origins.map((o) => o.id)).toEqual(["X"]);
  };

  it("a replayed copy taints only what was made after it was sent; the original's earlier descendants stay clean", async () => {
    const r = replayRows();
    await store(pool, [r.request, r.original, ...r.early], r.spans.slice(0, 1));
    await store(pool, [r.copy], r.spans.slice(1));
    await store(pool, [r.late]);
    await expectExactReplayRadius();
  });

  it("a replay's blast radius is the same whichever order the copy and the original's children arrive in", async () => {
    // The copy stored first, before the original and its honest children (a
    // slow exporter, a busy collector): arrival order must not decide what is tainted.
    const r = replayRows();
    await store(pool, [r.request]);
    await store(pool, [r.copy], r.spans.slice(1));
    await store(pool, [r.late]);
    await store(pool, [r.original, ...r.early], r.spans.slice(0, 1));
    await expectExactReplayRadius();
  });

  it("holds a forged copy's failure against its id", async () => {
    await store(pool, [recordRow("R", { kind: "request", agent: "gateway" }), recordRow("R", { kind: "request", agent: "mallory", verdicts: bad() }), recordRow("M", { parents: ["R"] })]);
    const r = await traceOrigin(pool, "default", "M");
    expect(r.origins.map((o) => [o.id, o.agent, o.reasons])).toEqual([
      ["R", "gateway", [{ kind: "verification", detail: "another record with this id (mallory): bad_signature: signature does not verify" }]],
    ]);
  });

  it("measures the blast radius: descendants with time, per-agent counts and the tainted share of decisions", async () => {
    await store(pool, pipeline());
    const b = await traceBlastRadius(pool, "default", "Q");
    expect(b.upstreamOrigins).toEqual([]);
    expect(b.descendants.map((d) => [d.id, d.tainted])).toEqual([
      ["A2", false],
      ["P", true],
      ["W", true],
      ["RD", true],
      ["A", true],
    ]);
    expect(b.counts).toMatchObject({ total: 5, messages: 1, stateVersions: 1, stateReads: 1, actions: 2, redActions: 1 });
    expect(b.decisions).toEqual({ total: 3, tainted: 2, share: 2 / 3 });
    expect(b.byAgent.map((a) => [a.agent, a.records, a.tainted])).toEqual([
      ["buyer", 3, 2],
      ["pricer", 2, 2],
    ]);
    expect(b.time).toEqual({ first: new Date(T0 + 2000).toISOString(), last: new Date(T0 + 6000).toISOString(), spanMs: 4000, lastAfterStartMs: 5000 });

    const fromP = await traceBlastRadius(pool, "default", "W");
    expect(fromP.upstreamOrigins).toEqual(["P"]);
    expect(fromP.decisions.share).toBe(1);
    const noLook = await traceBlastRadius(pool, "default", "W", {}, { checkUpstream: false });
    expect(noLook.upstreamOrigins).toBeNull();
    expect(noLook.startTainted).toBe(false);
  });

  it("answers exactly as the same walk over an in-memory copy of the graph", async () => {
    await store(pool, pipeline());
    const rows = (await pool.query<{ child_id: string; parent_id: string; kind: "parent" | "authority" | "state" }>(`SELECT child_id, parent_id, kind FROM record_edges`)).rows;
    const db = new store$.DbAdjacency(pool, indexCompromise([]));
    const ids = ["R", "Q", "P", "W", "RD", "A", "A2"];
    const mem = new MemoryAdjacency([...(await db.nodes(ids)).values()], rows.map((r) => ({ child: r.child_id, parent: r.parent_id, kind: r.kind })));
    for (const id of ids) {
      const fresh = () => new store$.DbAdjacency(pool, indexCompromise([]));
      expect(findOrigins(await walk(fresh(), [id], "up"))).toEqual(findOrigins(await walk(mem, [id], "up")));
      expect(blastRadius(await walk(fresh(), [id], "down"))).toEqual(blastRadius(await walk(mem, [id], "down")));
    }
  });

  it("fetches everything reachable in two queries, or asks once per level without the prefetch", async () => {
    await store(pool, pipeline());
    const db = new store$.DbAdjacency(pool, indexCompromise([]));
    const w = await walk(db, ["A"], "up");
    expect([...w.visits.keys()]).toEqual(["A", "R", "RD", "W", "P", "Q"]);
    // The recursive reach, then the records.
    expect(db.queries).toBe(2);
    const slow = new store$.DbAdjacency(pool, indexCompromise([]), { prefetch: false });
    const again = await walk(slow, ["A"], "up");
    expect([...again.visits.entries()]).toEqual([...w.visits.entries()]);
    expect(again.edges).toEqual(w.edges);
    // The start's record, then per frontier [A], [R, RD], [W], [P], [Q]: edges and the records they reach.
    expect(slow.queries).toBe(10);
  });

  it("answers the same when the prefetch limit cuts it short", async () => {
    const rows = [recordRow("c0", { kind: "request" })];
    for (let i = 1; i < 40; i++) rows.push(recordRow(`c${i}`, { parents: [`c${i - 1}`], authority: ["c0"], ...(i === 5 ? { verdicts: bad() } : {}) }));
    await store(pool, rows);
    const full = await walk(new store$.DbAdjacency(pool, indexCompromise([])), ["c0"], "down");
    const cut = new store$.DbAdjacency(pool, indexCompromise([]));
    // 78 edges are more than 4 per record for 10 records: nothing is kept, the walk asks level by level.
    const reached = await cut.prefetch(["c0"], "down", { maxNodes: 10, maxDepth: 100 });
    expect(reached).toEqual({ reached: 0, complete: false });
    const fits = await new store$.DbAdjacency(pool, indexCompromise([])).prefetch(["c0"], "down", { maxNodes: 40, maxDepth: 100 });
    expect(fits).toEqual({ reached: 40, complete: true });
    const w = await walk(cut, ["c0"], "down");
    expect([...w.visits.entries()]).toEqual([...full.visits.entries()]);
    expect(w.edges).toEqual(full.edges);
    const up = await walk(new store$.DbAdjacency(pool, indexCompromise([])), ["c39"], "up", { maxNodes: 5 });
    expect(up.visits.size).toBe(5);
    expect(up.truncated).toEqual(["nodes"]);
  });

  it("asks a shallow walk level by level instead of fetching everything reachable", async () => {
    const rows = [recordRow("c0", { kind: "request" })];
    for (let i = 1; i < 40; i++) rows.push(recordRow(`c${i}`, { parents: [`c${i - 1}`] }));
    await store(pool, rows);
    const db = new store$.DbAdjacency(pool, indexCompromise([]));
    const w = await walk(db, ["c0"], "down", { maxDepth: 1 });
    expect([...w.visits.keys()]).toEqual(["c0", "c1"]);
    expect(w.truncated).toEqual(["depth"]);
    // The start, its edges and their records, then the edges past the bound.
    expect(db.queries).toBe(4);
  });

  it("applies time bounds parsed from a query string", async () => {
    await store(pool, pipeline());
    const bounds = toWalkBounds(LineageBoundsQuery.parse({ from: new Date(T0 + 3000).toISOString(), maxDepth: "10" }));
    const r = await traceOrigin(pool, "default", "A", bounds);
    expect(r.origins).toEqual([]);
    expect(r.truncated).toEqual(["window"]);
    expect(() => LineageBoundsQuery.parse({ maxDepth: "-1" })).toThrow();
    expect(() => LineageBoundsQuery.parse({ from: "2026-11-22T00:00:00Z", to: "2026-11-21T00:00:00Z" })).toThrow(/from must not be after to/);
  });

  it("recomputes taint for everything after a compromise mark", async () => {
    await store(pool, [
      ...pipeline(),
      recordRow("OLD", { agent: "pricer", parents: ["R"], at: -5 }),
      recordRow("OLD2", { kind: "action", agent: "buyer", parents: ["OLD"], at: -4 }),
    ]);
    const mark = await store$.createCompromiseMark(pool, "default", { agent: "pricer", keyId: null, from: new Date(T0), reason: "stolen key", markedBy: "ana" });
    const impact = await compromiseImpact(pool, "default", mark.id);
    expect(impact!.covered).toBe(2);
    expect(impact!.starts.map((s) => s.id)).toEqual(["P", "W"]);
    expect(impact!.descendants.map((d) => d.id)).toEqual(["RD", "A"]);
    expect(impact!.decisions).toEqual({ total: 1, tainted: 1, share: 1 });
    expect(await compromiseImpact(pool, "default", "999")).toBeNull();
    const capped = await compromiseImpact(pool, "default", mark.id, { maxNodes: 1 });
    expect(capped).toMatchObject({ covered: 1, coveredTruncated: true });
  });
});

describe("migration backfill", () => {
  it("derives edges for records stored before the migration", async () => {
    const adminUrl = inject("adminDatabaseUrl");
    const name = `fb_test_backfill_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = withDatabase(adminUrl, name);
    const dir = mkdtempSync(path.join(tmpdir(), "fb-mig-"));
    try {
      cpSync(path.join(defaultMigrationsDir(), "20261121000000_init"), path.join(dir, "20261121000000_init"), { recursive: true });
      await migrate(url, dir);
      const pool = createPool(url, 2);
      // Written as the collector wrote them then: today's ingest SQL targets today's keys.
      await insertLegacyRecords(pool, [
        recordRow("W", { kind: "state.write", intent: "k", at: 1 }),
        recordRow("RD", { kind: "state.read", intent: "k", at: 2 }),
        recordRow("M", { parents: ["RD"], authority: ["R"], at: 3 }),
      ]);
      await migrate(url);
      const rows = await pool.query(`SELECT child_id || '->' || parent_id || ':' || kind AS e FROM record_edges ORDER BY 1`);
      expect(rows.rows.map((r) => r.e)).toEqual(["M->R:authority", "M->RD:parent", "RD->W:state"]);
      await pool.end();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
