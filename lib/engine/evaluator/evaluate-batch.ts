// One batch of newly stored records through the engine's judgement, as a
// pure function: detectors and caps produce findings, findings make records
// anomalous, and every message becomes an observation for its edges'
// breakers. The caller does the I/O (lib/engine/evaluator/evaluator.ts).
import { z } from "zod";
import { CapsParams, checkCaps, PER_CYCLE_CAPS } from "../caps/caps.ts";
import { failureOf, type ObservedRecord } from "../breaker/edge-breakers.ts";
import { lazyWindow, type Finding, type WindowRecord } from "../detectors/finding.ts";
import { DetectorParams, runDetectors } from "../detectors/run-detectors.ts";
import type { KeptBaselines } from "../detectors/run-detectors.ts";
import type { CachedRecord } from "./history-cache.ts";
import { impactOf, type AgentGraph } from "./impact.ts";
import { verificationFindings } from "./verification-findings.ts";

export const EngineParams = z
  .object({
    detectors: DetectorParams.default(DetectorParams.parse({})),
    caps: CapsParams.partial().default({}),
  })
  .strict();
export type EngineParams = z.infer<typeof EngineParams>;

export interface EvalRecord extends WindowRecord {
  seq: string;
  verified: boolean;
  verdicts: readonly string[];
  parents: readonly string[];
  /** When the collector stored it, ms. */
  receivedAt: number;
  /**
   * Stored `pending`: its breakers count it once it is settled (the loop's
   * settled cursor), not now, so its final verdict is counted exactly once.
   */
  settles: boolean;
}

export interface ScoredFinding extends Finding {
  reach: number;
  impact: number;
}

export interface BatchInput {
  recent: readonly EvalRecord[];
  /**
   * Earlier records of the batch's agents and the recent message graph
   * (CachedRecord.anomalous kept); as a function, built only if something
   * reads it (the detectors given `kept` and the caps given `messagesOf`
   * mostly do not).
   */
  history: readonly CachedRecord[] | (() => readonly CachedRecord[]);
  /**
   * `history` is already in time order (ties by id) with each id once and
   * none of `recent`'s (the history cache's window): the detectors' window
   * is not deduplicated and sorted again.
   */
  historyInOrder?: boolean;
  /**
   * What the history cache keeps of `history` (semantic_deviation's sorted
   * values of the records not anomalous, fan_out_burst's and new_intent's
   * counts); the detectors read `history` for whatever is absent.
   */
  kept?: KeptBaselines;
  /** Each agent's earlier messages in window order, none of `recent` (the history cache's): the per-cycle caps read these instead of `history`. */
  messagesOf?: (agent: string) => readonly WindowRecord[];
  /** Each agent's earlier fan-outs, likewise. */
  fanOutsOf?: (agent: string) => readonly WindowRecord[];
  depthOf: (recordId: string) => number | null;
  graph: AgentGraph;
  /** Per-cycle cap cooldowns; updated in place. */
  lastReported: Map<string, number>;
  params: EngineParams;
}

export interface BatchResult {
  findings: ScoredFinding[];
  /** Records some detector or cap named. */
  anomalous: Set<string>;
  /** Records whose values must stay out of future baselines. */
  poisoned: Set<string>;
  observed: ObservedRecord[];
  /**
   * Records over a per-cycle cap that is cooling down after a finding made in
   * an earlier batch, by capKey(agent, cap): the caller adds them to that
   * finding's evidence (and counts them anomalous here already).
   */
  cooledOver: Map<string, string[]>;
}

/** Findings whose record's values are not normal and must not become the baseline. */
const POISONS_BASELINE: ReadonlySet<string> = new Set(["semantic_deviation", "feedback_loop"]);

