// What the engine remembers between batches, so each batch reads only the new
// records from the database: the latest records of each agent (the baseline
// the detectors compare against and the counts the caps start from), bounded
// by age and by count per agent. Records found anomalous are kept for the
// caps but left out of the baseline: a poisoned feed must not teach the
// detectors that poison is normal.
//
// Beside the records it keeps semantic_deviation's baselines (the sorted
// values of every record not anomalous), added to and taken from as records
// come and age out, so a pass does not read every payload again.
import type { WindowRecord } from "../detectors/finding.ts";
import { ValueBaselines } from "../detectors/value-baselines.ts";

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

/** A stored copy is one record; copies of one id (a replay) are several. */
const keyOf = (r: CachedRecord): string => (r as { seq?: string }).seq ?? r.recordId;

export class HistoryCache {
  private readonly byAgent = new Map<string, CachedRecord[]>();
  private readonly loaded = new Set<string>();
  private newest = Number.NEGATIVE_INFINITY;
  /** Stored copies held (keyOf), so a record added twice is held once. */
  private readonly held = new Set<string>();
  /** Copies held per record id. */
  private readonly ids = new Map<string, number>();
  /** semantic_deviation's values of the records held that are not anomalous. */
  readonly baselines = new ValueBaselines();

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
    const unsorted = new Set<string>();
    for (const r of records) {
      if (!Number.isFinite(r.at)) continue;
      const key = keyOf(r);
      if (this.held.has(key)) continue;
      this.held.add(key);
      this.ids.set(r.recordId, (this.ids.get(r.recordId) ?? 0) + 1);
      if (!r.anomalous) this.baselines.add(r);
      if (r.at > this.newest) this.newest = r.at;
      const list = this.byAgent.get(r.agent);
      if (!list) this.byAgent.set(r.agent, [r]);
      else {
        // Records nearly always come in time order; only a late one costs a sort.
        if (list.length > 0 && r.at < list[list.length - 1]!.at) unsorted.add(r.agent);
        list.push(r);
      }
      touched.add(r.agent);
    }
    for (const agent of touched) this.trim(agent, unsorted.has(agent));
  }

  /** The agents' cached records, oldest first. */
  /** How many of one agent's records are held. */
  heldFor(agent: string): number {
    return this.byAgent.get(agent)?.length ?? 0;
  }

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

  /** Whether any of these record ids is held (a replayed copy of one being judged). */
  holdsAny(recordIds: Iterable<string>): boolean {
    for (const id of recordIds) if (this.ids.has(id)) return true;
    return false;
  }

  /** Forgets everything: the next batch reloads its agents from storage. */
  clear(): void {
    this.byAgent.clear();
    this.loaded.clear();
    this.held.clear();
    this.ids.clear();
    this.baselines.clear();
    this.newest = Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byAgent.values()) n += list.length;
    return n;
  }

  private trim(agent: string, unsorted: boolean): void {
    const list = this.byAgent.get(agent)!;
    if (unsorted) list.sort((a, b) => a.at - b.at);
    const cutoff = this.newest - this.options.maxAgeMs;
    let drop = 0;
    while (drop < list.length && list[drop]!.at < cutoff) drop++;
    drop = Math.max(drop, list.length - this.options.maxPerAgent);
    if (drop === 0) return;
    for (let i = 0; i < drop; i++) this.forget(list[i]!);
    list.splice(0, drop);
  }

  private forget(r: CachedRecord): void {
    this.held.delete(keyOf(r));
    const n = (this.ids.get(r.recordId) ?? 1) - 1;
    if (n > 0) this.ids.set(r.recordId, n);
    else this.ids.delete(r.recordId);
    if (!r.anomalous) this.baselines.remove(r);
  }
}
