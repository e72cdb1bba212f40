// `npm run chaos`: every scenario with every fault against a running
// Firebreak; prints, per fault, the records injected, how many the door
// flagged and how fast, and what the engine made of it: its first flag, the
// first breaker trip and how much was decided before it, whether lineage
// found where the fault entered, and its blast radius against the truth.
// The engine's answers are read from Firebreak's database (DATABASE_URL, or
// the embedded server of `npm start` on this data folder), once the engine
// loop the collectors run has judged every record of the run. Ground truths
// go to --out.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { CHAOS_SKEW_MS, chaosPlan, ENFORCED_SPEED, runChaos, type ChaosResult } from "../lib/sim/chaos.ts";
import { apiConnection } from "../lib/sim/connection.ts";
import { FAULT_NAMES, isFaultName, type FaultName } from "../lib/sim/faults/catalog.ts";
import { writeGroundTruth } from "../lib/sim/ground-truth-file.ts";
import { resolveDataDir } from "../lib/config/data-dir.ts";
import { databaseEngineSource, scoringPool } from "../lib/db/chaos-engine-source.ts";
import { ControlPlanePolicy } from "../lib/guard/control-plane-policy.ts";
import { embeddedUrl } from "../lib/db/embedded-url.ts";
import { engineObserver } from "../lib/sim/engine-observer.ts";
import { cleanFlagSummary } from "../lib/sim/clean-flags.ts";
import { formatTable, NO_ENGINE, type EngineObserver } from "../lib/sim/report.ts";
import { SCENARIOS, scenarioByName } from "../lib/sim/scenarios/index.ts";
import { parseSimEnv, resolveTarget, waitForFirebreak } from "../lib/sim/target.ts";

const HELP = `npm run chaos -- [options]

  --scenario NAME    only this scenario (repeatable; default all: ${SCENARIOS.map((s) => s.name).join(", ")})
  --fault NAME       only this fault (repeatable; default all ${FAULT_NAMES.length})
  --variants         every variant of every fault, not just the default one
  --seed TEXT        reproduces the runs (default: random, printed)
  --concurrency N    runs at once (default 4)
  --out DIR          ground truths and chaos.json (default test-output/chaos/<tag>)
  --enforce          each run gets an enforced twin (same seed) whose guards obey the control plane
                     (GET /api/v1/control/stream), paced at --speed from the cycle before its fault, so
                     the engine's breakers bite while the cascade is under way; adds the time from trip
                     to enforcement and the share of downstream decisions poisoned with enforcement
  --speed N          simulated seconds per real second for enforced twins (default ${ENFORCED_SPEED})

Chaos stamps records with simulated time, up to ~13 h ahead of the wall clock: start Firebreak with
FIREBREAK_SKEW_MS=${CHAOS_SKEW_MS} (docs/simulator.md), or every record is flagged "future".
  --engine MODE      auto (default): score the engine from Firebreak's database, DATABASE_URL or the
                     embedded server of \`npm start\` on this data folder, when there is one; db: require it;
                     off: door columns only
  --api URL / --endpoint URL / --token TOKEN   as for npm run simulate`;

