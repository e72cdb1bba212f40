// An agent producing records much faster than it usually does.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding } from "./finding.ts";

export const RateParams = z.object({
  /** The span the current rate is measured over, ending at the newest record. */
  windowMs: z.number().int().positive().default(60_000),
  /** A rate this many times the baseline rate... */
  factor: z.number().min(1).default(5),
  /** ...with at least this many records in the span. */
  minCount: z.number().int().min(1).default(20),
  /** The history's length: the baseline rate is its count over this. */
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type RateParams = z.infer<typeof RateParams>;

export function rateVsBaseline(window: DetectorWindow, input: Partial<RateParams> = {}): Finding[] {
  const p = RateParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  if (recent.length === 0) return [];
  const now = recent[recent.length - 1]!.at;
  const baseline = new Map<string, number>();
  for (const r of history) baseline.set(r.agent, (baseline.get(r.agent) ?? 0) + 1);
  const current = new Map<string, string[]>();
  // Records of the span may sit in history too (the span can reach back before the recent batch).
  for (const r of [...history, ...recent]) {
    if (r.at <= now - p.windowMs || r.at > now) continue;
    const list = current.get(r.agent) ?? [];
    list.push(r.recordId);
    current.set(r.agent, list);
  }
  const out: Finding[] = [];
  for (const [agent, ids] of current) {
    const count = ids.length;
    if (count < p.minCount) continue;
    const n = baseline.get(agent) ?? 0;
    const expected = (n * p.windowMs) / p.baselineMs;
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
          ? `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, ${fmt(ratio)}x its ${duration(p.baselineMs)} rate (${fmt(expected)} per ${duration(p.windowMs)}, n=${fmt(n)})`
          : `${agent} sent ${fmt(count)} records in ${duration(p.windowMs)}, with none in the ${duration(p.baselineMs)} baseline`,
      params: { windowMs: p.windowMs, factor: p.factor, minCount: p.minCount, baselineMs: p.baselineMs, count, expected, baselineCount: n },
      evidence: ids.slice(-100),
      at: now,
    });
  }
  return out;
}
