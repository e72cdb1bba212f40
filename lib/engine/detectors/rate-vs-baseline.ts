// An agent producing records much faster than it usually does.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { byAgent, dedupeWindow, firstAfter, firstAtOrAfter, mergeByTime, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";

export const RateParams = z.object({
  /** The span the current rate is measured over, ending at the newest record. */
  windowMs: z.number().int().positive().default(60_000),
  /** A rate this many times the baseline rate... */
  factor: z.number().min(1).default(5),
  /** ...with at least this many records in the span. */
  minCount: z.number().int().min(1).default(20),
  /** The baseline period: this long, ending where the span starts. */
  baselineMs: z.number().int().positive().default(86_400_000),
  /**
   * An agent whose history covers less than this is not judged: a rate
   * needs time to be usual (a new agent is new_edge's and new_intent's to see).
   */
  minBaselineMs: z.number().int().positive().default(3_600_000),
});
export type RateParams = z.infer<typeof RateParams>;

/** A burst names its span's latest records, at most this many. */
const EVIDENCE = 100;

/** "24h", "3h", "45min": the period a baseline rate was measured over. */
const period = (ms: number): string => (ms >= 90 * 60_000 ? `${Math.round(ms / 3_600_000)}h` : `${Math.round(ms / 60_000)}min`);

// The baseline rate is the agent's count over the time its history really
// covers: the whole baseline period when records older than the period
// exist, else from its oldest record. History may be a bounded sample of the
// latest records (the engine keeps a few thousand per agent), so dividing by
// the nominal 24 h would make every busy agent look like a burst.
//
// The span is the agent's own: of the spans of `windowMs` ending at one of
// its recent records, the one holding most of its records (the latest on a
// tie). A batch can hold hours of record time (an engine catching up, agents
// whose clocks differ, simulated fleets replayed side by side); a span ending
// at the batch's newest record, whoever sent it, would miss a burst earlier
// in the batch or on another clock.
/**
 * `kept`: each agent's history in window order, kept by the caller (the
 * engine's history cache) over exactly the window's history; read instead
 * of grouping the history by agent.
 */
export function rateVsBaseline(window: DetectorWindow, input: Partial<RateParams> = {}, kept?: (agent: string) => readonly WindowRecord[]): Finding[] {
  const p = RateParams.parse(input);
  const w = dedupeWindow(window);
  const { recent } = w;
  if (recent.length === 0) return [];
  const recentBy = byAgent(recent);
  const pastOf = kept ?? ((agent: string) => byAgent(w.history).get(agent) ?? []);
  const out: Finding[] = [];
  for (const [agent, mine] of recentBy) {
    const past = pastOf(agent);
    const span = densestSpan(past, mine, p.windowMs);
    if (span === null || span.count < p.minCount) continue;
    const now = span.end.at;
    const spanStart = now - p.windowMs;
    const periodStart = spanStart - p.baselineMs;
    // The agent's history before the span: within the period it is counted, older only says the period is covered.
    const end = firstAfter(past, spanStart);
    if (end === 0) continue;
    const from = firstAtOrAfter(past, periodStart);
    const older = from > 0;
    const n = end - from;
    const oldest = n > 0 ? past[from]!.at : Number.POSITIVE_INFINITY;
    const covered = older ? p.baselineMs : spanStart - oldest;
    if (covered < p.minBaselineMs) continue;
    const count = span.count;
    const expected = (n * p.windowMs) / covered;
    const ratio = expected > 0 ? count / expected : Number.POSITIVE_INFINITY;
    if (ratio < p.factor) continue;
    out.push({
      detector: "rate_vs_baseline",
      recordId: span.end.recordId,
      agent,
      subject: agent,
      score: ratio,
      explanation:
        expected > 0
          ? `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, ${fmt(ratio)}x its ${period(covered)} rate (${fmt(expected)} per ${duration(p.windowMs)}, n=${fmt(n)})`
          : `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, with none in the ${period(covered)} before`,
      params: { windowMs: p.windowMs, factor: p.factor, minCount: p.minCount, baselineMs: p.baselineMs, minBaselineMs: p.minBaselineMs, coveredMs: covered, count, expected, baselineCount: n },
      evidence: span.ids,
      at: now,
    });
  }
  return out;
}

/**
 * Of the spans (end - windowMs, end] ending at a recent record, the one
 * holding most records of history and recent together (the latest on a tie;
 * on equal times history comes first, as mergeByTime orders them). Counted
 * by binary search in both time-ordered lists, not by walking the history:
 * a busy agent has thousands of records in the last minute, and only the
 * winning span's last `EVIDENCE` ids are listed (the finding names no more).
 */
function densestSpan(past: readonly WindowRecord[], recent: readonly WindowRecord[], windowMs: number): { end: WindowRecord; count: number; ids: string[] } | null {
  let best: { i: number; first: number; size: number } | null = null;
  let first = 0;
  for (let i = 0; i < recent.length; i++) {
    const at = recent[i]!.at;
    while (recent[first]!.at <= at - windowMs) first++;
    const size = firstAfter(past, at) - firstAfter(past, at - windowMs) + (i - first + 1);
    if (best === null || size >= best.size) best = { i, first, size };
  }
  if (best === null) return null;
  const end = recent[best.i]!;
  // The merge's last ids come from each list's last ids: neither list is walked further.
  const mine = recent.slice(Math.max(best.first, best.i + 1 - EVIDENCE), best.i + 1);
  const theirsEnd = firstAfter(past, end.at);
  const theirs = past.slice(Math.max(firstAfter(past, end.at - windowMs), theirsEnd - EVIDENCE), theirsEnd);
  return { end, count: best.size, ids: mergeByTime(theirs, mine).slice(-EVIDENCE).map((r) => r.recordId) };
}
