// `npm run chaos`: every scenario with every fault against a running
// Firebreak, one short run per (scenario, fault), each in its own namespace
// so runs neither collide nor share state. All fleets are registered first
// (the collector picks a registry change up within a second), then the runs
// go, a few at a time. Record time follows simulated time (a 15-minute cycle
// is 15 minutes apart in firebreak.timestamp, however fast it was replayed),
// so the engine's caps and baselines, which measure record time, see the
// fleet's real rhythm rather than hours squeezed into seconds. Those stamps
// run ahead of the wall clock by up to a run's length: the collector must
// allow CHAOS_SKEW_MS of skew (FIREBREAK_SKEW_MS; docs/simulator.md).
import type { ControlPlanePolicy } from "../guard/control-plane-policy.ts";
import type { LineageGate } from "../guard/lineage-source.ts";
import type { GuardCaps } from "../guard/policy.ts";
import { EnforcementWatch } from "./enforcement.ts";
import { FAULT_NAMES, FAULTS, type FaultName } from "./faults/catalog.ts";
import type { FaultSpec } from "./faults/schedule.ts";
import type { Fleet, SimRegistrar } from "./fleet.ts";
import type { GroundTruth } from "./ground-truth.ts";
import { containmentShares, downstreamDecisions, type ContainmentShares, type DownstreamDecisions } from "./containment.ts";
import { chaosRow, NO_ENGINE, type ChaosRow, type EngineObservation, type EngineObserver } from "./report.ts";
import { createRun, type SimRun } from "./runner.ts";
import { SCENARIOS } from "./scenarios/index.ts";
import { fetchSettled, scoreRun, type RunScore } from "./score.ts";
import type { RecordSink } from "./sink.ts";
import type { VerdictSource } from "./verdicts.ts";

const MIN = 60_000;

/**
 * The skew a collector must allow for chaos runs: their record time runs
 * ahead of the wall clock by up to the longest run's simulated length (about
 * 14 h for software delivery). 24 h, FIREBREAK_SKEW_MS's largest value.
 */
export const CHAOS_SKEW_MS = 24 * 60 * MIN;

/**
 * Per scenario: how long a chaos run lasts, when its fault fires, and lighter
 * parameters where the default is heavy. The fault waits for a warm-up of
 * clean cycles long enough for every baseline the engine keeps to be usable
 * (semantic_deviation judges from 20 values per agent, intent and field:
 * twenty feed reads), as in a fleet that ran for a while before trouble came.
 * Simulated time is cheap: a quiet cycle is a handful of records, and chaos
 * runs unpaced.
 */
export const CHAOS_TIMING: Readonly<Record<string, { duration: number; at: number; params?: Record<string, number> }>> = {
  // A cycle every 15 minutes: 22 cycles of warm-up.
  procurement: { duration: 405 * MIN, at: 330 * MIN },
  // A ticket every 30 minutes: 22 tickets, and 6 after the fault: a loop of
  // the coder's changes is reported once 4 of them are past the usual range
  // (ADR 0035), and its first amplified change may not be (ADR 0055).
  "software-delivery": { duration: 830 * MIN, at: 660 * MIN },
  // Every trader reads the market every 5 minutes: 24 cycles.
  trading: { duration: 180 * MIN, at: 120 * MIN },
  // Two tasks a minute over a few roots.
  synthetic: { duration: 50 * MIN, at: 30 * MIN, params: { rate: 2 } },
};

/** How Firebreak is reached: the HTTP API and collector for `npm run chaos`, the test harness in tests. */
export interface FirebreakConnection {
  register(fleet: Fleet): Promise<void>;
  /** Waits until the collector judges with the fleets just registered. */
  registryReady(): Promise<void>;
  sink(): RecordSink;
  verdicts: VerdictSource;
  allowUnattested: boolean;
  registrar?: SimRegistrar;
  /** When set, each run's guards obey the control plane, so the engine's breakers are enforced during the run. */
  policy?: (caps: GuardCaps) => ControlPlanePolicy;
}

export interface ChaosCase {
  scenario: string;
  fault: FaultName;
  variant: string;
  spec: FaultSpec;
  duration: number;
  params: Record<string, number>;
  namespace: string;
}

