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
//
// Learning slices (ADR 0030): while an agent is young (under `thinHistory`
// records learned), its records are learned in blocks of `learningSlice` of
// its own records, counted from its first: a record stays `learning` (held
// for the caps and the window detectors, but not yet part of what is normal
// to semantic_deviation, new_edge and new_intent) until its block is full.
// So a young agent's record is judged against its records before its own
// block, wherever engine passes happened to cut its history: a pass that ends
// mid-block leaves the block open, and the next pass judges the rest of it
// against the same baseline. A mature agent's records are learned at once.
import { byTimeThenId, firstAfter, mergeSorted, placeOf, type WindowRecord } from "../detectors/finding.ts";
import { ValueBaselines } from "../detectors/value-baselines.ts";
import { FanOutBaselines } from "../detectors/fan-out-baselines.ts";
import { FanOutBurstParams } from "../detectors/fan-out-burst.ts";
import { isFanOut } from "../caps/caps.ts";
import { NewIntentBaselines } from "../detectors/new-intent-baselines.ts";
import { NewEdgeBaselines } from "../detectors/new-edge-baselines.ts";
import { LoopIndex } from "../detectors/loop-index.ts";
import { failureOf } from "../breaker/edge-breakers.ts";

export interface CachedRecord extends WindowRecord {
  anomalous: boolean;
  /** What it was made from (records the evaluator judged carry these; lineage follows a read to the write it read by them). */
  parents?: readonly string[];
  verified?: boolean;
  verdicts?: readonly string[];
  /** Loaded from storage only: some finding (not a verification one) names it. */
  named?: boolean;
}

/** An agent learns its first records in blocks of this many of its own records (ADR 0030). */
export const LEARNING_SLICE = 20;
/** An agent with this many records learned is mature: its records are learned as they are judged. */
export const THIN_HISTORY = 200;

export interface HistoryCacheOptions {
  /** Records older than this (relative to the newest seen) are dropped. */
  maxAgeMs: number;
  /** Per agent. */
  maxPerAgent: number;
  /** A young agent's records are learned in blocks of this many (default LEARNING_SLICE). */
  learningSlice?: number;
  /** Records learned before an agent is mature (default THIN_HISTORY). */
  thinHistory?: number;
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
  /** Ids held in more than one copy (a replay). */
  private duplicated = 0;
  /**
   * Every record held, in time order (ties by id: dedupeWindow's order), so
   * a pass reads its window in order instead of sorting tens of thousands of
   * records again (ADR 0030). Only a detector falling back to the window
   * reads it (a replayed copy held), so it is kept lazily: records come into
   * `pending` as they are added, and are sorted into it at the next read,
   * when records trimmed away are dropped from it too; not without bound.
   */
  private all: CachedRecord[] = [];
  private pending: CachedRecord[] = [];
  private readonly trimmed = new Set<CachedRecord>();
  /** semantic_deviation's values of the records held that are learned and not anomalous. */
  readonly baselines = new ValueBaselines();
  /** fan_out_burst's sliding counts over the same records the detectors' window holds (at its default span; another span scans). */
  readonly fanOut = new FanOutBaselines(FanOutBurstParams.parse({}).windowMs);
  /** new_intent's counts over the same records. */
  readonly intents = new NewIntentBaselines();
  /** new_edge's edges and counts over the same records. */
  readonly edges = new NewEdgeBaselines();
  /**
   * feedback_loop's index of who fed whom and each series, over every record
   * held, anomalous or not: feedback_loop reads the records other findings
   * named too (ADR 0042).
   */
  readonly loops = new LoopIndex();
  /** Each agent's messages with receivers (any verdict), and its fan-outs among them, in window order: what the per-cycle caps count. */
  private readonly messages = new Map<string, CachedRecord[]>();
  private readonly fanOuts = new Map<string, CachedRecord[]>();
  /** Each agent's records in the detectors' baseline (not anomalous, or still learning), in window order. */
  private readonly baseline = new Map<string, CachedRecord[]>();
  /** Each young agent's open learning block, in the order its records were added. */
  private readonly open = new Map<string, CachedRecord[]>();
  /** A held copy of each record id: what a deviating record's reads and their writes are looked up by. */
  private readonly byId = new Map<string, CachedRecord>();
  /** Ids held that a finding named (not a verification one) or a copy of which failed verification at the door: suspect to lineage. */
  private readonly suspect = new Set<string>();
  /** Each state key's writes held, in window order: the version a read that names none saw. */
  private readonly writes = new Map<string, CachedRecord[]>();
  /** Records learned per agent (held and not `learning`). */
  private readonly learnedCount = new Map<string, number>();
  readonly learningSlice: number;
  readonly thinHistory: number;

