// What the engine remembers between batches, so each batch reads only the new
// records from the database: the latest records of each agent (the baseline
// the detectors compare against and the counts the caps start from), bounded
// by age and by count per agent. Records found anomalous are kept for the
// caps but left out of the baseline: a poisoned feed must not teach the
// detectors that poison is normal.
import type { WindowRecord } from "../detectors/finding.ts";

export interface CachedRecord extends WindowRecord {
  anomalous: boolean;
}

export interface HistoryCacheOptions {
  /** Records older than this (relative to the newest seen) are dropped. */
  maxAgeMs: number;
  /** Per agent. */
  maxPerAgent: number;
}

export const DEFAULT_HISTORY: HistoryCacheOptions = { maxAgeMs: 86_400_000, maxPerAgent: 2_000 };

export class HistoryCache {
  private readonly byAgent = new Map<string, CachedRecord[]>();
  private readonly loaded = new Set<string>();
  private newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: HistoryCacheOptions = DEFAULT_HISTORY) {}

  /** Agents whose history was never loaded from storage. */
  unloaded(agents: Iterable<string>): string[] {
    return [...new Set(agents)].filter((a) => !this.loaded.has(a));
  }

  /** Seeds an agent's history from storage (records in any order); marks it loaded. */
  load(agent: string, records: readonly CachedRecord[]): void {
    this.loaded.add(agent);
    this.add(records);
  }

  add(records: readonly CachedRecord[]): void {
    const touched = new Set<string>();
    for (const r of records) {
      if (!Number.isFinite(r.at)) continue;
      if (r.at > this.newest) this.newest = r.at;
      const list = this.byAgent.get(r.agent);
      if (list) list.push(r);
      else this.byAgent.set(r.agent, [r]);
      touched.add(r.agent);
    }
    for (const agent of touched) this.trim(agent);
  }

  /** The agents' cached records, oldest first. */
  forAgents(agents: Iterable<string>): CachedRecord[] {
    const out: CachedRecord[] = [];
    for (const a of new Set(agents)) out.push(...(this.byAgent.get(a) ?? []));
    return out;
  }

  /** Every agent's records at or after `since` (the recent message graph a feedback loop lives in). */
  since(since: number): CachedRecord[] {
    const out: CachedRecord[] = [];
    for (const list of this.byAgent.values()) {
      // Lists are time ordered: walk back from the end.
      for (let i = list.length - 1; i >= 0 && list[i]!.at >= since; i--) out.push(list[i]!);
    }
    return out;
  }

  /** Forgets everything: the next batch reloads its agents from storage. */
  clear(): void {
    this.byAgent.clear();
    this.loaded.clear();
    this.newest = Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byAgent.values()) n += list.length;
    return n;
  }

  private trim(agent: string): void {
    const list = this.byAgent.get(agent)!;
    list.sort((a, b) => a.at - b.at);
    const cutoff = this.newest - this.options.maxAgeMs;
    let drop = 0;
    while (drop < list.length && list[drop]!.at < cutoff) drop++;
    drop = Math.max(drop, list.length - this.options.maxPerAgent);
    if (drop > 0) list.splice(0, drop);
  }
}
