// The chaos table's engine columns, from a Firebreak whose engine has judged
// the run: what the engine flagged and when, which breakers tripped, and
// what lineage answers about where each fault entered and how far it spread,
// each scored against the ground truth (engine-score.ts). Where the answers
// come from is a `ChaosEngineSource`: the database (lib/db/chaos-engine-source.ts)
// in tests and for a local run, or the HTTP API (engine-api-source.ts).
import type { FaultTruth } from "./ground-truth.ts";
import {
  checkOrigin,
  firstFlagOn,
  faultSets,
  originStarts,
  parentIndex,
  precisionRecall,
  taintedShareBeforeContainment,
  type EngineFlag,
  type OriginCheck,
  type TimedEdge,
} from "./engine-score.ts";
import type { EngineObservation, EngineObserver, ObservedRun } from "./report.ts";
import { tripToEnforcement } from "./enforcement.ts";
import { agentsOf, matchStored } from "./score.ts";
import type { StoredVerdict } from "./verdicts.ts";
import { cleanFlags, type EngineFinding } from "./clean-flags.ts";

export type { EngineFinding };

export interface BreakerTrip extends TimedEdge {
  cause: string;
  recordIds: readonly string[];
}

export interface LineageOrigins {
  origins: string[];
  truncated: string[];
}

export interface LineageDescendant {
  id: string;
  tainted: boolean;
}

export interface LineageRadius {
  descendants: LineageDescendant[];
  truncated: string[];
}

/** What the observer reads from Firebreak. Agents carry the run's namespace, so asking by agent keeps runs apart. */
export interface ChaosEngineSource {
  /** How many of these agents' stored records the engine has not judged yet (its cursor is behind them). */
  unjudged(agents: readonly string[]): Promise<number>;
  /** Findings about these records (the record itself or its evidence); `agents` are the run's, for sources that ask by agent. */
  findings(q: { agents: readonly string[]; recordIds: readonly string[] }): Promise<EngineFinding[]>;
  /** Transitions to OPEN on edges these agents send on, at or after `since`. */
  trips(q: { agents: readonly string[]; since: number }): Promise<BreakerTrip[]>;
  origin(recordId: string): Promise<LineageOrigins>;
  blastRadius(recordId: string): Promise<LineageRadius>;
}

export interface EngineObserverOptions {
  /** How long to wait for the engine to judge a run's records before scoring it. */
  catchUpTimeoutMs?: number;
  pollMs?: number;
  /** Runs before each look at the engine's progress: in tests, the evaluator's passes themselves. */
  drive?: () => Promise<void>;
}

export function engineObserver(source: ChaosEngineSource, options: EngineObserverOptions = {}): EngineObserver {
  return {
    available: true,
    async observe(run) {
      await waitForEngine(source, agentsOf(run.truth), options);
      return observeFault(source, run);
    },
    caughtUp: (agents) => waitForEngine(source, agents, options),
    async enforcement(run) {
      await waitForEngine(source, agentsOf(run.truth), options);
      const start = faultStart(run.fault, run.stored);
      const trips = await source.trips({ agents: agentsOf(run.truth), since: start ?? 0 });
      const travelled = travelledEdges(faultSets(run.truth, run.fault), storedById(run.stored));
      return tripToEnforcement(trips.filter((t) => travelled.has(`${t.sender}->${t.receiver}`)), run.firstRefused);
    },
  };
}

/** Edges ("from->to") the fault's records travelled: its own and everything downstream. */
function travelledEdges(sets: { own: ReadonlySet<string>; downstream: ReadonlySet<string> }, byId: ReturnType<typeof storedById>): Set<string> {
  const out = new Set<string>();
  for (const id of [...sets.own, ...sets.downstream]) {
    const r = byId.get(id);
    for (const receiver of r?.receivers ?? []) out.add(`${r!.agent}->${receiver}`);
  }
  return out;
}

