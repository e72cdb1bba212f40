// The judging half of an engine pass, without I/O: what the detectors and
// caps see of the history cache for a batch, the batch judged, and (once the
// caller has committed) the cache taught the batch. The evaluator
// (evaluator.ts) and bench:engine both run passes through here.
import { capKey, PER_CYCLE_CAPS } from "../caps/caps.ts";
import { evaluateBatch, type BatchResult, type EngineParams, type EvalRecord, type HeldReads } from "./evaluate-batch.ts";
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
  /** Outside reads held back from earlier passes' deviations (ADR 0050). */
  holding?: readonly HeldReads[];
}

/** How far back the feedback-loop detector looks across agents (FeedbackLoopParams.windowMs): loops grow by rounds minutes apart. */
export const LOOP_WINDOW_MS = 2 * 3_600_000;

const LOOP_KINDS: ReadonlySet<string> = new Set(["message", "state.write", "state.read"]);

/**
 * From when a pass's window holds other agents' records: twice the loop
 * window before the earliest record judged, as far back as feedback_loop
 * reads (a series' usual range is the window before its rise). Cut shorter,
 * a loop's other agents lose the rounds that tell what was usual, and a
 * pass of one agent's records would place the loop's entry where a pass of
 * another's would not.
 */
export function othersSinceFor(recent: readonly { at: number }[], loopWindowMs: number): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const r of recent) if (r.at < earliest) earliest = r.at;
  return earliest - 2 * loopWindowMs;
}

export function judgePass(input: JudgePassInput): BatchResult {
  const { cache, recent } = input;
  const agents = new Set(recent.map((r) => r.agent));
  // The batch's agents' records, and other agents' records only as far as the
  // feedback-loop detector reads them (messages and state: a loop may close
  // through a shared key), in time order from the cache.
  // Built only if a detector falls back to reading it (see evaluateBatch).
  const othersSince = othersSinceFor(recent, input.loopWindowMs);
  const history = () => cache.window(agents, othersSince, LOOP_KINDS).records;
  const unique = cache.unique;
  // The cache's baselines leave out nothing the batch holds, unless a record
  // being judged has a copy held already (a replay): then the detector
  // builds its baselines from the window, which leaves that copy out.
  const replay = cache.holdsAny(recent.map((r) => r.recordId));
  // The counts are kept per stored copy: with a replayed copy held, the window (each id once) is read instead.
  const counted = !replay && unique;
  const kept = {
    values: replay ? undefined : cache.baselines,
    fanOut: counted ? cache.fanOut : undefined,
    intents: counted ? cache.intents : undefined,
    edges: counted ? cache.edges : undefined,
    loops: counted ? { index: cache.loops, shape: { agents, othersSince } } : undefined,
    agentHistory: counted ? (agent: string) => cache.baselineOf(agent) : undefined,
  };
  return evaluateBatch({ recent, history, historyInOrder: counted, kept, messagesOf: counted ? (agent) => cache.messagesOf(agent) : undefined, fanOutsOf: counted ? (agent) => cache.fanOutsOf(agent) : undefined, seen: cache, depthOf: input.depthOf, graph: input.graph, lastReported: input.lastReported, params: input.params, holding: input.holding });
}

/**
 * Teaches the cache a judged batch (after its pass committed): poisoned
 * records stay out of the baselines, and what the findings named is
 * remembered, so a later read of a named write is named too (ADR 0045).
 */
export function learnPass(cache: HistoryCache, recent: readonly EvalRecord[], batch: Pick<BatchResult, "poisoned" | "named">): void {
  cache.add(recent.map((r) => ({ ...r, anomalous: batch.poisoned.has(r.recordId) })));
  cache.markFlagged(batch.named);
}

/**
 * The batch in slices of storage order, each judged against the history
 * cache and then taught to it before the next slice is judged (in memory,
 * before the caller commits: if the commit fails the caller must forget the
 * cache). A young agent learns its records in blocks of its own records
 * (HistoryCache, ADR 0030): a slice ends where one agent's open block is
 * full, so its next record is judged against the block it just learned. The
 * cuts follow each agent's own record count, never where the pass began: a
 * pass that starts mid-block finds the block still open in the cache, and
 * judges the rest of it against the same baseline one pass would have. A
 * mature agent's records are never cut (its batch cannot change its baseline
 * much, and slicing costs a history scan per slice for the detectors that
 * are not incremental). Per-cycle caps cooling down after a finding made in
 * an earlier slice of the same batch add their records to that finding's
 * evidence here.
 */
export function judgeInSlices(input: JudgePassInput): BatchResult {
  const out: BatchResult = { findings: [], anomalous: new Set(), poisoned: new Set(), named: new Set(), observed: [], cooledOver: new Map(), held: [], released: new Map(), settled: new Set() };
  const madeHere = new Map<string, BatchResult["findings"][number]>();
  // Outside reads held back (ADR 0050): those of an earlier pass settle into
  // `released`/`settled` for the caller; those of this one into their
  // finding's evidence (or stay held, in `held`).
  let holding: HeldReads[] = [...(input.holding ?? [])];
  const before = new Set(holding.map((h) => h.recordId));
  const judge = (slice: readonly EvalRecord[]) => {
    const batch = judgePass({ ...input, recent: slice, holding });
    const made = new Map(holding.filter((h) => !before.has(h.recordId)).map((h) => [h.recordId, h]));
    for (const [id, reads] of batch.released) {
      const f = made.get(id)?.finding;
      if (f) f.evidence.push(...reads);
      else out.released.set(id, reads);
    }
    for (const id of batch.settled) if (before.has(id)) out.settled.add(id);
    holding = [...holding.filter((h) => !batch.settled.has(h.recordId)), ...batch.held];
    learnPass(input.cache, slice, batch);
    for (const f of batch.findings) {
      out.findings.push(f);
      if (f.agent !== null && PER_CYCLE_CAPS.has(f.detector)) madeHere.set(capKey(f.agent, f.detector), f);
    }
    for (const id of batch.anomalous) out.anomalous.add(id);
    for (const id of batch.poisoned) out.poisoned.add(id);
    for (const id of batch.named) out.named.add(id);
    out.observed.push(...batch.observed);
    for (const [key, ids] of batch.cooledOver) {
      const f = madeHere.get(key);
      if (f) f.evidence.push(...ids);
      else out.cooledOver.set(key, [...(out.cooledOver.get(key) ?? []), ...ids]);
    }
  };
  let current: EvalRecord[] = [];
  let counts = new Map<string, number>();
  for (const r of input.recent) {
    const n = counts.get(r.agent) ?? 0;
    // Measured against the cache as the slices before taught it.
    const room = n > 0 ? input.cache.openRoom(r.agent) : null;
    if (room !== null && n >= room) {
      judge(current);
      current = [];
      counts = new Map();
    }
    current.push(r);
    counts.set(r.agent, (counts.get(r.agent) ?? 0) + 1);
  }
  if (current.length > 0) judge(current);
  out.held = holding.filter((h) => !before.has(h.recordId));
  return out;
}