export interface ChaosPlanOptions {
  scenarios?: readonly string[];
  faults?: readonly FaultName[];
  /** Every variant of every fault, not just the default one. */
  variants?: boolean;
  /** Distinguishes this chaos run's namespaces from earlier ones against the same Firebreak. */
  tag: string;
}

export function chaosPlan(options: ChaosPlanOptions): ChaosCase[] {
  const scenarios = options.scenarios ?? SCENARIOS.map((s) => s.name);
  const faults = options.faults ?? FAULT_NAMES;
  const out: ChaosCase[] = [];
  for (const scenario of scenarios) {
    const timing = CHAOS_TIMING[scenario];
    if (!timing) throw new Error(`no chaos timing for scenario ${scenario}`);
    for (const fault of faults) {
      const variants = options.variants ? FAULTS[fault].variants : FAULTS[fault].variants.slice(0, 1);
      for (const v of variants) {
        out.push({
          scenario,
          fault,
          variant: v.name,
          spec: { fault, at: timing.at, variant: v.name },
          duration: timing.duration,
          params: { ...timing.params },
          namespace: `${options.tag}-${abbrev(scenario)}-${fault}${options.variants ? `-${v.name}` : ""}`,
        });
      }
    }
  }
  return out;
}

function abbrev(scenario: string): string {
  return scenario
    .split("-")
    .map((w) => w.slice(0, 4))
    .join("");
}

export interface ChaosResult {
  case: ChaosCase;
  truth: GroundTruth;
  score: RunScore;
  /** What the engine made of the fault; null without an engine. */
  engine: EngineObservation | null;
  /** The twin run whose guards obeyed the control plane (`--enforce`); null otherwise. */
  enforced: EnforcedRun | null;
  row: ChaosRow;
}

export interface EnforcedRun {
  namespace: string;
  truth: GroundTruth;
  /** From the engine committing the first trip on the fault's path to the guards refusing on it, wall ms. */
  enforcementMs: number | null;
  containment: ContainmentShares;
}

export interface ChaosOptions {
  seed: string;
  /**
   * Simulated ms per real ms for the enforced twin from a little before its
   * fault on (ENFORCED_SPEED): the engine must act while the cascade is
   * under way, as it would on a live fleet. Everything else runs unpaced.
   */
  enforcedSpeed?: number;
  concurrency?: number;
  engine?: EngineObserver;
  /** How long to wait for a run's records to be stored and settled. */
  settleTimeoutMs?: number;
  onResult?: (result: ChaosResult) => void | Promise<void>;
  log?: (line: string) => void;
}

/**
 * 60 simulated seconds a second: a procurement cycle (15 minutes) takes 15
 * real seconds, a trading round (5 minutes) 5, against an engine that judges
 * within a second or two on a quiet machine.
 */
export const ENFORCED_SPEED = 60;
/**
 * The enforced twin's lineage gate (GuardOptions.lineageGate), as an
 * operator running Firebreak in front of consequential actions would set it
 * (the demo's fleet runs with it too): yellow actions wait until the engine
 * has judged what they descend from; red ones are re-checked once approved.
 */
export const ENFORCED_GATE: LineageGate = Object.freeze({ classes: ["yellow"] as const });
/** The enforced twin runs paced from this long before its fault: the cycle before it, judged in real time. */
const PACED_BEFORE_FAULT = 15 * MIN;

interface PlannedRun {
  c: ChaosCase;
  run: SimRun;
  /** The enforced twin: same seed, its own namespace, guards on the control plane. */
  twin: { run: SimRun; control: { policy: ControlPlanePolicy | null } } | null;
}

