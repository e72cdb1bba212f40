// npm run chaos:loops  (env LOOP_SEEDS=s1,s2,... LOOP_SCENARIOS=trading,procurement LOOP_OUT=file.jsonl LOOP_DUMP=dir)
//
// The chaos feedback-loop faults over several seeds, one run at a time, the
// way test/integration/sim/chaos-origins.test.ts runs its cases (runChaos
// against the harness collector, the engine's passes drained from here): for
// each seed and loop, how many origin traces lineage found, and where the
// misses point (the record every missed trace returned, in minutes from the
// loop's true first round). A measurement, not part of `npm test`: a run of
// both loops takes 20-60 s. It fails only if a loop's fault did not fire or
// the engine flagged none of its records. LOOP_DUMP writes each run's
// records (as the detectors' window holds them), the findings naming each, and its true origins to
// <dir>/<seed>-<scenario>.json, to replay feedback_loop without the fleet.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { parsePayload } from "@/lib/db/evaluator-store.ts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { CHAOS_SKEW_MS, chaosPlan, runChaos, type ChaosResult } from "@/lib/sim/chaos.ts";
import { startHarness, type Harness } from "../integration/collector/collector-harness.ts";
import { drainingEngine, harnessConnection } from "../integration/sim/harness-connection.ts";

const SEEDS = (process.env.LOOP_SEEDS ?? "s1,s2,s3,s4,s5,s6,s7,s8").split(",");
const SCENARIOS = (process.env.LOOP_SCENARIOS ?? "trading,procurement").split(",");

let h: Harness;
let prisma: PrismaClient;

beforeAll(async () => {
  h = await startHarness({ skewMs: CHAOS_SKEW_MS });
  prisma = createPrisma(h.db.url);
}, 600_000);

afterAll(async () => {
  await prisma.$disconnect();
  await h.close();
});

/** The records missed traces returned most, each with its agent, intent and minutes from the loop's first true origin. */
function missesPointAt(r: ChaosResult): string[] {
  const e = r.engine!;
  const truth = new Map(r.truth.records.map((x) => [x.id, x]));
  const fault = r.truth.faults[0]!;
  const first = Math.min(...fault.origin.records.map((x) => truth.get(x.id)?.simTime ?? Number.POSITIVE_INFINITY));
  const counts = new Map<string, number>();
  for (const m of e.origin.misses) for (const id of m.returned) counts.set(id, (counts.get(id) ?? 0) + 1);
  // Each SKU's traces return its own order: the records returned most, within half of the most.
  const most = Math.max(0, ...counts.values());
  return [...counts]
    .filter(([, n]) => n >= most / 2)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([id]) => {
      const t = truth.get(id);
      if (!t) return id;
      const agent = t.agent.slice(t.agent.lastIndexOf(".") + 1);
      return `${agent} ${t.kind} ${t.intent ?? ""} ${((t.simTime - first) / 60_000).toFixed(0)} min (${t.status})`;
    });
}

/** The run's records as feedback_loop's window holds them, in time order, and its fault's origin record ids. */
async function dump(r: ChaosResult, dir: string, name: string): Promise<void> {
  const ids = r.truth.records.map((x) => x.id);
  const rows = await h.pool.query<{ record_id: string; kind: string; agent: string; receivers: string[] | null; intent: string | null; at: number; payload: string | null; parents: string[] | null }>(
    `SELECT record_id, kind, agent, receivers, intent, (extract(epoch FROM ts) * 1000)::float8 AS at, payload, parents FROM records
      WHERE project_id = 'default' AND record_id = ANY($1::text[]) ORDER BY ts, seq`,
    [ids],
  );
  const recs = rows.rows.map((x) => ({ recordId: x.record_id, kind: x.kind, agent: x.agent, receivers: x.receivers ?? [], intent: x.intent, at: x.at, payload: parsePayload(x.payload), parents: x.parents ?? [] }));
  // What flagged each record: the findings that name it, so a miss can be read without the database.
  const named = await h.pool.query<{ record_id: string; detector: string; explanation: string }>(
    `SELECT fr.record_id, f.detector, f.explanation FROM finding_records fr JOIN anomaly_findings f ON f.id = fr.finding_id
      WHERE fr.project_id = 'default' AND fr.record_id = ANY($1::text[]) ORDER BY f.id`,
    [ids],
  );
  const flags: Record<string, string[]> = {};
  for (const x of named.rows) (flags[x.record_id] ??= []).push(`${x.detector}: ${x.explanation}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}.json`, JSON.stringify({ origins: r.truth.faults[0]!.origin.records.map((x) => x.id), recs, flags }));
}

it("runs each loop fault over the seeds", async () => {
  const engine = drainingEngine(h);
  const lines: string[] = [];
  for (const seed of SEEDS) {
    // A tag per seed: each seed's fleets are their own agents.
    const plan = SCENARIOS.flatMap((s) => chaosPlan({ scenarios: [s], faults: ["feedback-loop"], tag: `l${seed}` }));
    const results = await runChaos(harnessConnection(h, prisma, "chaos-loops"), plan, { seed, concurrency: 1, engine });
    for (const r of results) {
      const e = r.engine!;
      expect(r.truth.faults[0]?.fired, r.case.namespace).toBe(true);
      expect(e.flaggedBy.length, r.case.namespace).toBeGreaterThan(0);
      const kinds = [...new Set(e.origin.misses.map((m) => m.miss))].join("/");
      const row = { seed, scenario: r.case.scenario, found: e.origin.found, total: e.origin.total, misses: kinds, pointAt: missesPointAt(r), blast: [e.blast.precision, e.blast.recall] };
      lines.push(`${seed} ${r.case.scenario}: ${row.found}/${row.total}${kinds ? ` ${kinds} at ${row.pointAt.join("; ")}` : ""}`);
      if (process.env.LOOP_DUMP) await dump(r, process.env.LOOP_DUMP, `${seed}-${r.case.scenario}`);
      if (process.env.LOOP_OUT) appendFileSync(process.env.LOOP_OUT, `${JSON.stringify(row)}\n`);
    }
  }
  console.log(lines.join("\n"));
}, 3_600_000);