  constructor(private readonly options: HistoryCacheOptions = DEFAULT_HISTORY) {
    this.learningSlice = options.learningSlice ?? LEARNING_SLICE;
    this.thinHistory = options.thinHistory ?? THIN_HISTORY;
  }

  /** Agents whose history was never loaded from storage. */
  unloaded(agents: Iterable<string>): string[] {
    return [...new Set(agents)].filter((a) => !this.loaded.has(a));
  }

  /**
   * Seeds an agent's history from storage (records in any order); marks it
   * loaded. Learned in storage order, as if the agent's records had come
   * one pass at a time, so a young agent's open block is open again.
   */
  load(agent: string, records: readonly CachedRecord[]): void {
    this.loaded.add(agent);
    this.add([...records].sort(storageOrder));
    this.markFlagged(records.filter((r) => r.named).map((r) => r.recordId));
  }

  add(records: readonly CachedRecord[]): void {
    const touched = new Set<string>();
    for (const r of records) {
      if (!Number.isFinite(r.at)) continue;
      const key = keyOf(r);
      if (this.held.has(key)) continue;
      this.held.add(key);
      const copies = (this.ids.get(r.recordId) ?? 0) + 1;
      this.ids.set(r.recordId, copies);
      if (copies === 2) this.duplicated++;
      if (!this.byId.has(r.recordId)) this.byId.set(r.recordId, r);
      // Nearly every record is verified and nothing else: asked first, without allocating.
      if (r.verdicts !== undefined && (r.verified !== true || r.verdicts.some((v) => v !== "verified")) && failureOf({ verified: r.verified ?? false, verdicts: r.verdicts, anomalous: false }).length > 0) this.suspect.add(r.recordId);
      if (r.kind === "state.write" && r.intent !== null) addInOrder(this.writes, r, r.intent);
      this.learn(r);
      this.loops.add(r);
      this.insertInOrder(r);
      if (isMessage(r)) addInOrder(this.messages, r);
      if (isFanOut(r)) addInOrder(this.fanOuts, r);
      if (r.at > this.newest) this.newest = r.at;
      const list = this.byAgent.get(r.agent);
      if (!list) this.byAgent.set(r.agent, [r]);
      // Records nearly always come in time order; a late one goes after the records of its time, by binary search.
      else if (list.length === 0 || list[list.length - 1]!.at <= r.at) list.push(r);
      else list.splice(firstAfter(list, r.at), 0, r);
      touched.add(r.agent);
    }
    for (const agent of touched) this.trim(agent);
  }

  /** How many of one agent's records are held. */
  heldFor(agent: string): number {
    return this.byAgent.get(agent)?.length ?? 0;
  }

  /**
   * How many more of this agent's records its open learning block takes
   * before it closes (and is learned); null for a mature agent, whose
   * records are learned as they come.
   */
  openRoom(agent: string): number | null {
    if ((this.learnedCount.get(agent) ?? 0) >= this.thinHistory) return null;
    return this.learningSlice - (this.open.get(agent)?.length ?? 0);
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

  /**
   * In time order (ties by id), each stored copy once: every record of
   * `agents`, and other agents' records of `otherKinds` at or after
   * `othersSince`. `unique` when no id is held twice (no replayed copies).
   */
  window(agents: ReadonlySet<string>, othersSince: number, otherKinds: ReadonlySet<string>): { records: CachedRecord[]; unique: boolean } {
    this.fold();
    const records: CachedRecord[] = [];
    for (const r of this.all) if (agents.has(r.agent) || (r.at >= othersSince && otherKinds.has(r.kind))) records.push(r);
    return { records, unique: this.duplicated === 0 };
  }

  /** The agent's messages with receivers held, in window order (time, then id). Not to be modified. */
  messagesOf(agent: string): readonly CachedRecord[] {
    return this.messages.get(agent) ?? [];
  }

  /** The agent's records in the detectors' baseline (not anomalous, or still learning), in window order. Not to be modified. */
  baselineOf(agent: string): readonly CachedRecord[] {
    return this.baseline.get(agent) ?? [];
  }

  /** No record id is held twice (no replayed copies): what window() calls `unique`. */
  get unique(): boolean {
    return this.duplicated === 0;
  }

  /** The agent's fan-outs held (caps.ts isFanOut), in window order. Not to be modified. */
  fanOutsOf(agent: string): readonly CachedRecord[] {
    return this.fanOuts.get(agent) ?? [];
  }

  /** A held copy of the record. */
  get(recordId: string): CachedRecord | undefined {
    return this.byId.get(recordId);
  }

  /** Whether a finding already named the record (a verification finding aside), or a copy of it failed verification at the door. */
  flagged(recordId: string): boolean {
    return this.suspect.has(recordId);
  }

  /** Records a pass's findings named: held ones are remembered as suspect while they are held. */
  markFlagged(recordIds: Iterable<string>): void {
    for (const id of recordIds) if (this.ids.has(id)) this.suspect.add(id);
  }

  /** The latest write of `key` held at or before `at`: the version a read at `at` that names none saw. */
  writeBefore(key: string, at: number): CachedRecord | undefined {
    const list = this.writes.get(key);
    if (!list) return undefined;
    const i = firstAfter(list, at) - 1;
    return i >= 0 ? list[i] : undefined;
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
    this.byId.clear();
    this.suspect.clear();
    this.writes.clear();
    this.baselines.clear();
    this.fanOut.clear();
    this.intents.clear();
    this.edges.clear();
    this.loops.clear();
    this.open.clear();
    this.messages.clear();
    this.fanOuts.clear();
    this.baseline.clear();
    this.learnedCount.clear();
    this.all = [];
    this.pending = [];
    this.trimmed.clear();
    this.duplicated = 0;
    this.newest = Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byAgent.values()) n += list.length;
    return n;
  }

