// The agents and edges summaries and the activity series, read from the
// per-minute tallies and the records of the partial minutes (ADR 0051),
// against a reference counted in JS from every stored record. Seeded random
// traffic (receivers named twice, every verdict, pending records that
// settle), windows whose ends fall mid-minute, on a minute, on a record's
// time, inside a single minute; before and after the tallies are merged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Verdict } from "@/lib/protocol/record.ts";

const { createPool } = await import("@/lib/db/ingest-store.ts");
const { createPrisma } = await import("@/lib/db/prisma.ts");
const { agentsSummary } = await import("@/lib/db/agents-summary-query.ts");
const { edgeSummary } = await import("@/lib/db/edges-query.ts");
const { activity, fleetOverview } = await import("@/lib/db/fleet-query.ts");
const { mergeAllTallies } = await import("@/lib/db/record-tallies.ts");
const { Prng } = await import("@/lib/sim/prng.ts");
const { createTestDatabase } = await import("../../helpers/database.ts");
const { insertStoredRecords, storedRecord, verdicts } = await import("../../fixtures/stored-records.ts");

const NOW = new Date("2026-11-21T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const AGENTS = ["alpha", "bravo", "charlie", "delta", "echo"];

interface Row {
  kind: string;
  agent: string;
  receivers: string[];
  verdicts: string[];
  verified: boolean;
  ms: number;
}

const inWindow = (rows: Row[], from: Date, to: Date) => rows.filter((r) => r.ms >= from.getTime() && r.ms < to.getTime());

function referenceAgents(rows: Row[]) {
  const out = new Map<string, { sent: number; verified: number; byVerdict: Record<string, number> }>();
  for (const r of rows) {
    const a = out.get(r.agent) ?? { sent: 0, verified: 0, byVerdict: {} };
    a.sent += 1;
    if (r.verified) a.verified += 1;
    for (const v of r.verdicts) a.byVerdict[v] = (a.byVerdict[v] ?? 0) + 1;
    out.set(r.agent, a);
  }
  return out;
}

function referenceEdges(rows: Row[]) {
  const out = new Map<string, { total: number; verified: number; byVerdict: Record<string, number>; lastSeen: number }>();
  for (const r of rows) {
    if (r.kind !== "message") continue;
    for (const x of r.receivers) {
      const key = `${r.agent}->${x}`;
      const e = out.get(key) ?? { total: 0, verified: 0, byVerdict: {}, lastSeen: -Infinity };
      e.total += 1;
      if (r.verified) e.verified += 1;
      for (const v of r.verdicts) e.byVerdict[v] = (e.byVerdict[v] ?? 0) + 1;
      e.lastSeen = Math.max(e.lastSeen, r.ms);
      out.set(key, e);
    }
  }
  return out;
}

/** Records, verified and failed per step-aligned bucket. */
function referenceSeries(rows: Row[], step: number) {
  const out = new Map<number, { records: number; verified: number; failed: number }>();
  for (const r of rows) {
    const b = Math.floor(r.ms / step) * step;
    const s = out.get(b) ?? { records: 0, verified: 0, failed: 0 };
    s.records += 1;
    if (r.verified) s.verified += 1;
    else if (!r.verdicts.includes("pending")) s.failed += 1;
    out.set(b, s);
  }
  return out;
}

const VERDICTS: Verdict[][] = [["verified"], ["verified"], ["verified"], ["bad_signature"], ["replay", "unknown_intent"], ["pending"]];

describe("window counts equal a count over every record", () => {
  let tdb: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let prisma: ReturnType<typeof createPrisma>;

  const stored = async (): Promise<Row[]> =>
    (
      await pool.query<Omit<Row, "ms"> & { ms: string }>(
        `SELECT kind, agent, receivers, verdicts, verified, floor(extract(epoch FROM ts) * 1000)::bigint::text AS ms FROM records WHERE project_id = 'default'`,
      )
    ).rows.map((r) => ({ ...r, ms: Number(r.ms) }));

  async function expectExact(label: string, q: { from?: string; to?: string; window?: string }): Promise<void> {
    const rows = await stored();
    const agents = await agentsSummary(prisma, "default", q, NOW);
    const w = inWindow(rows, new Date(agents.from), new Date(agents.to));
    const refAgents = referenceAgents(w);
    const got = agents.items.filter((a) => a.sent > 0);
    expect(Object.fromEntries(got.map((a) => [a.id, { sent: a.sent, verified: a.verified, byVerdict: a.byVerdict }])), `${label} agents`).toEqual(Object.fromEntries(refAgents));

    const edges = await edgeSummary(prisma, "default", q, NOW);
    const refEdges = referenceEdges(w);
    expect(
      Object.fromEntries(edges.items.map((e) => [`${e.sender}->${e.receiver}`, { total: e.total, verified: e.verified, byVerdict: e.byVerdict, lastSeen: Date.parse(e.lastSeen) }])),
      `${label} edges`,
    ).toEqual(Object.fromEntries(refEdges));

    const overview = await fleetOverview(pool, "default", q, NOW);
    const series = referenceSeries(w, overview.series.stepMs);
    for (const b of overview.series.buckets) {
      const ref = series.get(Date.parse(b.at)) ?? { records: 0, verified: 0, failed: 0 };
      expect({ records: b.records, verified: b.verified, failed: b.failed }, `${label} fleet ${b.at}`).toEqual(ref);
    }
    expect(overview.series.buckets.reduce((s, b) => s + b.records, 0), `${label} fleet total`).toBe(w.length);

    const act = await activity(pool, "default", { ...q, agent: "alpha" }, NOW);
    expect(act.buckets.reduce((s, b) => s + b.records, 0), `${label} alpha`).toBe(w.filter((r) => r.agent === "alpha").length);
    // An edge's series counts each message once, however often it names the receiver.
    const edge = await activity(pool, "default", { ...q, sender: "alpha", receiver: "bravo" }, NOW);
    const onEdge = w.filter((r) => r.kind === "message" && r.agent === "alpha" && r.receivers.includes("bravo"));
    const edgeSeries = referenceSeries(onEdge, edge.stepMs);
    for (const b of edge.buckets) expect({ records: b.records, verified: b.verified, failed: b.failed }, `${label} edge ${b.at}`).toEqual(edgeSeries.get(Date.parse(b.at)) ?? { records: 0, verified: 0, failed: 0 });
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    pool = createPool(tdb.url, 3);
    prisma = createPrisma(tdb.url, { max: 2 });
    const prng = new Prng("window counts exact");
    const records = Array.from({ length: 900 }, (_, i) => {
      const agent = AGENTS[prng.int(AGENTS.length)]!;
      const others = AGENTS.filter((a) => a !== agent);
      const receivers = Array.from({ length: 1 + prng.int(2) }, () => others[prng.int(others.length)]!);
      if (prng.chance(0.05)) receivers.push(receivers[0]!);
      const v = VERDICTS[prng.int(VERDICTS.length)]!;
      return storedRecord({
        kind: prng.chance(0.85) ? "message" : "state.write",
        agent,
        receivers,
        // Most in the last two hours, so minutes hold several records each.
        ts: new Date(NOW.getTime() - (prng.chance(0.8) ? prng.int(2 * HOUR) : prng.int(48 * HOUR)) - 1),
        verdicts: verdicts(...v),
        pendingOn: v[0] === "pending" ? [`parent-${i}`] : [],
      });
    });
    await insertStoredRecords(pool, records);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await pool.end();
    await tdb.drop();
  });

  it("for live, replayed and odd windows, before and after the merge, and after records settle", async () => {
    const { rows } = await pool.query<{ ms: string }>(`SELECT floor(extract(epoch FROM ts) * 1000)::bigint::text AS ms FROM records ORDER BY ts LIMIT 1 OFFSET 450`);
    const onRecord = Number(rows[0]!.ms);
    const iso = (ms: number) => new Date(ms).toISOString();
    const windows: [string, { from?: string; to?: string; window?: string }][] = [
      ["live 1h", { window: "1h" }],
      ["live 24h", { window: "24h" }],
      ["live 7d", { window: "7d" }],
      ["mid-minute ends", { from: iso(NOW.getTime() - 97 * MIN - 12_345), to: iso(NOW.getTime() - 3 * MIN - 45_678) }],
      ["on a record", { from: iso(onRecord), to: iso(onRecord + 30 * MIN) }],
      ["ending on a record", { from: iso(onRecord - 30 * MIN + 1), to: iso(onRecord) }],
      ["inside one minute", { from: iso(onRecord - 20_000), to: iso(onRecord + 20_000) }],
      ["on minutes", { from: iso(NOW.getTime() - 90 * MIN), to: iso(NOW.getTime() - 10 * MIN) }],
    ];
    for (const [label, q] of windows) await expectExact(`${label}, unmerged`, q);
    expect((await mergeAllTallies(pool)).minutes).toBeGreaterThan(50);
    for (const [label, q] of windows) await expectExact(`${label}, merged`, q);
    const settled = await pool.query(
      `UPDATE records SET verdicts = CASE WHEN seq % 2 = 0 THEN ARRAY['verified'] ELSE ARRAY['replay'] END, verified = seq % 2 = 0, pending_on = '{}', pending_since = NULL
        WHERE cardinality(pending_on) > 0`,
    );
    expect(settled.rowCount).toBeGreaterThan(50);
    for (const [label, q] of windows) await expectExact(`${label}, settled`, q);
    await mergeAllTallies(pool);
    for (const [label, q] of windows) await expectExact(`${label}, settled and merged`, q);
  });
});
