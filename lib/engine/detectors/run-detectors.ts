// Every detector over one window, with parameters from one place.
import { z } from "zod";
import { fanOutBurst, FanOutBurstParams } from "./fan-out-burst.ts";
import { feedbackLoop, FeedbackLoopParams } from "./feedback-loop.ts";
import { prepareWindow, type DetectorWindow, type Finding } from "./finding.ts";
import { newEdge, NewEdgeParams } from "./new-edge.ts";
import { newIntent, NewIntentParams } from "./new-intent.ts";
import { rateVsBaseline, RateParams } from "./rate-vs-baseline.ts";
import { semanticDeviation, SemanticDeviationParams } from "./semantic-deviation.ts";
import type { ValueBaselines } from "./value-baselines.ts";
import type { FanOutBaselines } from "./fan-out-baselines.ts";

export const DetectorParams = z
  .object({
    semanticDeviation: SemanticDeviationParams.partial().default({}),
    newEdge: NewEdgeParams.partial().default({}),
    newIntent: NewIntentParams.partial().default({}),
    fanOutBurst: FanOutBurstParams.partial().default({}),
    rateVsBaseline: RateParams.partial().default({}),
    feedbackLoop: FeedbackLoopParams.partial().default({}),
  })
  .strict();
export type DetectorParams = z.infer<typeof DetectorParams>;

/**
 * `baselines`: semantic_deviation's values of the window's history, when the
 * caller keeps them (the engine does); else they are built from the window.
 * `fanOut`: fan_out_burst's sliding counts of the window's history, likewise.
 */
export function runDetectors(input: DetectorWindow, params: DetectorParams = DetectorParams.parse({}), baselines?: ValueBaselines, fanOut?: FanOutBaselines): Finding[] {
  const window = prepareWindow(input);
  return [
    ...semanticDeviation(window, params.semanticDeviation, baselines),
    ...newEdge(window, params.newEdge),
    ...newIntent(window, params.newIntent),
    ...fanOutBurst(window, params.fanOutBurst, fanOut),
    ...rateVsBaseline(window, params.rateVsBaseline),
    ...feedbackLoop(window, params.feedbackLoop),
  ];
}

/** Records some finding names (as its record): what the breakers count as anomalous. */
export function anomalousRecords(findings: readonly Finding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) if (f.recordId !== null) out.add(f.recordId);
  return out;
}
