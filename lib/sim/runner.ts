// One simulation run: build the fleet, give every agent its guard, install
// the scenario and the fault schedule, run the event loop in simulated time,
// and write down the ground truth. Registering the fleet with a Firebreak is
// the caller's business (createRun, then register `run.fleet`, then
// `run.start()`), so the same run works against the HTTP API, straight
// against a database in tests, or against nothing at all.
import { DEFAULT_CAPS, LocalPolicy, type GuardCaps, type LineageGate, type LineageSource, type PolicySource } from "../guard/index.ts";
import { DEFAULT_SKEW_MS } from "../verify/skew.ts";
import { SimClock, type ClockMode, type StampMode, type Wall } from "./clock.ts";
import type { FaultSpec } from "./faults/schedule.ts";
import { installFaults, type ActiveFault } from "./faults/inject.ts";
import { agentId, buildFleet, type Fleet, type SimRegistrar } from "./fleet.ts";
import { GROUND_TRUTH_VERSION, type FaultTruth, type GroundTruth, type TruthAgent } from "./ground-truth.ts";
import { Prng } from "./prng.ts";
import { Scheduler } from "./scheduler.ts";
import { scenarioByName } from "./scenarios/index.ts";
import { resolveParams, type FaultHooks, type ScenarioContext, type ScenarioDefinition } from "./scenarios/types.ts";
import type { RecordSink } from "./sink.ts";
import type { SimApprovals } from "./server-approvals.ts";
import { World, type ReceiveMode } from "./world.ts";

export interface RunOptions {
  scenario: ScenarioDefinition | string;
  seed: string;
  /** Prefixes agent ids; "" for none. Runs against one Firebreak need different namespaces. */
  namespace: string;
  params?: Readonly<Record<string, number>>;
  faults?: readonly FaultSpec[];
  /** Simulated ms; default: the scenario's. */
  duration?: number;
  clock: { mode: ClockMode; speed?: number; anchor?: number; wall?: Wall; stamps?: StampMode; pacedFrom?: number; before?: () => Promise<void> };
  sink: RecordSink;
  /** What agents do with a record their guard refuses. Default "enforce": drop it. */
  receiveMode?: ReceiveMode;
  /** The collector's skew window, for the guards' own checks. */
  skewMs?: number;
  /** The collector's FIREBREAK_ALLOW_UNATTESTED, so guards judge as it does. Default true. */
  allowUnattested?: boolean;
  registrar?: SimRegistrar;
  /** Guard caps for the whole fleet, over the scenario's (lib/sim/scenarios/types.ts SIM_CAPS). */
  caps?: Partial<GuardCaps>;
  /** Red actions wait in a Firebreak approval queue (lib/sim/server-approvals.ts); default: the simulated approver. */
  serverApprovals?: SimApprovals;
  /**
   * Where every guard's policy comes from, given the fleet's caps; default a
   * LocalPolicy nobody changes. The demo passes the control plane
   * (ControlPlanePolicy), so kills and breakers made in Firebreak bite.
   */
  policy?: (caps: GuardCaps) => PolicySource;
  /**
   * The lineage gate for every guard, given the policy source made above
   * (ControlPlanePolicy.lineage(), say): red actions are re-checked once
   * approved, and the gate's classes wait for a clear lineage.
   */
  lineage?: (policy: PolicySource) => { source: LineageSource; gate?: LineageGate } | null;
  /** Live mode: export at least this often (real ms) so records show up promptly. */
  flushEveryMs?: number;
  signal?: AbortSignal;
  onProgress?: (simTime: number, records: number) => void;
  /** Told when a fault first acts (its first record, or the moment a lasting fault starts). */
  onFaultFired?: (fault: ActiveFault, simTime: number) => void;
}

export interface RunResult {
  truth: GroundTruth;
  world: World;
  faults: ActiveFault[];
}

export interface SimRun {
  readonly fleet: Fleet;
  readonly world: World;
  readonly scenario: ScenarioDefinition;
  readonly duration: number;
  start(): Promise<RunResult>;
}

