// The judging half of an engine pass, without I/O: what the detectors and
// caps see of the history cache for a batch, the batch judged, and (once the
// caller has committed) the cache taught the batch. The evaluator
// (evaluator.ts) and bench:engine both run passes through here.
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
