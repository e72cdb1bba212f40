// The agent graph's links and node totals against a reference computed the
// plainest way: every stored record read back and counted in JS. Seeded
// random traffic in two projects that share agent ids, messages to several
// receivers (one named twice), other kinds, pending records that settle
// later, late records stamped in the past, times with a sub-millisecond part
// and windows whose ends fall mid-minute or exactly on a record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { StoredRecord } from "../../fixtures/stored-records.ts";
import type { Verdict } from "@/lib/protocol/record.ts";

const { createPool } = await import("@/lib/db/ingest-store.ts");
const { mergeAllTallies } = await import("@/lib/db/record-tallies.ts");
const { agentGraph, agentGraphAnswer } = await import("@/lib/db/graph-query.ts");
const { GraphColumns, fromGraphColumns } = await import("@/lib/api/graph-columns.ts");
const { GraphQuery, GraphResponse } = await import("@/lib/api/graph-views.ts");
const { Prng } = await import("@/lib/sim/prng.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { insertStoredRecords, storedRecord, verdicts } = await import("../../fixtures/stored-records.ts");

const NOW = new Date("2026-11-21T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const AGENTS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const OTHER = "other";

interface RefLink {
  sender: string;
  receiver: string;
  messages: number;
  verified: number;
  unverified: number;
  forgedOrReplayed: number;
  lastSeen: string | null;
}

interface StoredRow {
  kind: string;
  agent: string;
  receivers: string[];
  verified: boolean;
  verdicts: string[];
  /** Microseconds since the epoch, as text: exact. */
  us: string;
}

/** The reference: every record of the project, counted one receiver at a time, in [from, to). */
async function referenceLinks(db: pg.Pool, project: string, from: Date, to: Date): Promise<RefLink[]> {
  const { rows } = await db.query<StoredRow>(
    `SELECT kind, agent, receivers, verified, verdicts, (extract(epoch FROM ts) * 1000000)::bigint::text AS us FROM records WHERE project_id = $1`,
    [project],
  );
  const lo = BigInt(from.getTime()) * 1000n;
  const hi = BigInt(to.getTime()) * 1000n;
  const links = new Map<string, RefLink & { lastMs: number }>();
  for (const r of rows) {
    const us = BigInt(r.us);
    if (r.kind !== "message" || us < lo || us >= hi) continue;
    const ms = Number(us / 1000n);
    const forged = r.verdicts.includes("bad_signature") || r.verdicts.includes("replay");
    for (const receiver of r.receivers) {
      const key = `${r.agent}->${receiver}`;
      const l = links.get(key) ?? { sender: r.agent, receiver, messages: 0, verified: 0, unverified: 0, forgedOrReplayed: 0, lastSeen: null, lastMs: -Infinity };
      l.messages += 1;
      if (r.verified) l.verified += 1;
      else if (forged) l.forgedOrReplayed += 1;
      else l.unverified += 1;
      l.lastMs = Math.max(l.lastMs, ms);
      links.set(key, l);
    }
  }
  return [...links.values()].map(({ lastMs, ...l }) => ({ ...l, lastSeen: new Date(lastMs).toISOString() })).sort(byEdge);
}

const byEdge = (a: { sender: string; receiver: string }, b: { sender: string; receiver: string }): number =>
  a.sender < b.sender ? -1 : a.sender > b.sender ? 1 : a.receiver < b.receiver ? -1 : a.receiver > b.receiver ? 1 : 0;

/** Seeded traffic over the three days before NOW: a few receivers at times, every kind, verdicts of every sort, some still pending. */
function traffic(seed: string, n: number): StoredRecord[] {
  const prng = new Prng(seed);
  const out: StoredRecord[] = [];
  for (let i = 0; i < n; i++) {
    const agent = AGENTS[prng.int(AGENTS.length)]!;
    const others = AGENTS.filter((a) => a !== agent);
    const fan = prng.chance(0.15) ? 2 + prng.int(2) : 1;
    const receivers = Array.from({ length: fan }, () => others[prng.int(others.length)]!);
    // One receiver named twice: the SQL unnest counts it twice, and so must the answer.
    if (prng.chance(0.03)) receivers.push(receivers[0]!);
    const x = prng.next();
    const v: Verdict[] = x < 0.06 ? ["bad_signature"] : x < 0.1 ? ["replay"] : x < 0.14 ? ["unknown_intent"] : x < 0.16 ? ["replay", "unknown_intent"] : x < 0.2 ? ["pending"] : ["verified"];
    out.push(
      storedRecord({
        kind: prng.chance(0.9) ? "message" : prng.chance(0.5) ? "action" : "state.write",
        agent,
        receivers,
        ts: new Date(NOW.getTime() - 3 * 24 * HOUR + prng.int(3 * 24 * HOUR)),
        verdicts: verdicts(...v),
        pendingOn: v[0] === "pending" ? [`parent-${i}`] : [],
      }),
    );
  }
  return out;
}

describe("the agent graph equals a count over every record", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const graph = async (project: string, q: Record<string, string>, now = NOW) => GraphResponse.parse(await agentGraph(pool, project, GraphQuery.parse(q), now));
  const linksOf = (g: Awaited<ReturnType<typeof graph>>): RefLink[] =>
    g.links.map((l) => ({ sender: l.sender, receiver: l.receiver, messages: l.messages, verified: l.verified, unverified: l.unverified, forgedOrReplayed: l.forgedOrReplayed, lastSeen: l.lastSeen })).sort(byEdge);

  /** The answer for (project, window, at) against the reference, nodes' totals included. */
  async function expectExact(project: string, q: { window: string; at?: string }, now = NOW): Promise<RefLink[]> {
    const g = await graph(project, q, now);
    const expected = await referenceLinks(pool, project, new Date(g.from), new Date(g.to));
    expect(linksOf(g), `${project} ${JSON.stringify(q)}`).toEqual(expected);
    for (const n of g.nodes) {
      expect(n.sent, `${project} ${n.id} sent`).toBe(expected.filter((l) => l.sender === n.id).reduce((s, l) => s + l.messages, 0));
      expect(n.received, `${project} ${n.id} received`).toBe(expected.filter((l) => l.receiver === n.id).reduce((s, l) => s + l.messages, 0));
    }
    // The dashboard's columns carry the same answer.
    const columns = GraphColumns.parse(JSON.parse(JSON.stringify(await agentGraphAnswer(pool, project, GraphQuery.parse({ ...q, format: "columns" }), now))));
    expect(fromGraphColumns(columns)).toEqual(g);
    return expected;
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 3);
    await pool.query(`INSERT INTO projects (id, name) VALUES ($1, 'Other')`, [OTHER]);
    await insertStoredRecords(pool, traffic("graph exact default", 700));
    const other = traffic("graph exact other", 250);
    await insertStoredRecords(pool, other);
    await pool.query(`UPDATE records SET project_id = $1 WHERE record_id = ANY($2::text[])`, [OTHER, other.map((r) => r.recordId)]);
    // A sub-millisecond part on every seventh record: the answer's last-seen drops it, as a Date does.
    await pool.query(`UPDATE records SET ts = ts + interval '731 microseconds' WHERE seq % 7 = 0`);
    // Moving records out of a project leaves its tallies' latest times unknown until the collector's merge reads them again.
    await mergeAllTallies(pool);
  });
  afterAll(async () => {
    await pool.end();
    await tdb.drop();
  });

  it("for live windows of every length, in each project", async () => {
    for (const project of ["default", OTHER]) {
      for (const window of ["15m", "1h", "6h", "24h", "7d"]) {
        const links = await expectExact(project, { window });
        if (window === "24h" || window === "7d") expect(links.length, `${project} ${window}`).toBeGreaterThan(0);
      }
    }
  });

  it("for replayed windows whose ends fall mid-minute, mid-hour, on a record's time and a millisecond after it", async () => {
    const { rows } = await pool.query<{ ms: string; us: string }>(
      `SELECT floor(extract(epoch FROM ts) * 1000)::bigint::text AS ms, (extract(epoch FROM ts) * 1000000 % 1000)::int::text AS us
         FROM records WHERE project_id = 'default' AND kind = 'message' ORDER BY ts LIMIT 1 OFFSET 300`,
    );
    const onRecord = Number(rows[0]!.ms);
    const ats = [
      NOW.getTime() - 7 * MIN - 30_500,
      NOW.getTime() - 26 * HOUR - 17 * MIN - 1,
      onRecord,
      onRecord + 1,
      onRecord + 60 * MIN, // the window of 1h then starts on the record
    ];
    for (const at of ats) {
      for (const window of ["1h", "24h"]) await expectExact("default", { window, at: new Date(at).toISOString() });
    }
    // The record on the window's end is out of it, and in it a millisecond later.
    const [end, after] = await Promise.all([graph("default", { window: "1h", at: new Date(onRecord).toISOString() }), graph("default", { window: "1h", at: new Date(onRecord + 1).toISOString() })]);
    const total = (g: Awaited<ReturnType<typeof graph>>) => g.links.reduce((s, l) => s + l.messages, 0);
    expect(total(after)).toBeGreaterThan(total(end));
  });

  it("stays exact while records keep arriving: new ones, late ones stamped in the past, pending ones settling", async () => {
    const before = await expectExact("default", { window: "24h" });
    const late = [
      storedRecord({ agent: "alpha", receivers: ["bravo", "bravo"], ts: new Date(NOW.getTime() - 5 * HOUR + 123) }),
      storedRecord({ agent: "alpha", receivers: ["bravo"], ts: new Date(NOW.getTime() - 40 * HOUR), verdicts: verdicts("replay") }),
      storedRecord({ agent: "hotel", receivers: ["golf", "alpha"], ts: new Date(NOW.getTime() - 1), verdicts: verdicts("bad_signature") }),
      storedRecord({ agent: "golf", receivers: ["hotel"], ts: NOW, verdicts: verdicts() }),
    ];
    await insertStoredRecords(pool, late);
    const after = await expectExact("default", { window: "24h" });
    // The same once the new minutes' counts are merged.
    expect((await mergeAllTallies(pool)).minutes).toBeGreaterThan(0);
    expect(await expectExact("default", { window: "24h" })).toEqual(after);
    const ab = (ls: RefLink[]) => ls.find((l) => l.sender === "alpha" && l.receiver === "bravo")?.messages ?? 0;
    expect(ab(after)).toBe(ab(before) + 2);
    // A minute on, the record stamped NOW is inside; the 40-hour-old replay only in a longer window.
    await expectExact("default", { window: "24h" }, new Date(NOW.getTime() + MIN));
    await expectExact("default", { window: "7d" }, new Date(NOW.getTime() + MIN));
    await expectExact("default", { window: "24h", at: new Date(NOW.getTime() - 4 * HOUR).toISOString() });

    // Pending records settle, as settleRecords leaves them: verdicts, verified, pending_on cleared.
    const settled = await pool.query(
      `UPDATE records SET verdicts = CASE WHEN seq % 2 = 0 THEN ARRAY['verified'] ELSE ARRAY['replay'] END, verified = seq % 2 = 0, pending_on = '{}', pending_since = NULL, settled_tx_id = pg_current_xact_id()
        WHERE project_id = 'default' AND cardinality(pending_on) > 0 AND ts >= $1`,
      [new Date(NOW.getTime() - 24 * HOUR)],
    );
    expect(settled.rowCount).toBeGreaterThan(0);
    const afterSettling = await expectExact("default", { window: "24h" });
    await mergeAllTallies(pool);
    expect(await expectExact("default", { window: "24h" })).toEqual(afterSettling);
    const sum = (ls: RefLink[], f: keyof Pick<RefLink, "verified" | "unverified" | "forgedOrReplayed">) => ls.reduce((s, l) => s + l[f], 0);
    expect(sum(afterSettling, "verified")).toBeGreaterThan(sum(after, "verified"));
    expect(sum(afterSettling, "unverified")).toBeLessThan(sum(after, "unverified"));
  });

  it("keeps the projects apart: the same agent ids, each project's own counts", async () => {
    const [mine, theirs] = await Promise.all([graph("default", { window: "7d" }), graph(OTHER, { window: "7d" })]);
    const total = (g: Awaited<ReturnType<typeof graph>>) => g.links.reduce((s, l) => s + l.messages, 0);
    const stored = async (project: string) =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT coalesce(sum(cardinality(receivers)), 0)::text AS n FROM records WHERE project_id = $1 AND kind = 'message' AND ts >= $2 AND ts < $3`,
            [project, new Date(NOW.getTime() - 7 * 24 * HOUR), NOW],
          )
        ).rows[0]!.n,
      );
    expect(total(mine)).toBe(await stored("default"));
    expect(total(theirs)).toBe(await stored(OTHER));
    expect(total(theirs)).toBeLessThan(total(mine));
    // A project with no records has no links, whatever the others hold.
    await pool.query(`INSERT INTO projects (id, name) VALUES ('empty', 'Empty')`);
    expect((await graph("empty", { window: "7d" })).links).toEqual([]);
  });
});
