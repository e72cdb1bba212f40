// The judging half of an engine pass, without I/O: what the detectors and
// caps see of the history cache for a batch, the batch judged, and (once the
// caller has committed) the cache taught the batch. The evaluator
// (evaluator.ts) and bench:engine both run passes through here.
import { capKey, PER_CYCLE_CAPS } from "../caps/caps.ts";
import { evaluateBatch, type BatchResult, type EngineParams, type EvalRecord } from "./evaluate-batch.ts";
import type { HistoryCache } from "./history-cache.ts";
import type { AgentGraph } from "./impact.ts";

export interface JudgePassInput {
  cache: HistoryCache;
  recent: readonly EvalRecord[];
  depthOf: (recordId: string) => number | null;
  graph: AgentGraph;
  lastReported: Map<string, number>;
  params: EngineParams;
  /** How far back the feedback-loop detector looks across agents. */
  loopWindowMs: number;
}

export function judgePass(input: JudgePassInput): BatchResult {
  const { cache, recent } = input;
  const agents = new Set(recent.map((r) => r.agent));
  let latest = Number.NEGATIVE_INFINITY;
  for (const r of recent) if (r.at > latest) latest = r.at;
  // Other agents' messages only matter to the feedback-loop detector, which reads messages.
  const loop = cache.since(latest - input.loopWindowMs).filter((r) => r.kind === "message" && !agents.has(r.agent));
  // The cache holds each stored copy once, and the batch's agents' records
  // and the others' are apart: no copy is here twice.
  const history = [...cache.forAgents(agents), ...loop];
  // The cache's baselines leave out nothing the batch holds, unless a record
  // being judged has a copy held already (a replay): then the detector
  // builds its baselines from the window, which leaves that copy out.
  const baselines = cache.holdsAny(recent.map((r) => r.recordId)) ? undefined : cache.baselines;
  return evaluateBatch({ recent, history, baselines, depthOf: input.depthOf, graph: input.graph, lastReported: input.lastReported, params: input.params });
}

/** Teaches the cache a judged batch (after its pass committed): poisoned records stay out of the baselines. */
export function learnPass(cache: HistoryCache, recent: readonly EvalRecord[], batch: Pick<BatchResult, "poisoned">): void {
  cache.add(recent.map((r) => ({ ...r, anomalous: batch.poisoned.has(r.recordId) })));
}

/**
 * At most this many records of an agent with a thin history are judged
 * together: the detectors judge each record against its agent's history
 * before the slice (semantic_deviation from 8 to 20 values, new_edge after 20
 * messages), so records judged together are not each other's baseline. A
 * batch that holds a new fleet's first hours (an engine catching up after an
 * outage, a simulated fleet replayed faster than the engine looks) would
 * otherwise be judged against almost nothing, and what was found would
 * depend on where batches happened to be cut.
 */
export const MAX_AGENT_RECORDS_PER_SLICE = 20;
/**
 * An agent with this many records held has a baseline its own batch cannot
 * change much: its records are not sliced (slicing costs a history scan per
 * slice for the detectors that are not incremental; bench:engine).
 */
export const THIN_HISTORY = 200;

/**
 * The batch in slices of storage order, each judged against the history
 * cache and then taught to it before the next slice is judged (in memory,
 * before the caller commits: if the commit fails the caller must forget the
 * cache). A slice ends once one agent has MAX_AGENT_RECORDS_PER_SLICE records
 * in it. Per-cycle caps cooling down after a finding made in an earlier slice
 * of the same batch add their records to that finding's evidence here.
 */
export function judgeInSlices(input: JudgePassInput, maxPerAgent = MAX_AGENT_RECORDS_PER_SLICE, thin = THIN_HISTORY): BatchResult {
  const out: BatchResult = { findings: [], anomalous: new Set(), poisoned: new Set(), observed: [], cooledOver: new Map() };
  const madeHere = new Map<string, BatchResult["findings"][number]>();
  for (const slice of slices(input.recent, maxPerAgent, (agent) => input.cache.heldFor(agent), thin)) {
    const batch = judgePass({ ...input, recent: slice });
    learnPass(input.cache, slice, batch);
    for (const f of batch.findings) {
      out.findings.push(f);
      if (f.agent !== null && PER_CYCLE_CAPS.has(f.detector)) madeHere.set(capKey(f.agent, f.detector), f);
    }
    for (const id of batch.anomalous) out.anomalous.add(id);
    for (const id of batch.poisoned) out.poisoned.add(id);
    out.observed.push(...batch.observed);
    for (const [key, ids] of batch.cooledOver) {
      const f = madeHere.get(key);
      if (f) f.evidence.push(...ids);
      else out.cooledOver.set(key, [...(out.cooledOver.get(key) ?? []), ...ids]);
    }
  }
  return out;
}

/**
 * Storage order cut where an agent with a thin history would have more than
 * `maxPerAgent` records in one slice. An agent's history counts what the
 * cache holds and what the batch's earlier slices will have taught it.
 */
function slices<T extends { agent: string }>(records: readonly T[], maxPerAgent: number, held: (agent: string) => number, thin: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let counts = new Map<string, number>();
  const earlier = new Map<string, number>();
  for (const r of records) {
    const n = (counts.get(r.agent) ?? 0) + 1;
    if (n > maxPerAgent && held(r.agent) + (earlier.get(r.agent) ?? 0) < thin) {
      out.push(current);
      for (const [agent, k] of counts) earlier.set(agent, (earlier.get(agent) ?? 0) + k);
      current = [];
      counts = new Map();
    }
    current.push(r);
    counts.set(r.agent, (counts.get(r.agent) ?? 0) + 1);
  }
  if (current.length > 0) out.push(current);
  return out;
}
