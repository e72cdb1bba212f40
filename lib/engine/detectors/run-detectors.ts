// Every detector over one window, with parameters from one place.
import { z } from "zod";
import { fanOutBurst, FanOutBurstParams } from "./fan-out-burst.ts";
import { feedbackLoop, FeedbackLoopParams } from "./feedback-loop.ts";
import { prepareWindow, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";
import { newEdge, NewEdgeParams } from "./new-edge.ts";
import { newIntent, NewIntentParams } from "./new-intent.ts";
import { rateVsBaseline, RateParams } from "./rate-vs-baseline.ts";
import { semanticDeviation, SemanticDeviationParams } from "./semantic-deviation.ts";
import { SubjectMismatchParams } from "./subject-mismatch.ts";
import type { ValueBaselines } from "./value-baselines.ts";
import type { FanOutBaselines } from "./fan-out-baselines.ts";
import type { NewIntentBaselines } from "./new-intent-baselines.ts";
import type { NewEdgeBaselines } from "./new-edge-baselines.ts";
import type { LoopIndex, LoopWindowShape } from "./loop-index.ts";

export const DetectorParams = z
  .object({
    semanticDeviation: SemanticDeviationParams.partial().default({}),
    newEdge: NewEdgeParams.partial().default({}),
    newIntent: NewIntentParams.partial().default({}),
    fanOutBurst: FanOutBurstParams.partial().default({}),
    rateVsBaseline: RateParams.partial().default({}),
    feedbackLoop: FeedbackLoopParams.partial().default({}),
    subjectMismatch: SubjectMismatchParams.partial().default({}),
  })
  .strict();
export type DetectorParams = z.infer<typeof DetectorParams>;

/**
 * What the caller keeps of the window's history as records come and go (the
 * engine's history cache does), each over exactly the window's history:
 * `values`, semantic_deviation's sorted values; `fanOut`, fan_out_burst's
 * sliding counts; `intents`, new_intent's counts; `edges`, new_edge's
 * edges and counts; `loops`, feedback_loop's index and which of its records
 * the window holds; `agentHistory`, each agent's history in window order.
 * A detector given none
 * builds what it needs from the window.
 */
export interface KeptBaselines {
  values?: ValueBaselines;
  fanOut?: FanOutBaselines;
  intents?: NewIntentBaselines;
  edges?: NewEdgeBaselines;
  loops?: { index: LoopIndex; shape: LoopWindowShape };
  /** Each agent's history in window order (rate_vs_baseline). */
  agentHistory?: (agent: string) => readonly WindowRecord[];
}

/**
 * `loopWindow`: what feedback_loop reads instead of `input`, when given. The
 * engine keeps the records a semantic_deviation or feedback_loop finding
 * named out of every other detector's window (they would teach it that the
 * poison is normal), but a loop is seen by its amplified values: each of them
 * named as it came would leave a loop that never grows (ADR 0042).
 */
export function runDetectors(input: DetectorWindow, params: DetectorParams = DetectorParams.parse({}), kept: KeptBaselines = {}, loopWindow?: DetectorWindow): Finding[] {
  const window = prepareWindow(input);
  return [
    ...semanticDeviation(window, params.semanticDeviation, kept.values),
    ...newEdge(window, params.newEdge, kept.edges),
    ...newIntent(window, params.newIntent, kept.intents),
    ...fanOutBurst(window, params.fanOutBurst, kept.fanOut),
    ...rateVsBaseline(window, params.rateVsBaseline, kept.agentHistory),
    ...feedbackLoop(loopWindow ? prepareWindow(loopWindow) : window, params.feedbackLoop, kept.loops),
  ];
}

/** Records some finding names (as its record): what the breakers count as anomalous. */
export function anomalousRecords(findings: readonly Finding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) if (f.recordId !== null) out.add(f.recordId);
  return out;
}