export function evaluateBatch(input: BatchInput): BatchResult {
  for (const r of input.recent) for (const to of r.receivers) input.graph.addEdge(r.agent, to);

  // Anomalous records stay out of what is normal, except those still in their
  // young agent's open learning block (ADR 0030): judged in one pass with the
  // rest of the block they would have been recent records here, so new_edge
  // and new_intent count what they already reported instead of naming it
  // again, whichever pass a block's records came in. The learning detectors
  // never learn from them (learning records are not in the baselines).
  const history = once(input.history);
  const baseline = () => history().filter((r) => !r.anomalous || r.learning);
  const window = input.historyInOrder ? lazyWindow(baseline, input.recent) : { history: baseline(), recent: input.recent };
  // feedback_loop alone sees the records those findings named (ADR 0042): a
  // loop grows by the very values semantic_deviation names as they come, and
  // its own evidence is the loop's rounds, which later passes must still see
  // to place where it entered. Its usual ranges end where a rise begins, so
  // the named values of a loop do not become what is usual.
  const loopWindow = input.historyInOrder ? lazyWindow(history, input.recent) : { history: history(), recent: input.recent };
  const detected = withReadsAsEvidence(runDetectors(window, input.params.detectors, input.kept, loopWindow), { recent: input.recent, history });
  const cooledOver = new Map<string, string[]>();
  const capped = checkCaps({ history: input.messagesOf && input.fanOutsOf ? [] : history(), historyInOrder: input.historyInOrder, messagesOf: input.messagesOf, fanOutsOf: input.fanOutsOf, recent: input.recent, depthOf: input.depthOf, lastReported: input.lastReported, cooledOver }, input.params.caps);
  const anomalous = new Set<string>();
  const poisoned = new Set<string>();
  for (const f of [...detected, ...capped]) {
    if (f.recordId === null) continue;
    anomalous.add(f.recordId);
    // A per-cycle cap's evidence is the records over the limit: each of them failed, not just the first.
    if (PER_CYCLE_CAPS.has(f.detector)) for (const id of f.evidence) anomalous.add(id);
    if (POISONS_BASELINE.has(f.detector)) for (const id of f.evidence.length > 0 ? f.evidence : [f.recordId]) poisoned.add(id);
  }
  for (const ids of cooledOver.values()) for (const id of ids) anomalous.add(id);
  const verification = verificationFindings(input.recent);

  const reachOf = new Map<string, number>();
  const findings = [...detected, ...capped, ...verification].map((f): ScoredFinding => {
    let reach = 0;
    if (f.agent !== null) {
      reach = reachOf.get(f.agent) ?? input.graph.reach(f.agent);
      reachOf.set(f.agent, reach);
    }
    return { ...f, reach, impact: impactOf(f.score, reach) };
  });

  const observed = input.recent
    .filter((r) => r.kind === "message" && r.receivers.length > 0 && !r.settles)
    .map((r): ObservedRecord => ({ recordId: r.recordId, agent: r.agent, receivers: r.receivers, at: r.at, verified: r.verified, verdicts: r.verdicts, anomalous: anomalous.has(r.recordId) }));
  return { findings, anomalous, poisoned, observed, cooledOver };
}

/**
 * A deviating value came from what its record was made from: when that
 * includes the agent's own state reads (a feed, a shared memory key), they
 * are named as evidence too, so lineage can find where the value came in (a
 * poisoned feed enters at the read; the read's record holds only a hash of
 * what it read, so no detector can judge the read itself). Not when the
 * record itself failed verification at the door (a tampered payload, a forged
 * signature): its content is not what the agent made from its reads, so the
 * reads explain nothing and naming them would make a clean read the origin.
 */
function withReadsAsEvidence(findings: Finding[], input: { recent: BatchInput["recent"]; history: () => readonly CachedRecord[] }): Finding[] {
  if (!findings.some((f) => f.detector === "semantic_deviation")) return findings;
  const byId = new Map<string, WindowRecord>();
  for (const r of input.history()) byId.set(r.recordId, r);
  for (const r of input.recent) byId.set(r.recordId, r);
  const recent = new Map(input.recent.map((r) => [r.recordId, r]));
  return findings.map((f) => {
    if (f.detector !== "semantic_deviation" || f.recordId === null) return f;
    const rec = recent.get(f.recordId);
    if (rec && failureOf({ verified: rec.verified, verdicts: rec.verdicts, anomalous: false }).includes("verification")) return f;
    const reads = (rec?.parents ?? []).map((id) => byId.get(id)).filter((p): p is WindowRecord => p !== undefined && p.kind === "state.read" && p.agent === rec!.agent);
    if (reads.length === 0) return f;
    const keys = [...new Set(reads.map((r) => r.intent ?? "state"))];
    return { ...f, evidence: [...f.evidence, ...reads.map((r) => r.recordId)], explanation: `${f.explanation}; made from its read of ${keys.join(", ")}` };
  });
}

/** A list, or a function building it, read at most once. */
function once<T>(list: readonly T[] | (() => readonly T[])): () => readonly T[] {
  if (typeof list !== "function") return () => list;
  let built: readonly T[] | null = null;
  return () => (built ??= list());
}
