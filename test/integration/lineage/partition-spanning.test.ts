// The same provenance graph stored twice: once spread over three week
// partitions, once all in the default partition. Lineage reads records by id
// with the id list hidden from the planner (ADR 0033); whichever partitions
// the records sit in, every answer must be the same, copies in other weeks,
// marks and findings included.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type pg from "pg";

vi.mock("server-only", () => ({}));

const { createPool } = await import("@/lib/db/ingest-store.ts");
const { ensurePartitions } = await import("@/lib/db/partitions.ts");
const { markRecord } = await import("@/lib/db/lineage-store.ts");
const { insertFindings } = await import("@/lib/db/engine-store.ts");
const { compromiseImpact, traceBlastRadius, traceOrigin } = await import("@/lib/lineage/lineage-queries.ts");
const { createCompromiseMark } = await import("@/lib/db/lineage-store.ts");
const { DAY_MS, utcDay } = await import("@/lib/storage/partition-plan.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { bad, finding, recordRow, spanOf, store, T0 } = await import("./lineage-fixtures.ts");
type RecordRow = ReturnType<typeof recordRow>;

const DAY0 = utcDay(T0);
/** Seconds after T0 for a record `day` days from T0's day, `n` seconds into it. */
const at = (day: number, n: number) => (DAY0 + day * DAY_MS - T0) / 1000 + 3_600 + n;
const KINDS = ["message", "message", "state.write", "state.read", "action", "message"] as const;
/** Days -6 .. 5 from T0 (2026-11-21): the weeks of 9, 16 and 23 November. */
const DAYS = [-6, -5, -1, 0, 1, 2, 3, 5];

/** A request and 240 records below it, each with one or two parents earlier in the list, spread over eight days. */
function graph(): { rows: RecordRow[]; copy: RecordRow } {
  const rows: RecordRow[] = [recordRow("REQ", { kind: "request", at: at(-6, 0) })];
  for (let i = 1; i <= 240; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const day = DAYS[Math.floor(((i - 1) * DAYS.length) / 240)]!;
    const first = i === 1 ? "REQ" : `N${Math.floor(i / 2)}`;
    const parents = i > 6 && i % 5 === 0 ? [first, `N${i - 3}`] : [first];
    rows.push(
      recordRow(`N${i}`, {
        kind,
        agent: `agent-${i % 7}`,
        at: at(day, i),
        parents,
        authority: ["REQ"],
        intent: kind.startsWith("state") ? `key/${i % 4}` : null,
        actionClass: kind === "action" ? (i % 3 === 0 ? "red" : "green") : null,
        verdicts: i === 37 ? bad() : [{ verdict: "verified" }],
      }),
    );
  }
  // A forged copy of N60 (stored on day -6) arriving in the last week, with its own time and a bad signature.
  const copy = recordRow("N60", { agent: "mallory", at: at(5, 999), parents: ["N59"], verdicts: bad("forged copy") });
  return { rows, copy };
}

async function load(pool: pg.Pool): Promise<void> {
  const { rows, copy } = graph();
  for (let i = 0; i < rows.length; i += 50) await store(pool, rows.slice(i, i + 50));
  await store(pool, [copy], [spanOf(copy, at(5, 999))]);
  await markRecord(pool, "default", { recordId: "N90", reason: "customer never asked for this", markedBy: "ana" });
  await insertFindings(pool, "default", [finding({ detector: "semantic_deviation", recordId: "N120", subject: "qty", explanation: "qty 40x the median", evidence: ["N120", "N150"] })]);
  await createCompromiseMark(pool, "default", { agent: "agent-3", keyId: null, from: new Date(T0 + at(2, 0) * 1000), reason: "key leaked", markedBy: "ana" });
}

async function partitionsOf(pool: pg.Pool): Promise<string[]> {
  const res = await pool.query<{ p: string }>(`SELECT DISTINCT tableoid::regclass::text AS p FROM records ORDER BY 1`);
  return res.rows.map((r) => r.p);
}

describe("lineage across week partitions", () => {
  const dbs: { drop(): Promise<void> }[] = [];
  let spread: pg.Pool;
  let single: pg.Pool;

  beforeAll(async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    dbs.push(a, b);
    spread = createPool(a.url, 4);
    single = createPool(b.url, 4);
    // The weeks of 9, 16 and 23 November in one database; none in the other, where every row falls to the default partition.
    await ensurePartitions(spread, { now: DAY0 - 7 * DAY_MS, ahead: 2 });
    await load(spread);
    await load(single);
  });
  afterAll(async () => {
    await spread.end();
    await single.end();
    for (const d of dbs) await d.drop();
  });

  it("stores the graph over three week partitions in one database and in the default partition alone in the other", async () => {
    expect(await partitionsOf(spread)).toEqual(["records_p20261109", "records_p20261116", "records_p20261123"]);
    expect(await partitionsOf(single)).toEqual(["records_default"]);
  });

  it("gives the same blast radius, descendants, counts and tainted share, whichever partitions hold the records", async () => {
    for (const start of ["REQ", "N1", "N3", "N30", "N59"]) {
      const a = await traceBlastRadius(spread, "default", start);
      const b = await traceBlastRadius(single, "default", start);
      expect(a).toEqual(b);
    }
    const whole = await traceBlastRadius(spread, "default", "REQ");
    expect(whole.descendants).toHaveLength(240);
    expect(whole.byAgent.map((x) => x.records).reduce((s, n) => s + n, 0)).toBe(240);
    expect(whole.decisions.total).toBeGreaterThan(0);
    expect(whole.decisions.tainted).toBeGreaterThan(0);
    expect(whole.decisions.tainted).toBeLessThan(whole.decisions.total);
  });

  it("sees a copy of an id stored in another week, and the marks and findings of records anywhere", async () => {
    const radius = await traceBlastRadius(spread, "default", "REQ");
    const byId = new Map(radius.descendants.map((d) => [d.id, d]));
    expect(byId.get("N60")!.why.join(" ")).toContain("another record with this id (mallory)");
    expect(byId.get("N37")!.flagged).toBe(true);
    expect(byId.get("N90")!.reasons.map((r) => r.kind)).toContain("analyst_mark");
    expect(byId.get("N120")!.reasons.map((r) => r.kind)).toContain("anomaly");
    expect(byId.get("N150")!.why.join(" ")).toContain("named in its evidence");
    expect(radius.descendants.some((d) => d.reasons.some((r) => r.kind === "compromised_agent"))).toBe(true);
  });

  it("gives the same origins and the same compromise impact across partitions", async () => {
    for (const end of ["N240", "N150", "N61"]) expect(await traceOrigin(spread, "default", end)).toEqual(await traceOrigin(single, "default", end));
    const markId = async (pool: pg.Pool) => (await pool.query<{ id: string }>(`SELECT id::text FROM compromise_marks`)).rows[0]!.id;
    const a = await compromiseImpact(spread, "default", await markId(spread));
    const b = await compromiseImpact(single, "default", await markId(single));
    expect(a!.descendants.length).toBeGreaterThan(0);
    expect({ ...a, mark: null }).toEqual({ ...b, mark: null });
  });
});
