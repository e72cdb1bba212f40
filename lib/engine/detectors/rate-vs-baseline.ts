// An agent producing records much faster than it usually does.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, firstAfter, type DetectorWindow, type Finding } from "./finding.ts";

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

/** "24h", "3h", "45min": the period a baseline rate was measured over. */
const period = (ms: number): string => (ms >= 90 * 60_000 ? `${Math.round(ms / 3_600_000)}h` : `${Math.round(ms / 60_000)}min`);

// The baseline rate is the agent's count over the time its history really
// covers: the whole baseline period when records older than the period
// exist, else from its oldest record. History may be a bounded sample of the
// latest records (the engine keeps a few thousand per agent), so dividing by
// the nominal 24 h would make every busy agent look like a burst.
export function rateVsBaseline(window: DetectorWindow, input: Partial<RateParams> = {}): Finding[] {
  const p = RateParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  if (recent.length === 0) return [];
  const now = recent[recent.length - 1]!.at;
  const spanStart = now - p.windowMs;
  const periodStart = spanStart - p.baselineMs;
  const baseline = new Map<string, { n: number; oldest: number; older: boolean }>();
  for (const r of history) {
    if (r.at > spanStart) continue;
    const b = baseline.get(r.agent) ?? { n: 0, oldest: Number.POSITIVE_INFINITY, older: false };
    if (r.at < periodStart) b.older = true;
    else {
      b.n++;
      b.oldest = Math.min(b.oldest, r.at);
    }
    baseline.set(r.agent, b);
  }
  const current = new Map<string, string[]>();
  // Records of the span may sit in history too (the span can reach back before the recent batch).
  for (const r of [...history.slice(firstAfter(history, spanStart)), ...recent]) {
    if (r.at <= spanStart || r.at > now) continue;
    const list = current.get(r.agent) ?? [];
    list.push(r.recordId);
    current.set(r.agent, list);
  }
  const out: Finding[] = [];
  for (const [agent, ids] of current) {
    const count = ids.length;
    if (count < p.minCount) continue;
    const b = baseline.get(agent);
    if (!b) continue;
    const covered = b.older ? p.baselineMs : spanStart - b.oldest;
    if (covered < p.minBaselineMs) continue;
    const expected = (b.n * p.windowMs) / covered;
    const ratio = expected > 0 ? count / expected : Number.POSITIVE_INFINITY;
    if (ratio < p.factor) continue;
    const latest = recent.filter((r) => r.agent === agent).at(-1);
    out.push({
      detector: "rate_vs_baseline",
      recordId: latest?.recordId ?? ids[ids.length - 1] ?? null,
      agent,
      subject: agent,
      score: ratio,
      explanation:
        expected > 0
          ? `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, ${fmt(ratio)}x its ${period(covered)} rate (${fmt(expected)} per ${duration(p.windowMs)}, n=${fmt(b.n)})`
          : `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, with none in the ${period(covered)} before`,
      params: { windowMs: p.windowMs, factor: p.factor, minCount: p.minCount, baselineMs: p.baselineMs, minBaselineMs: p.minBaselineMs, coveredMs: covered, count, expected, baselineCount: b.n },
      evidence: ids.slice(-100),
      at: now,
    });
  }
  return out;
}
