// One agent suddenly sending to many distinct receivers in a short span: a
// planner spraying work, or a compromised agent fanning out.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import type { FanOutBaselines } from "./fan-out-baselines.ts";
import { byAgent, byTimeThenId, dedupeWindow, mergeByTime, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";

export const FanOutBurstParams = z.object({
  /** The short span receivers are counted over. */
  windowMs: z.number().int().positive().default(10_000),
  /** Never a burst below this many distinct receivers... */
  minReceivers: z.number().int().min(1).default(5),
  /** ...nor below this many times the agent's baseline maximum over any such span. */
  factor: z.number().min(1).default(3),
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type FanOutBurstParams = z.infer<typeof FanOutBurstParams>;

/** Distinct receivers over a sliding time span, two pointers over time-ordered records. */
class SlidingReceivers {
  private readonly counts: Map<string, number>;
  private tail = 0;
  /** `counts`: the receivers of the records before the first one advanced to, when it does not start at 0 (copied). */
  constructor(
    private readonly records: readonly WindowRecord[],
    private readonly span: number,
    counts?: ReadonlyMap<string, number>,
  ) {
    this.counts = new Map(counts);
  }
  /** Adds records[i] and drops those at or before its time minus the span; returns the distinct count. */
  advance(i: number): number {
    const r = this.records[i]!;
    for (const to of r.receivers) this.counts.set(to, (this.counts.get(to) ?? 0) + 1);
    while (this.tail < i && this.records[this.tail]!.at <= r.at - this.span) {
      for (const to of this.records[this.tail]!.receivers) {
        const c = (this.counts.get(to) ?? 0) - 1;
        if (c <= 0) this.counts.delete(to);
        else this.counts.set(to, c);
      }
      this.tail++;
    }
    return this.counts.size;
  }
  /** Ids in the current span, in window order (kept records of one time come in the order they came). */
  ids(i: number): string[] {
    return this.records.slice(this.tail, i + 1).sort(byTimeThenId).map((r) => r.recordId);
  }
}

/**
 * `baselines`: the history's sliding counts, kept by the caller (the engine's
 * history cache) over exactly the window's history; read instead of the
 * history: for an agent whose recent records all come after its history, its
 * largest count and the span ending at its newest record; for one whose
 * recent records come late, the largest count up to its first recent record
 * and the span there, with only the later history slid through again.
 */
export function fanOutBurst(window: DetectorWindow, input: Partial<FanOutBurstParams> = {}, baselines?: FanOutBaselines): Finding[] {
  const p = FanOutBurstParams.parse(input);
  const w = dedupeWindow(window);
  const { recent } = w;
  const recentIds = new Set(recent.map((r) => r.recordId));
  const kept = baselines?.spanMs === p.windowMs ? baselines : undefined;
  const sends = (r: WindowRecord) => r.receivers.length > 0;
  const out: Finding[] = [];
  // Only an agent with recent records can burst now: the others' history is not read.
  for (const [agent, all] of byAgent(recent)) {
    const mine = all.filter(sends);
    if (mine.length === 0) continue;
    const summary = kept?.maxOf(agent);
    let records: readonly WindowRecord[];
    let baselineMax = 0;
    let sliding: SlidingReceivers;
    let from = 0;
    if (summary && summary.lastAt <= mine[0]!.at) {
      // Its whole baseline before its first recent record: the kept maximum, and the kept span ending at its newest record to slide on from.
      baselineMax = summary.max;
      const last = kept!.lastSpan(agent);
      records = [...last.records, ...mine];
      sliding = new SlidingReceivers(records, p.windowMs, last.counts);
      from = last.records.length;
    } else if (kept && !summary) {
      // No baseline record with receivers: nothing to compare against.
      records = mine;
      sliding = new SlidingReceivers(records, p.windowMs);
    } else {
      // Some of its baseline is newer than its first recent record (requests stored out of order): from the kept span there, when kept.
      const late = summary ? kept!.before(agent, mine[0]!.at) : null;
      if (late) {
        baselineMax = late.max;
        records = [...late.span.records, ...mergeByTime(late.after, mine)];
        sliding = new SlidingReceivers(records, p.windowMs, late.span.counts);
        from = late.span.records.length;
      } else {
        records = mergeByTime((byAgent(w.history).get(agent) ?? []).filter(sends), mine);
        sliding = new SlidingReceivers(records, p.windowMs);
      }
    }
    let inBurst = false;
    for (let i = from; i < records.length; i++) {
      const r = records[i]!;
      const distinct = sliding.advance(i);
      if (!recentIds.has(r.recordId)) {
        baselineMax = Math.max(baselineMax, distinct);
        continue;
      }
      const limit = Math.max(p.minReceivers, p.factor * baselineMax);
      // One finding per burst: nothing more until the span falls back under the limit.
      if (distinct < limit) {
        inBurst = false;
        continue;
      }
      if (inBurst) continue;
      inBurst = true;
      out.push({
        detector: "fan_out_burst",
        recordId: r.recordId,
        agent,
        subject: agent,
        score: baselineMax > 0 ? distinct / baselineMax : Number.POSITIVE_INFINITY,
        explanation:
          `${agent} sent to ${fmt(distinct)} distinct receivers in ${duration(p.windowMs)} ` +
          (baselineMax > 0 ? `(${duration(p.baselineMs)} baseline: at most ${fmt(baselineMax)} in any ${duration(p.windowMs)})` : `(none in the ${duration(p.baselineMs)} baseline)`),
        params: { windowMs: p.windowMs, minReceivers: p.minReceivers, factor: p.factor, baselineMs: p.baselineMs, distinct, baselineMax },
        evidence: sliding.ids(i),
        at: r.at,
      });
    }
  }
  return out;
}