/** Until the engine has judged every stored record of the run: findings and trips are complete only then. */
export async function waitForEngine(source: ChaosEngineSource, agents: readonly string[], options: EngineObserverOptions = {}): Promise<void> {
  const timeoutMs = options.catchUpTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await options.drive?.();
    const left = await source.unjudged(agents);
    if (left === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(`the engine has not judged ${left} record(s) of the run after ${Math.round(timeoutMs / 1000)} s: is it running (FIREBREAK_ENGINE not off)?`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/** Record time, receivers and agent by id; of several copies, the first stored (the one the graph shows). */
function storedById(stored: readonly StoredVerdict[]): Map<string, { ts: number; receivers: readonly string[]; agent: string }> {
  const out = new Map<string, { ts: number; receivers: readonly string[]; agent: string; seq: bigint }>();
  for (const s of stored) {
    const have = out.get(s.id);
    if (!have || s.seq < have.seq) out.set(s.id, { ts: s.ts, receivers: s.receivers, agent: s.agent, seq: s.seq });
  }
  return out;
}

export async function observeFault(source: ChaosEngineSource, run: ObservedRun): Promise<EngineObservation> {
  const { truth, fault, stored } = run;
  const sets = faultSets(truth, fault);
  const parents = parentIndex(truth);
  const byId = storedById(stored);
  const agents = agentsOf(truth);
  const start = faultStart(fault, stored);

  const [findings, trips] = await Promise.all([
    source.findings({ agents, recordIds: [...new Set(truth.records.map((r) => r.id))] }),
    source.trips({ agents, since: start ?? 0 }),
  ]);
  // A finding made before the fault began names its records only as
  // evidence gathered later (every message on a new edge, say): not a flag.
  const flags: EngineFlag[] = [
    ...findings.filter((f) => start !== null && f.at >= start).map((f) => ({ at: f.at, by: f.detector, recordIds: f.recordId === null ? [...f.evidence] : [f.recordId, ...f.evidence] })),
    ...trips.map((t) => ({ at: t.at, by: "breaker", recordIds: t.recordIds })),
  ];
  const flag = firstFlagOn(flags, sets.own);
  const flaggedBy = [...new Set(flags.filter((f) => f.recordIds.some((id) => sets.own.has(id))).map((f) => f.by))].sort();

  const travelled = travelledEdges(sets, byId);
  const pathTrips = trips.filter((t) => travelled.has(`${t.sender}->${t.receiver}`));
  const firstTrip = pathTrips.reduce<number | null>((min, t) => (min === null || t.at < min ? t.at : min), null);

  const tainted = new Set([...sets.own, ...sets.downstream]);
  const share = taintedShareBeforeContainment({ decisions: sets.decisions, tainted, parents, stored: byId, trips: pathTrips });

  const checks: OriginCheck[] = await mapLimit(originStarts(fault, sets), TRACE_CONCURRENCY, async (s) =>
    checkOrigin(s, (await source.origin(s)).origins, sets, parents),
  );

  const found = new Set<string>();
  const truncated = new Set<string>();
  for (const radius of await mapLimit([...sets.origins], TRACE_CONCURRENCY, (o) => source.blastRadius(o))) {
    for (const t of radius.truncated) truncated.add(t);
    for (const d of radius.descendants) if (d.tainted && !sets.origins.has(d.id)) found.add(d.id);
  }
  const pr = precisionRecall(found, sets.downstream);

  const since0 = (at: number): number | null => (start === null ? null : Math.max(0, at - start));
  return {
    firstFlagMs: flag ? since0(flag.at) : null,
    firstFlagBy: flag?.by ?? null,
    flaggedBy,
    cleanFlagged: cleanFlags(truth, findings),
    breakerTripMs: firstTrip === null ? null : since0(firstTrip),
    enforcementMs: run.firstRefused ? tripToEnforcement(pathTrips, run.firstRefused) : null,
    taintedShare: share.share,
    origin: { found: checks.filter((c) => c.found).length, total: checks.length, misses: checks.filter((c) => !c.found) },
    blast: {
      ...pr,
      extra: [...found].filter((id) => !sets.downstream.has(id)).sort(),
      missed: [...sets.downstream].filter((id) => !found.has(id)).sort(),
      truncated: [...truncated],
    },
  };
}

/** Traces at once: each is a few round trips, and a fault can have hundreds of downstream records. */
const TRACE_CONCURRENCY = 4;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Record time of the fault's first stored record (injected or corrupted), epoch ms. */
export function faultStart(fault: FaultTruth, stored: readonly StoredVerdict[]): number | null {
  // By copy: a replay's original was stored long before the fault.
  const rows = matchStored(stored);
  let min: number | null = null;
  for (const ref of [...fault.injected, ...fault.corrupted]) {
    const row = rows.get(`${ref.id}#${ref.copy}`);
    if (row && (min === null || row.ts < min)) min = row.ts;
  }
  return min;
}