const { values } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true, default: [] },
    fault: { type: "string", multiple: true, default: [] },
    variants: { type: "boolean", default: false },
    seed: { type: "string" },
    concurrency: { type: "string", default: "4" },
    out: { type: "string" },
    api: { type: "string" },
    endpoint: { type: "string" },
    token: { type: "string" },
    engine: { type: "string", default: "auto" },
    enforce: { type: "boolean", default: false },
    speed: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  const scenarios = values.scenario.length > 0 ? values.scenario.map((s) => scenarioByName(s).name) : undefined;
  const faults: FaultName[] | undefined =
    values.fault.length > 0
      ? values.fault.map((f) => {
          if (!isFaultName(f)) throw new Error(`--fault ${JSON.stringify(f)} is not one of ${FAULT_NAMES.join(", ")}`);
          return f;
        })
      : undefined;
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("--concurrency must be a whole number of at least 1");
  const seed = values.seed ?? Math.floor(Math.random() * 1e9).toString(36);
  const tag = `chaos-${Date.now().toString(36)}`;
  const outDir = values.out ?? path.join("test-output", "chaos", tag);
  const target = resolveTarget({ api: values.api, endpoint: values.endpoint, token: values.token }, parseSimEnv(process.env));
  await waitForFirebreak(target, 30_000);

  const engine = connectEngine(values.engine);
  console.log(`[chaos] engine: ${engine.note}`);

  const plan = chaosPlan({ ...(scenarios ? { scenarios } : {}), ...(faults ? { faults } : {}), variants: values.variants, tag });
  console.log(`[chaos] ${plan.length} runs against ${target.apiBase} (collector ${target.collector}), seed ${seed}, tag ${tag}`);
  let done = 0;
  const started = Date.now();
  const conn = apiConnection(target);
  if (values.enforce) conn.policy = (caps) => new ControlPlanePolicy({ baseUrl: target.apiBase, token: target.token, caps });
  const speed = values.speed === undefined ? ENFORCED_SPEED : Number(values.speed);
  if (!(speed > 0)) throw new Error("--speed must be a positive number of simulated seconds per real second");
  const results = await runChaos(conn, plan, {
    seed,
    enforcedSpeed: speed,
    concurrency,
    engine: engine.observer,
    log: (line) => console.log(`[chaos] ${line}`),
    onResult: async (r) => {
      done++;
      await writeGroundTruth(path.join(outDir, `${r.case.namespace}.json`), r.truth);
      console.log(`[chaos] ${done}/${plan.length} ${r.case.scenario} ${r.case.fault}/${r.case.variant}: ${r.row.flagged} flagged, first flag ${r.row.firstFlag}`);
    },
  }).finally(() => engine.close());
  const rows = results.map((r) => r.row);
  console.log(`\n${formatTable(rows)}\n`);
  const door = results.filter((r) => r.row.detection === "door");
  const doorMissed = door.reduce((n, r) => n + (r.score.faults[0]?.missed.length ?? 0), 0);
  const falseFlags = results.reduce((n, r) => n + r.score.clean.flagged, 0);
  const skewed = results.reduce((n, r) => n + r.score.clean.falseFlags.filter((f) => f.verdicts.some((v) => v === "future" || v === "stale")).length, 0);
  if (skewed > 0) console.log(`[chaos] ${skewed} clean record(s) were judged "future" or "stale": this Firebreak allows less skew than chaos needs; restart it with FIREBREAK_SKEW_MS=${CHAOS_SKEW_MS}`);
  console.log(`[chaos] door faults: ${doorMissed} injected record(s) not flagged; clean records flagged: ${falseFlags}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (engine.observer.available) for (const line of engineSummary(results)) console.log(`[chaos] ${line}`);
  else console.log("[chaos] no engine to score: faults only an engine can see show as not yet detected.");
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, "chaos.json"), `${JSON.stringify({ seed, tag, rows, scores: results.map((r) => ({ case: r.case, score: r.score, engine: r.engine })) }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 1)}\n`);
  console.log(`[chaos] ground truths and chaos.json in ${outDir}`);
  if (doorMissed > 0 || falseFlags > 0) process.exitCode = 1;
}

/** The engine observer over Firebreak's database, or none (the engine columns then say so). */
function connectEngine(mode: string): { observer: EngineObserver; note: string; close: () => Promise<void> } {
  const none = (note: string) => ({ observer: NO_ENGINE, note, close: async () => {} });
  if (mode === "off") return none("off (--engine off)");
  if (mode !== "auto" && mode !== "db") throw new Error(`--engine must be auto, db or off, not ${JSON.stringify(mode)}`);
  let url: string;
  try {
    url = process.env.DATABASE_URL ?? embeddedUrl(resolveDataDir(process.env.FIREBREAK_DATA_DIR));
  } catch (err) {
    if (mode === "db") throw err;
    return none(`not scored: ${(err as Error).message}`);
  }
  const pool = scoringPool(url);
  return {
    observer: engineObserver(databaseEngineSource(pool), { catchUpTimeoutMs: 120_000 }),
    note: `scored from the database${process.env.DATABASE_URL ? " at DATABASE_URL" : " of this data folder"}, once the engine has judged each run`,
    close: () => pool.end(),
  };
}

/** What the engine's columns add up to, and why origins were missed. */
function engineSummary(results: readonly ChaosResult[]): string[] {
  const misses = new Map<string, number>();
  let found = 0;
  let traced = 0;
  const faultsFound = results.filter((r) => r.engine && r.engine.origin.total > 0 && r.engine.origin.found === r.engine.origin.total).length;
  const withOrigins = results.filter((r) => r.engine && r.engine.origin.total > 0).length;
  const perfect = results.filter((r) => r.engine && r.engine.blast.truth > 0 && r.engine.blast.precision === 1 && r.engine.blast.recall === 1).length;
  const withDownstream = results.filter((r) => r.engine && r.engine.blast.truth > 0).length;
  const detectors = new Map<string, number>();
  const rules = new Map<string, number>();
  const upstream = new Set<string>();
  let cleanFlagged = 0;
  let clean = 0;
  for (const r of results) {
    if (!r.engine) continue;
    found += r.engine.origin.found;
    traced += r.engine.origin.total;
    for (const m of r.engine.origin.misses) misses.set(m.miss ?? "?", (misses.get(m.miss ?? "?") ?? 0) + 1);
    cleanFlagged += r.engine.cleanFlagged.flagged;
    clean += r.engine.cleanFlagged.total;
    for (const [d, n] of Object.entries(r.engine.cleanFlagged.byDetector)) detectors.set(d, (detectors.get(d) ?? 0) + n);
    for (const [k, n] of cleanFlagSummary(r.engine.cleanFlagged.flags)) rules.set(k, (rules.get(k) ?? 0) + n);
    for (const f of r.engine.cleanFlagged.flags) if (f.relation === "upstream") upstream.add(`${r.case.namespace}/${f.recordId}`);
  }
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
  const contained = results
    .filter((r) => r.enforced && r.enforced.containment.decisions > 0)
    .map((r) => `${r.case.scenario}/${r.case.fault} ${r.row.poisonedUncontained} -> ${r.row.poisonedEnforced} (trip to enforcement ${r.row.enforced})`);
  return [
    ...(contained.length > 0 ? [`containment, downstream decisions poisoned uncontained -> enforced: ${contained.join("; ")}`] : []),
    `origin: true origin found in ${faultsFound}/${withOrigins} faults (${found}/${traced} traces); misses: ${list(misses)} (masked: a flag upstream the fault never touched; unflagged: nothing flagged upstream; late: flagged below where it entered)`,
    `blast radius: precision and recall 1.0 in ${perfect}/${withDownstream} faults with a downstream`,
    `engine findings on clean records: ${cleanFlagged}/${clean} (${list(detectors)}); ${upstream.size} upstream of a fault`,
    `clean records flagged by detector/rule and field: ${list(rules)} (each one in chaos.json, scores[].engine.cleanFlagged.flags)`,
  ];
}

main().catch((err: unknown) => {
  console.error(`[chaos] ${(err as Error).message}`);
  process.exit(1);
});