  private trim(agent: string): void {
    const list = this.byAgent.get(agent)!;
    const cutoff = this.newest - this.options.maxAgeMs;
    let drop = 0;
    while (drop < list.length && list[drop]!.at < cutoff) drop++;
    drop = Math.max(drop, list.length - this.options.maxPerAgent);
    if (drop === 0) return;
    const messages = new Set<CachedRecord>();
    const fanOuts = new Set<CachedRecord>();
    const baseline = new Set<CachedRecord>();
    for (let i = 0; i < drop; i++) {
      const r = list[i]!;
      if (this.forget(r)) baseline.add(r);
      if (isMessage(r)) messages.add(r);
      if (isFanOut(r)) fanOuts.add(r);
    }
    list.splice(0, drop);
    // The window (read only when a detector falls back to it) drops trimmed records lazily; not without bound.
    if (this.trimmed.size > 4096 && this.trimmed.size * 2 > this.all.length + this.pending.length) this.fold();
    dropFront(this.messages, agent, messages);
    dropFront(this.fanOuts, agent, fanOuts);
    dropFront(this.baseline, agent, baseline);
  }

  /** A young agent's record joins its open block (learned when the block is full); a mature agent's is learned now. */
  private learn(r: CachedRecord): void {
    if ((this.learnedCount.get(r.agent) ?? 0) >= this.thinHistory) {
      this.learned(r, false);
      return;
    }
    r.learning = true;
    // In the detectors' window while it is learning, anomalous or not (evaluate-batch.ts).
    this.enter(r, true);
    const block = this.open.get(r.agent);
    if (!block) this.open.set(r.agent, [r]);
    else block.push(r);
    if ((block?.length ?? 1) < this.learningSlice) return;
    for (const x of this.open.get(r.agent)!) this.learned(x, true);
    this.open.delete(r.agent);
  }

  private learned(r: CachedRecord, wasLearning: boolean): void {
    r.learning = false;
    this.learnedCount.set(r.agent, (this.learnedCount.get(r.agent) ?? 0) + 1);
    if (!r.anomalous) {
      this.baselines.add(r);
      if (!wasLearning) this.enter(r, false);
      else {
        this.intents.settle(r);
        this.edges.settle(r);
      }
    } else if (wasLearning) this.leave(r, true);
  }

  /** A record joins the detectors' baseline window (not anomalous, or still learning): the kept baselines learn it. */
  private enter(r: CachedRecord, learning: boolean): void {
    addInOrder(this.baseline, r);
    this.fanOut.add(r);
    this.intents.enter(r, learning);
    this.edges.enter(r, learning);
  }

  /** `listed`: also from the agent's baseline list (a trim takes its records from the list's front itself, at once). */
  private leave(r: CachedRecord, learning: boolean, listed = true): void {
    if (listed) removeInOrder(this.baseline, r);
    this.fanOut.remove(r);
    this.intents.leave(r, learning);
    this.edges.leave(r, learning);
  }

  private insertInOrder(r: CachedRecord): void {
    // Held before and trimmed away, now back: its old place goes first.
    if (this.trimmed.has(r)) this.fold();
    this.pending.push(r);
    if (this.pending.length > 4096 && this.pending.length > this.all.length) this.fold();
  }