export async function runChaos(conn: FirebreakConnection, plan: readonly ChaosCase[], options: ChaosOptions): Promise<ChaosResult[]> {
  const engine = options.engine ?? NO_ENGINE;
  const log = options.log ?? (() => {});
  const base = (c: ChaosCase, namespace: string) => ({
    scenario: c.scenario,
    // One seed for a case and its twin: they are the same run until the engine's breakers bite.
    seed: `${options.seed}/${c.namespace}`,
    namespace,
    params: c.params,
    faults: [c.spec],
    duration: c.duration,
    sink: conn.sink(),
    // Export often: time to first flag should measure Firebreak, not the simulator's buffer.
    flushEveryMs: 50,
    skewMs: CHAOS_SKEW_MS,
    allowUnattested: conn.allowUnattested,
    ...(conn.registrar ? { registrar: conn.registrar } : {}),
  });
  const runs: PlannedRun[] = plan.map((c) => {
    const run = createRun({ ...base(c, c.namespace), clock: { mode: "live", stamps: "simulated" } });
    const makePolicy = conn.policy;
    if (!makePolicy) return { c, run, twin: null };
    const control: { policy: ControlPlanePolicy | null } = { policy: null };
    const namespace = `${c.namespace}-enf`;
    const twinRun: SimRun = createRun({
      ...base(c, namespace),
      policy: (caps: GuardCaps) => (control.policy = makePolicy(caps)),
      lineage: () => (control.policy === null ? null : { source: control.policy.lineage(), gate: ENFORCED_GATE }),
      clock: {
        mode: "live",
        stamps: "simulated",
        speed: options.enforcedSpeed ?? ENFORCED_SPEED,
        pacedFrom: Math.max(0, c.spec.at - PACED_BEFORE_FAULT),
        // The warm-up went unpaced: the engine judges it before the paced part starts.
        before: async () => {
          await twinRun.world.sink.flush();
          await engine.caughtUp(twinRun.fleet.entries.map((e) => e.id));
        },
      },
    });
    return { c, run, twin: { run: twinRun, control } };
  });
  const fleets = runs.flatMap((r) => (r.twin ? [r.run.fleet, r.twin.run.fleet] : [r.run.fleet]));
  log(`registering ${fleets.length} fleets (${fleets.reduce((n, f) => n + f.entries.length, 0)} agents)`);
  for (const fleet of fleets) await conn.register(fleet);
  await conn.registryReady();

  const settle = async (run: SimRun) => {
    const { truth, world } = await run.start();
    await world.sink.shutdown();
    const stored = await fetchSettled(conn.verdicts, truth, { timeoutMs: options.settleTimeoutMs ?? 60_000 });
    return { truth, world, stored };
  };
  const results: ChaosResult[] = new Array<ChaosResult>(runs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      const { c, run, twin } = runs[i] as PlannedRun;
      const { truth, world, stored } = await settle(run);
      const score = scoreRun(truth, stored, (h) => world.emittedAt.get(h));
      const fs = score.faults[0];
      const ft = truth.faults[0];
      if (!fs || !ft) throw new Error(`run ${c.namespace} has no fault`);
      const observed = engine.available ? await engine.observe({ namespace: c.namespace, truth, fault: ft, score: fs, stored }) : null;
      const uncontained = downstreamDecisions(truth, ft);
      const enforced = twin ? await runEnforced(twin, c, uncontained) : null;
      const row = chaosRow(c.scenario, fs, ft.corrupted.length, score, observed, engine.available, {
        containment: enforced?.containment ?? containmentShares(uncontained, null),
        enforcementMs: enforced ? enforced.enforcementMs : undefined,
      });
      const result: ChaosResult = { case: c, truth, score, engine: observed, enforced, row };
      results[i] = result;
      await options.onResult?.(result);
    }
  };
  const runEnforced = async (twin: NonNullable<PlannedRun["twin"]>, c: ChaosCase, uncontained: DownstreamDecisions): Promise<EnforcedRun> => {
    const { run, control } = twin;
    const policy = control.policy;
    if (!policy) throw new Error(`the enforced twin of ${c.namespace} has no control-plane policy`);
    await policy.start(30_000);
    const watch = new EnforcementWatch(policy);
    const done = await settle(run).finally(() => {
      watch.close();
      return policy.close();
    });
    const ft = done.truth.faults[0];
    const fs = scoreRun(done.truth, done.stored, (h) => done.world.emittedAt.get(h)).faults[0];
    if (!ft || !fs) throw new Error(`run ${run.world.fleet.namespace} has no fault`);
    const enforcementMs = engine.available
      ? await engine.enforcement({ namespace: done.truth.namespace, truth: done.truth, fault: ft, score: fs, stored: done.stored, firstRefused: watch.firstRefused })
      : null;
    return { namespace: done.truth.namespace, truth: done.truth, enforcementMs, containment: containmentShares(uncontained, downstreamDecisions(done.truth, ft)) };
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, runs.length)) }, worker));
  return results;
}
