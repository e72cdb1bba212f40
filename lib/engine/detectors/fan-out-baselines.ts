// fan_out_burst's baseline, kept as records come and go instead of read
// again every pass: for each agent, its baseline records that have receivers
// in window order (time, then id), and for each the distinct receivers of
// the sliding span ending at it, as fanOutBurst's scan counts them. The
// agent's baseline maximum is then the largest of those counts, a walk over
// numbers instead of a day of receiver lists through a Map.
//
// A record's count depends only on the records of the span before it, so a
// record added or removed changes the counts of the records in the span after
// it: those are counted again (from the change on, when it is not at the
// front; appended records are simply counted). The engine's history cache adds and
// removes records here as it learns and trims them (history-cache.ts); the
// detector falls back to its own scan whenever these cannot speak for the
// window (another span length, an agent never added, a batch older than the
// baseline's newest record).
import { byTimeThenId, firstAfter, placeOf, type WindowRecord } from "./finding.ts";

class AgentSpans {
  records: WindowRecord[] = [];
  distinct: number[] = [];
  /** records[0..start) are removed (compacted from time to time). */
  start = 0;
  /** Counts from this index on are stale. */
  staleFrom = Number.POSITIVE_INFINITY;
  /** Counts in [start, frontTo) are stale (records removed from the front). */
  frontTo = 0;
  /** The latest time of a record removed from the front since the last refresh: the counts of the span after it are stale. */
  removedAt = Number.NEGATIVE_INFINITY;
}

export class FanOutBaselines {
  private readonly agents = new Map<string, AgentSpans>();

  constructor(readonly spanMs: number) {}

  /** Adds a baseline record (one with receivers that is not anomalous, or still in its learning block). */
  add(r: WindowRecord): void {
    if (r.receivers.length === 0) return;
    let a = this.agents.get(r.agent);
    if (!a) this.agents.set(r.agent, (a = new AgentSpans()));
    const n = a.records.length;
    if (n === a.start || byTimeThenId(a.records[n - 1]!, r) <= 0) {
      a.records.push(r);
      a.distinct.push(0);
      a.staleFrom = Math.min(a.staleFrom, n);
      return;
    }
    // Late: its place by binary search; the counts after it are counted again.
    const lo = placeOf(a.records, r, a.start);
    a.records.splice(lo, 0, r);
    a.distinct.splice(lo, 0, 0);
    a.staleFrom = Math.min(a.staleFrom, lo);
  }

  /** Removes a record added before (aged out, or found anomalous when its learning block closed). */
  remove(r: WindowRecord): void {
    if (r.receivers.length === 0) return;
    const a = this.agents.get(r.agent);
    if (!a) return;
    if (a.records[a.start] === r) {
      a.start++;
      // The records of the span after it counted it: found once, at the next refresh (a busy agent trims a record per record it adds).
      if (r.at > a.removedAt) a.removedAt = r.at;
      if (a.staleFrom < a.start) a.staleFrom = a.start;
      if (a.start === a.records.length) this.agents.delete(r.agent);
      else if (a.start > 1024 && a.start * 2 > a.records.length) this.compact(a);
      return;
    }
    const at = a.records.indexOf(r, a.start);
    if (at < 0) return;
    a.records.splice(at, 1);
    a.distinct.splice(at, 1);
    if (at < a.frontTo) a.frontTo--;
    a.staleFrom = Math.min(a.staleFrom, at);
  }

  /**
   * The agent's largest count over its baseline, and its newest record's
   * time; null when the agent has no baseline record here.
   */
  maxOf(agent: string): { max: number; lastAt: number } | null {
    const a = this.agents.get(agent);
    if (!a || a.start === a.records.length) return null;
    this.refresh(a);
    let max = 0;
    for (let i = a.start; i < a.distinct.length; i++) if (a.distinct[i]! > max) max = a.distinct[i]!;
    return { max, lastAt: a.records[a.records.length - 1]!.at };
  }

  /** The agent's baseline records later than `t`, oldest first. */
  after(agent: string, t: number): WindowRecord[] {
    const a = this.agents.get(agent);
    if (!a) return [];
    // Removed records are the oldest, so they sort before any later than `t`.
    return a.records.slice(Math.max(a.start, firstAfter(a.records, t)));
  }

  clear(): void {
    this.agents.clear();
  }

  /** The first index from `from` whose span no longer reaches back to `at`. */
  private spanEnd(a: AgentSpans, at: number, from: number): number {
    let i = from;
    while (i < a.records.length && a.records[i]!.at - this.spanMs < at) i++;
    return i;
  }

  private refresh(a: AgentSpans): void {
    if (a.removedAt > Number.NEGATIVE_INFINITY) {
      a.frontTo = Math.max(a.frontTo, this.spanEnd(a, a.removedAt, a.start));
      a.removedAt = Number.NEGATIVE_INFINITY;
    }
    if (a.frontTo > a.start) this.count(a, a.start, Math.min(a.frontTo, a.records.length));
    a.frontTo = 0;
    // Records appended are counted here; a change in the middle (a late record, an anomalous one leaving) counts the rest again.
    if (a.staleFrom < a.records.length) this.count(a, a.staleFrom, a.records.length);
    a.staleFrom = Number.POSITIVE_INFINITY;
  }

  /** fanOutBurst's count for records [from, to): distinct receivers of records[start..i] later than at(i) - span. */
  private count(a: AgentSpans, from: number, to: number): void {
    const counts = new Map<string, number>();
    const first = from > a.start ? a.records[from]!.at - this.spanMs : Number.NEGATIVE_INFINITY;
    let tail = from;
    while (tail > a.start && a.records[tail - 1]!.at > first) tail--;
    for (let k = tail; k < from; k++) for (const to of a.records[k]!.receivers) counts.set(to, (counts.get(to) ?? 0) + 1);
    for (let i = from; i < to; i++) {
      const r = a.records[i]!;
      for (const x of r.receivers) counts.set(x, (counts.get(x) ?? 0) + 1);
      while (tail < i && a.records[tail]!.at <= r.at - this.spanMs) {
        for (const x of a.records[tail]!.receivers) {
          const c = (counts.get(x) ?? 0) - 1;
          if (c <= 0) counts.delete(x);
          else counts.set(x, c);
        }
        tail++;
      }
      a.distinct[i] = counts.size;
    }
  }

  private compact(a: AgentSpans): void {
    a.records = a.records.slice(a.start);
    a.distinct = a.distinct.slice(a.start);
    a.frontTo = Math.max(0, a.frontTo - a.start);
    if (Number.isFinite(a.staleFrom)) a.staleFrom -= a.start;
    a.start = 0;
  }
}
