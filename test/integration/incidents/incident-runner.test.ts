// groupFindings against a real database: findings on stored records, their
// lineage asked of the stored graph, incidents opened, joined, merged or
// linked, and two engines grouping the same findings at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool } from "@/lib/db/ingest-store.ts";
import { acknowledgeIncident } from "@/lib/engine/incidents/incident-actions.ts";
import { groupFindings } from "@/lib/engine/incidents/incident-runner.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";
import { bad, recordRow, store } from "../lineage/lineage-fixtures.ts";
import { clearIncidents, incidentsNow, insertFinding } from "./incident-fixtures.ts";

describe("groupFindings (stored)", () => {
  let tdb: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 8);
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });
  beforeEach(async () => {
    await clearIncidents(pool);
  });

  /** A forged message O (mallory) -> a planner message M -> a buyer's red action A. */
  async function cascade(prefix: string, at = 0) {
    await store(pool, [
      recordRow(`${prefix}O`, { agent: "mallory", verdicts: bad(), at }),
      recordRow(`${prefix}M`, { agent: "planner", parents: [`${prefix}O`], at: at + 1 }),
      recordRow(`${prefix}A`, { agent: "buyer", kind: "action", actionClass: "red", intent: "wire.transfer", parents: [`${prefix}M`], at: at + 2 }),
    ]);
  }

  it("findings along one cascade become one incident, critical when the red action is tainted", async () => {
    await cascade("c1");
    const f1 = await insertFinding(pool, { recordId: "c1M", agent: "planner", at: 1 });
    const f2 = await insertFinding(pool, { recordId: "c1A", agent: "buyer", at: 2, detector: "new_intent" });
    const out = await groupFindings(pool, "default", [f1, f2]);
    expect(out.opened).toHaveLength(1);
    expect(out.attached).toBe(2);
    expect(out.merged).toEqual([]);
    const [inc] = await incidentsNow(pool);
    expect(inc).toMatchObject({ id: out.opened[0], status: "open", severity: "critical", origins: ["c1O"], findings: [f1, f2].sort() });
    expect(inc!.agents).toEqual(["buyer", "mallory", "planner"]);
    const events = await pool.query(`SELECT kind, actor FROM incident_events`);
    expect(events.rows).toEqual([{ kind: "opened", actor: "engine" }]);
  });

  it("a later finding on the same lineage joins the open incident; grouping twice changes nothing", async () => {
    await cascade("c2");
    const f1 = await insertFinding(pool, { recordId: "c2M", agent: "planner", at: 1, impact: 3 });
    const first = await groupFindings(pool, "default", [f1]);
    expect((await incidentsNow(pool))[0]!.severity).toBe("low");
    const f2 = await insertFinding(pool, { recordId: "c2M", agent: "planner", at: 60, impact: 75, detector: "rate_vs_baseline" });
    const second = await groupFindings(pool, "default", [f2, f1]);
    expect(second).toEqual({ opened: [], attached: 1, merged: [] });
    const [inc] = await incidentsNow(pool);
    expect(inc).toMatchObject({ id: first.opened[0], severity: "high", findings: [f1, f2].sort() });
    expect(await groupFindings(pool, "default", [f1, f2])).toEqual({ opened: [], attached: 0, merged: [] });
    const severity = await pool.query(`SELECT detail FROM incident_events WHERE kind = 'severity'`);
    expect(severity.rows).toEqual([{ detail: "severity low -> high as findings joined" }]);
  });

  it("a finding after an hour of quiet opens a new incident", async () => {
    await cascade("c3");
    const f1 = await insertFinding(pool, { recordId: "c3M", agent: "planner", at: 1 });
    await groupFindings(pool, "default", [f1]);
    const f2 = await insertFinding(pool, { recordId: "c3M", agent: "planner", at: 1 + 3601 });
    const out = await groupFindings(pool, "default", [f2]);
    expect(out.opened).toHaveLength(1);
    expect((await incidentsNow(pool)).map((i) => i.findings)).toEqual([[f1], [f2]]);
  });

  it("a record with two origins merges their untouched incidents, and links them once an analyst has acted", async () => {
    for (const p of ["m", "l"]) {
      await store(pool, [
        recordRow(`${p}P`, { agent: "mallory", verdicts: bad(), at: 10 }),
        recordRow(`${p}Q`, { agent: "eve", verdicts: bad(), at: 11 }),
        recordRow(`${p}X`, { agent: "planner", parents: [`${p}P`, `${p}Q`], at: 20 }),
      ]);
    }
    // Untouched: merged into the older.
    const mp = await insertFinding(pool, { detector: "verification", recordId: "mP", agent: "mallory", at: 10 });
    const mq = await insertFinding(pool, { detector: "verification", recordId: "mQ", agent: "eve", at: 11 });
    const two = await groupFindings(pool, "default", [mp, mq]);
    expect(two.opened).toHaveLength(2);
    const mx = await insertFinding(pool, { recordId: "mX", agent: "planner", at: 20 });
    const merged = await groupFindings(pool, "default", [mx]);
    expect(merged).toEqual({ opened: [], attached: 1, merged: [two.opened[1]] });
    const afterMerge = await incidentsNow(pool);
    expect(afterMerge.map((i) => [i.status, i.mergedInto, i.findings])).toEqual([
      ["open", null, [mp, mq, mx].sort()],
      ["merged", two.opened[0], []],
    ]);

    // Acted on: kept apart and linked.
    const lp = await insertFinding(pool, { detector: "verification", recordId: "lP", agent: "mallory", at: 10 });
    const lq = await insertFinding(pool, { detector: "verification", recordId: "lQ", agent: "eve", at: 11 });
    const apart = await groupFindings(pool, "default", [lp, lq]);
    await acknowledgeIncident(pool, "default", apart.opened[1]!, "analyst");
    const lx = await insertFinding(pool, { recordId: "lX", agent: "planner", at: 20 });
    expect(await groupFindings(pool, "default", [lx])).toEqual({ opened: [], attached: 1, merged: [] });
    const links = await pool.query(`SELECT incident_id::text AS a, related_id::text AS b, finding_id::text AS f FROM incident_links`);
    expect(links.rows).toEqual([{ a: apart.opened[0], b: apart.opened[1], f: lx }]);
    const now = await incidentsNow(pool);
    expect(now.filter((i) => apart.opened.includes(i.id)).map((i) => i.status)).toEqual(["open", "acknowledged"]);
  });

  it("a forged identity whose message reaches a state write is critical", async () => {
    await store(pool, [
      recordRow("iO", { agent: "mallory", verdicts: [{ verdict: "unknown_agent", detail: "not in the registry" }], at: 0 }),
      recordRow("iW", { agent: "ledger", kind: "state.write", intent: "balances/1", parents: ["iO"], at: 1 }),
    ]);
    const f = await insertFinding(pool, { recordId: "iW", agent: "ledger", at: 1, impact: 1 });
    await groupFindings(pool, "default", [f]);
    expect((await incidentsNow(pool))[0]!.severity).toBe("critical");
  });

  it("findings without a record group by agent", async () => {
    const a = await insertFinding(pool, { recordId: null, agent: "planner", detector: "fan_out_burst", at: 0 });
    const b = await insertFinding(pool, { recordId: null, agent: "planner", detector: "rate_vs_baseline", at: 30 });
    const c = await insertFinding(pool, { recordId: null, agent: "pricer", detector: "rate_vs_baseline", at: 30 });
    const out = await groupFindings(pool, "default", [a, b, c]);
    expect(out.opened).toHaveLength(2);
    expect((await incidentsNow(pool)).map((i) => i.findings)).toEqual([[a, b], [c]]);
  });

  it("unknown and malformed ids are ignored", async () => {
    expect(await groupFindings(pool, "default", ["999999", "not-an-id", ""])).toEqual({ opened: [], attached: 0, merged: [] });
  });

  it("two engines grouping the same findings at once group each finding once", async () => {
    await cascade("k");
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await insertFinding(pool, { recordId: i % 2 === 0 ? "kM" : "kA", agent: "planner", at: 1 + i }));
    const [x, y] = await Promise.all([groupFindings(pool, "default", ids), groupFindings(pool, "default", [...ids].reverse())]);
    expect(x.attached + y.attached).toBe(6);
    expect(x.opened.length + y.opened.length).toBe(1);
    const now = await incidentsNow(pool);
    expect(now).toHaveLength(1);
    expect(now[0]!.findings).toHaveLength(6);
  });
});