  /**
   * Sorts the records added since the last read into `all` and drops those
   * trimmed away: a stable sort of the new ones (nearly in order already),
   * merged after the held records they tie with, which is where placing
   * each as it came put it.
   */
  private fold(): void {
    if (this.pending.length === 0 && this.trimmed.size === 0) return;
    const live = (r: CachedRecord) => !this.trimmed.has(r);
    const fresh = (this.trimmed.size > 0 ? this.pending.filter(live) : this.pending).sort(byTimeThenId);
    const held = this.trimmed.size > 0 ? this.all.filter(live) : this.all;
    this.all = fresh.length === 0 ? held : mergeSorted(held, fresh, byTimeThenId);
    this.pending = [];
    this.trimmed.clear();
  }

  /** Forgets a record trimmed away; true when it was in its agent's baseline list (the caller takes it from there). */
  private forget(r: CachedRecord): boolean {
    this.held.delete(keyOf(r));
    this.loops.remove(r);
    this.trimmed.add(r);
    const n = (this.ids.get(r.recordId) ?? 1) - 1;
    if (n === 1) this.duplicated--;
    if (n > 0) this.ids.set(r.recordId, n);
    else {
      this.ids.delete(r.recordId);
      this.suspect.delete(r.recordId);
    }
    if (this.byId.get(r.recordId) === r) {
      // Another copy still held (a replay, nearly always the same agent's) takes its place.
      const other = n > 0 ? this.byAgent.get(r.agent)?.find((x) => x !== r && x.recordId === r.recordId && this.held.has(keyOf(x))) : undefined;
      if (other) this.byId.set(r.recordId, other);
      else this.byId.delete(r.recordId);
    }
    if (r.kind === "state.write" && r.intent !== null) removeInOrder(this.writes, r, r.intent);
    if (r.learning) {
      this.leave(r, true, false);
      const block = this.open.get(r.agent);
      const at = block?.indexOf(r) ?? -1;
      if (at >= 0) block!.splice(at, 1);
      return true;
    }
    // The count of records learned only grows: an agent does not turn young again as its oldest records age out.
    if (r.anomalous) return false;
    this.baselines.remove(r);
    this.leave(r, false, false);
    return true;
  }
}

const isMessage = (r: CachedRecord): boolean => r.kind === "message" && r.receivers.length > 0;


/** Adds a record to its agent's list (or `key`'s), kept in window order. */
function addInOrder(lists: Map<string, CachedRecord[]>, r: CachedRecord, key = r.agent): void {
  const list = lists.get(key);
  if (!list) lists.set(key, [r]);
  else if (byTimeThenId(list[list.length - 1]!, r) <= 0) list.push(r);
  else list.splice(placeOf(list, r), 0, r);
}

/** Removes a record from its agent's list (or `key`'s; window order): found by binary search. */
function removeInOrder(lists: Map<string, CachedRecord[]>, r: CachedRecord, key = r.agent): void {
  const list = lists.get(key);
  if (!list) return;
  let i = list[0] === r ? 0 : placeOf(list, r) - 1;
  // Equal time and id (a replayed copy) sort together: walk them for this one.
  while (i >= 0 && list[i] !== r && byTimeThenId(list[i]!, r) === 0) i--;
  if (i < 0 || list[i] !== r) i = list.indexOf(r);
  if (i < 0) return;
  list.splice(i, 1);
  if (list.length === 0) lists.delete(key);
}

/**
 * Drops records trimmed away from an agent's list, every one of them in it:
 * the oldest go first, so they are its front, but for ties in time (which
 * the list orders by id): the few left behind the front are looked for
 * until all are found, not through the whole list.
 */
function dropFront(lists: Map<string, CachedRecord[]>, agent: string, gone: ReadonlySet<CachedRecord>): void {
  const list = lists.get(agent);
  if (!list || gone.size === 0) return;
  let k = 0;
  while (k < list.length && gone.has(list[k]!)) k++;
  let left = gone.size - k;
  if (left > 0) {
    let w = k;
    let i = k;
    for (; i < list.length && left > 0; i++) {
      if (gone.has(list[i]!)) left--;
      else list[w++] = list[i]!;
    }
    // list[k..w) kept so far, list[w..i) dropped: close the gap.
    list.copyWithin(w, i);
    list.length -= i - w;
  }
  list.splice(0, k);
  if (list.length === 0) lists.delete(agent);
}

/** Storage order: by seq (a bigint as a string) when records have one, else by time. */
function storageOrder(a: CachedRecord, b: CachedRecord): number {
  const sa = (a as { seq?: string }).seq;
  const sb = (b as { seq?: string }).seq;
  if (sa !== undefined && sb !== undefined && /^\d+$/.test(sa) && /^\d+$/.test(sb)) return sa.length - sb.length || (sa < sb ? -1 : sa > sb ? 1 : 0);
  return a.at - b.at;
}