export function createRun(options: RunOptions): SimRun {
  const scenario = typeof options.scenario === "string" ? scenarioByName(options.scenario) : options.scenario;
  const params = resolveParams(scenario.params, options.params ?? {});
  const ctx: ScenarioContext = { namespace: options.namespace, seed: options.seed, params, id: (role) => agentId(options.namespace, role) };
  const built = scenario.build(ctx);
  const fleet = buildFleet(built.agents, built.contracts, {
    seed: options.seed,
    namespace: options.namespace,
    allowUnattested: options.allowUnattested ?? true,
    ...(options.registrar ? { registrar: options.registrar } : {}),
  });
  const clock = new SimClock({
    mode: options.clock.mode,
    ...(options.clock.speed !== undefined ? { speed: options.clock.speed } : {}),
    ...(options.clock.anchor !== undefined ? { anchor: options.clock.anchor } : {}),
    ...(options.clock.wall ? { wall: options.clock.wall } : {}),
    ...(options.clock.stamps ? { stamps: options.clock.stamps } : {}),
    ...(options.clock.pacedFrom !== undefined ? { pacedFrom: options.clock.pacedFrom } : {}),
    ...(options.clock.before ? { before: options.clock.before } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const skewMs = options.skewMs ?? DEFAULT_SKEW_MS;
  const policy = (options.policy ?? ((caps) => new LocalPolicy({ caps })))({ ...DEFAULT_CAPS, ...built.caps, ...options.caps });
  const lineage = options.lineage?.(policy) ?? null;
  const world = new World({
    fleet,
    seed: `${options.seed}/${options.namespace}`,
    clock,
    scheduler: new Scheduler(),
    prng: new Prng(`${options.seed}/${scenario.name}`),
    sink: options.sink,
    policy,
    ...(lineage !== null ? { lineage } : {}),
    receiveMode: options.receiveMode ?? "enforce",
    skewMs,
    ...(options.serverApprovals ? { serverApprovals: options.serverApprovals } : {}),
  });
  const duration = options.duration ?? scenario.defaults.duration;
  world.stopAfter(duration);
  const hooks = scenario.install(world, ctx);
  const onFired = options.onFaultFired;
  const faults = installFaults(world, hooks, options.faults ?? [], onFired ? (f) => onFired(f, world.now()) : undefined);
  return {
    fleet,
    world,
    scenario,
    duration,
    start: () => runLoop(options, scenario, params, world, hooks, faults, duration),
  };
}

async function runLoop(
  options: RunOptions,
  scenario: ScenarioDefinition,
  params: Readonly<Record<string, number>>,
  world: World,
  _hooks: FaultHooks,
  faults: ActiveFault[],
  duration: number,
): Promise<RunResult> {
  const { clock, scheduler, sink } = world;
  const startedAt = clock.wallNow();
  const flushEvery = options.flushEveryMs ?? 250;
  let lastFlush = clock.wallNow();
  let lastProgress = -Infinity;
  for (;;) {
    const next = scheduler.peekTime();
    if (next === undefined || next > duration || options.signal?.aborted) break;
    const event = scheduler.pop();
    if (event === undefined) break;
    await clock.advanceTo(event.at);
    await event.run();
    const now = clock.wallNow();
    if (sink.pending >= sink.batchSize || (clock.mode === "live" && now - lastFlush >= flushEvery)) {
      await sink.flush();
      lastFlush = clock.wallNow();
    }
    if (options.onProgress && clock.now() - lastProgress >= 60_000) {
      lastProgress = clock.now();
      options.onProgress(clock.now(), world.ledger.size);
    }
  }
  await sink.flush();
  // Actions held in a server queue are released (or refused) in real time; their records belong to this run.
  // A stopped run does not wait: shutdown refuses what is still held.
  if (options.signal?.aborted !== true) await world.settleHeld();
  await sink.flush();
  await world.shutdown();
  // A stopped run covered only part of its schedule: the truth says what happened, not what was planned.
  const covered = options.signal?.aborted === true ? Math.min(duration, clock.now()) : duration;
  const reached = faults.filter((f) => f.spec.at <= covered);
  const truth = groundTruth(options, scenario, params, world, reached, covered, startedAt, clock.wallNow());
  return { truth, world, faults: reached };
}

function groundTruth(
  options: RunOptions,
  scenario: ScenarioDefinition,
  params: Readonly<Record<string, number>>,
  world: World,
  faults: readonly ActiveFault[],
  duration: number,
  startedAt: number,
  finishedAt: number,
): GroundTruth {
  const { ledger, fleet, clock } = world;
  const agents: TruthAgent[] = fleet.specs.map((s) => ({ id: s.id, role: s.role, kind: s.kind }));
  const known = new Set(agents.map((a) => a.id));
  for (const e of ledger.all()) {
    if (!known.has(e.agent)) {
      known.add(e.agent);
      agents.push({ id: e.agent, role: "outsider", kind: "agent" });
    }
  }
  const faultTruths: FaultTruth[] = faults.map((f) => {
    const effects = ledger.faultEffects(f.id);
    const notes = [...f.notes];
    if (f.spec.fault === "agent-crash") {
      const agent = world.find(f.target);
      if (agent) notes.push(`${agent.dropped} deliveries to ${agent.id} were lost while it was down`);
    }
    return {
      id: f.id,
      fault: f.spec.fault,
      variant: f.variant.name,
      detection: f.variant.detection,
      expectedVerdicts: [...f.variant.expect],
      target: f.target,
      at: f.spec.at,
      until: f.until,
      fired: f.firedAt !== null,
      injected: effects.injected,
      corrupted: effects.corrupted,
      origin: { agent: f.originAgent, actor: f.actor, records: effects.origins.map((e) => ({ id: e.id, copy: e.copy })) },
      downstream: effects.downstream,
      notes,
    };
  });
  const records = ledger.truthRecords();
  const count = (status: string): number => records.filter((r) => r.status === status).length;
  return {
    version: GROUND_TRUTH_VERSION,
    scenario: scenario.name,
    seed: options.seed,
    namespace: options.namespace,
    params: { ...params, receiveMode: world.receiveMode },
    clock: {
      mode: clock.mode,
      speed: clock.mode === "live" && clock.speed !== Infinity ? clock.speed : null,
      anchor: clock.stamps === "simulated" ? clock.anchor : null,
    },
    duration,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    agents,
    faults: faultTruths,
    records,
    counts: {
      records: records.length,
      clean: count("clean"),
      injected: count("injected"),
      corrupted: count("corrupted"),
      downstream: count("downstream"),
      refused: { ...world.refusals },
    },
  };
}
