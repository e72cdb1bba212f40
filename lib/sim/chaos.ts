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
import type { GuardCaps } from "../guard/policy.ts";
import { EnforcementWatch } from "./enforcement.ts";
import { FAULT_NAMES, FAULTS, type FaultName } from "./faults/catalog.ts";
import type { FaultSpec } from "./faults/schedule.ts";
import type { Fleet, SimRegistrar } from "./fleet.ts";
import type { GroundTruth } from "./ground-truth.ts";
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
 * 13 h for software delivery). 24 h, FIREBREAK_SKEW_MS's largest value.
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
  // A ticket every 30 minutes: 22 tickets.
  "software-delivery": { duration: 770 * MIN, at: 660 * MIN },
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
  row: ChaosRow;
}

export interface ChaosOptions {
  seed: string;
  /** Simulated ms per real ms; default unpaced. Enforced runs are paced so the engine can act while the cascade is under way. */
  speed?: number;
  concurrency?: number;
  engine?: EngineObserver;
  /** How long to wait for a run's records to be stored and settled. */
  settleTimeoutMs?: number;
  onResult?: (result: ChaosResult) => void | Promise<void>;
  log?: (line: string) => void;
}

export async function runChaos(conn: FirebreakConnection, plan: readonly ChaosCase[], options: ChaosOptions): Promise<ChaosResult[]> {
  const engine = options.engine ?? NO_ENGINE;
  const log = options.log ?? (() => {});
  const runs: { c: ChaosCase; run: SimRun; control: { policy: ControlPlanePolicy | null } }[] = plan.map((c) => {
    const control: { policy: ControlPlanePolicy | null } = { policy: null };
    const makePolicy = conn.policy;
    return {
    c,
    control,
    run: createRun({
      ...(makePolicy ? { policy: (caps: GuardCaps) => (control.policy = makePolicy(caps)) } : {}),
      scenario: c.scenario,
      seed: `${options.seed}/${c.namespace}`,
      namespace: c.namespace,
      params: c.params,
      faults: [c.spec],
      duration: c.duration,
      clock: { mode: "live", stamps: "simulated", ...(options.speed !== undefined ? { speed: options.speed } : {}) },
      skewMs: CHAOS_SKEW_MS,
      sink: conn.sink(),
      // Export often: time to first flag should measure Firebreak, not the simulator's buffer.
      flushEveryMs: 50,
      allowUnattested: conn.allowUnattested,
      ...(conn.registrar ? { registrar: conn.registrar } : {}),
    }),
    };
  });
  log(`registering ${runs.length} fleets (${runs.reduce((n, r) => n + r.run.fleet.entries.length, 0)} agents)`);
  for (const { run } of runs) await conn.register(run.fleet);
  await conn.registryReady();

  const results: ChaosResult[] = new Array<ChaosResult>(runs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      const { c, run, control } = runs[i] as (typeof runs)[number];
      await control.policy?.start(30_000);
      const watch = control.policy ? new EnforcementWatch(control.policy) : null;
      const { truth, world } = await run.start().finally(() => {
        watch?.close();
        return control.policy?.close();
      });
      await world.sink.shutdown();
      const stored = await fetchSettled(conn.verdicts, truth, { timeoutMs: options.settleTimeoutMs ?? 60_000 });
      const score = scoreRun(truth, stored, (h) => world.emittedAt.get(h));
      const fs = score.faults[0];
      const ft = truth.faults[0];
      if (!fs || !ft) throw new Error(`run ${c.namespace} has no fault`);
      const observed = engine.available ? await engine.observe({ namespace: c.namespace, truth, fault: ft, score: fs, stored, ...(watch ? { firstRefused: watch.firstRefused } : {}) }) : null;
      const result: ChaosResult = { case: c, truth, score, engine: observed, row: chaosRow(c.scenario, fs, ft.corrupted.length, score, observed, engine.available) };
      results[i] = result;
      await options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, runs.length)) }, worker));
  return results;
}
