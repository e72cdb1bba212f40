// fan_out_burst's baseline, kept as records come and go instead of read
// again every pass: for each agent, its baseline records that have receivers
// in window order (time, then id), and the largest count of distinct
// receivers over the sliding span ending at any of them, as fanOutBurst's
// scan counts them, kept without counting spans again:
//
// - a record's count is taken when it is appended, from the span ending at
//   the agent's newest record (kept as receiver counts, slid forward);
// - it stays exact while its span does not reach back to the agent's oldest
//   record held: records removed (aged out) are older than that;
// - the records whose span does reach back to the oldest (the front) count
//   every receiver from the oldest on, so their largest count is the
//   distinct receivers of the whole front, kept as receiver counts too;
// - the largest count beyond the front is a sliding maximum (a monotonic
//   queue), as the front moves on with the oldest record.
//
// Records of one time are kept in the order they came (see `add`).
// Appending a record and removing the oldest cost a few map updates; a busy
// agent does both for every record in a storm, when the span holds all of
// its history. Records late within the newest span (concurrent requests
// stored out of order) are counted in together at the agent's next read,
// from the first of them on; one later than that, or one removed from the
// middle (found anomalous when its learning block closed), makes the agent
// count from scratch then. The engine's history cache adds and removes
// records here as it learns and trims them (history-cache.ts); the detector
// falls back to its own scan whenever these cannot speak for the window
// (another span length, a replayed copy held). A batch
// older than the baseline's newest record slides from the kept span at its
// first record (`before`).
import { firstAfter, type WindowRecord } from "./finding.ts";

type Counts = Map<string, number>;

/** A settle's cost in records per record it counts again: it takes each record after the first late one out, adds it back and slides past it. */
const SETTLE_COST = 3;

class AgentSpans {
  records: WindowRecord[] = [];
  /** Count of each record when it was appended: exact from `front` on. */
  distinct: number[] = [];
  /** records[0..start) are removed (compacted from time to time). */
  start = 0;
  /** records[start..front) span back to records[start]; `frontCounts` holds their receivers. */
  front = 0;
  frontCounts: Counts = new Map();
  /** records[endTail..] are the span ending at the newest record; `endCounts` holds their receivers. */
  endTail = 0;
  endCounts: Counts = new Map();
  /** Indices with decreasing counts, from `queueHead`: the largest count beyond the front first. */
  queue: number[] = [];
  queueHead = 0;
  /** A record came late or left from the middle: count from scratch at the next read. */
  stale = false;
  /**
   * The first record that came late since the counts were last settled
   * (-1: none). Records from it on are counted again once, at the next read
   * (`settle`), however many came late: `distinct` is -1 for each of them,
   * which `endCounts` does not hold yet.
   */
  dirtyFrom = -1;
}

/** Where the sliding span ending at an agent's newest baseline record starts, and the receivers in it. */
export interface KeptSpan {
  /** The agent's baseline records in that span, oldest first. */
  records: readonly WindowRecord[];
  /** Receiver counts over `records` (not to be modified). */
  counts: ReadonlyMap<string, number>;
}

export class FanOutBaselines {
  private readonly agents = new Map<string, AgentSpans>();
  /** How many times an agent was counted from scratch (a late record out of reach, or one removed from the middle). */
  recounts = 0;

  constructor(readonly spanMs: number) {}

  /** Adds a baseline record (one with receivers that is not anomalous, or still in its learning block). */
  add(r: WindowRecord): void {
    if (r.receivers.length === 0) return;
    let a = this.agents.get(r.agent);
    if (!a) this.agents.set(r.agent, (a = new AgentSpans()));
    const n = a.records.length;
    // A record as late as the newest goes after it whatever their ids: no
    // span's largest count depends on how records of one time are ordered
    // (fanOutBurst lists a burst's records in window order itself), and the
    // cache trims records of one time in the order they came.
    if (n === a.start || a.records[n - 1]!.at <= r.at) {
      a.records.push(r);
      a.distinct.push(0);
      if (a.stale) return;
      // While records wait to be counted in, so does this one; the front catches up as the oldest leaves.
      if (a.dirtyFrom < 0) this.appended(a, n);
      else a.distinct[n] = -1;
      return;
    }
    // Late: after the records of its time (they came first), by binary
    // search; the cache trims records of one time in that order too. Late
    // within the span ending at the newest record (concurrent requests stored
    // out of order) it is counted in at the next read, with every other
    // record late since; otherwise the agent counts again from scratch then.
    const lo = firstAfter(a.records, r.at, a.start);
    a.records.splice(lo, 0, r);
    a.distinct.splice(lo, 0, 0);
    if (!a.stale && !this.lateIn(a, lo)) a.stale = true;
  }

  /** Removes a record added before (aged out, or found anomalous when its learning block closed). */
  remove(r: WindowRecord): void {
    if (r.receivers.length === 0) return;
    const a = this.agents.get(r.agent);
    if (!a) return;
    if (a.records[a.start] === r) {
      this.removeOldest(a);
      if (a.start === a.records.length) this.agents.delete(r.agent);
      else if (a.start > 1024 && a.start * 2 > a.records.length) compact(a);
      return;
    }
    const at = a.records.indexOf(r, a.start);
    if (at < 0) return;
    a.records.splice(at, 1);
    a.distinct.splice(at, 1);
    a.stale = true;
  }

  /**
   * The agent's largest count over its baseline, and its newest record's
   * time; null when the agent has no baseline record here.
   */
  maxOf(agent: string): { max: number; lastAt: number } | null {
    const a = this.agents.get(agent);
    if (!a || a.start === a.records.length) return null;
    this.settled(a);
    while (a.queueHead < a.queue.length && a.queue[a.queueHead]! < a.front) a.queueHead++;
    const beyond = a.queueHead < a.queue.length ? a.distinct[a.queue[a.queueHead]!]! : 0;
    return { max: Math.max(a.frontCounts.size, beyond), lastAt: a.records[a.records.length - 1]!.at };
  }

  /** The span ending at the agent's newest baseline record: where a detector sliding on from it starts. */
  lastSpan(agent: string): KeptSpan {
    const a = this.agents.get(agent);
    if (!a || a.start === a.records.length) return { records: [], counts: new Map() };
    this.settled(a);
    return { records: a.records.slice(a.endTail), counts: a.endCounts };
  }

  /**
   * For a batch whose first record (at `t`) is older than the agent's newest
   * baseline record (concurrent requests stored out of order): the largest
   * count among the baseline records at or before `t`, the span ending at
   * `t` (its records and receiver counts, to slide on from), and the
   * baseline records after `t`, so fanOutBurst slides through the late part
   * alone instead of the agent's whole history. Null when the agent has no
   * baseline record here.
   */
  before(agent: string, t: number): { max: number; span: KeptSpan; after: readonly WindowRecord[] } | null {
    const a = this.agents.get(agent);
    if (!a || a.start === a.records.length) return null;
    this.settled(a);
    const split = firstAfter(a.records, t, a.start);
    let max: number;
    if (split <= a.front) {
      // A front record's span reaches back to the oldest: its count is every receiver from the oldest to it, the largest at the last.
      max = this.countsOver(a, a.start, split).size;
    } else {
      max = a.frontCounts.size;
      for (let i = a.front; i < split; i++) if (a.distinct[i]! > max) max = a.distinct[i]!;
    }
    // Every record from `t` on drops what is at or before t minus the span: the span starts after that.
    const tail = firstAfter(a.records, t - this.spanMs, a.start);
    const from = Math.min(tail, split);
    return { max, span: { records: a.records.slice(from, split), counts: this.countsOver(a, from, split) }, after: a.records.slice(split) };
  }

  /**
   * The receiver counts over records[lo..hi), lo at or before the end span's
   * start: from the kept end span when it holds most of them (a storm's
   * history often fits in one span: then a late batch costs the records
   * after it, not the agent's history), else counted.
   */
  private countsOver(a: AgentSpans, lo: number, hi: number): Counts {
    const n = a.records.length;
    const counts: Counts = new Map();
    if (lo > a.endTail || hi < a.endTail || hi - lo <= a.endCounts.size + (a.endTail - lo) + (n - hi)) {
      for (let i = lo; i < hi; i++) add(counts, a.records[i]!.receivers);
      return counts;
    }
    for (const [k, v] of a.endCounts) counts.set(k, v);
    for (let i = lo; i < a.endTail; i++) add(counts, a.records[i]!.receivers);
    for (let i = hi; i < n; i++) take(counts, a.records[i]!.receivers);
    return counts;
  }

  clear(): void {
    this.agents.clear();
  }

  /** Counts ready to read: from scratch when stale, else the records late since the last read counted in. */
  private settled(a: AgentSpans): void {
    if (a.stale) this.recount(a);
    else if (a.dirtyFrom >= 0) this.settle(a);
  }

  /** records[i], just appended in order: its count, the end span slid on, the front and the queue. */
  private appended(a: AgentSpans, i: number): void {
    const r = a.records[i]!;
    add(a.endCounts, r.receivers);
    while (a.endTail < i && a.records[a.endTail]!.at <= r.at - this.spanMs) take(a.endCounts, a.records[a.endTail++]!.receivers);
    a.distinct[i] = a.endCounts.size;
    if (a.front === i && r.at - this.spanMs < a.records[a.start]!.at) {
      add(a.frontCounts, r.receivers);
      a.front++;
    }
    while (a.queue.length > a.queueHead && a.distinct[a.queue[a.queue.length - 1]!]! <= a.distinct[i]!) a.queue.pop();
    a.queue.push(i);
  }

  /**
   * records[lo], just inserted before newer records: false when it cannot
   * be counted in from the end span (it falls before it, or at the oldest
   * record). Otherwise it joins the front now (only its own receivers
   * change that) and waits for `settle` with the others late since.
   */
  private lateIn(a: AgentSpans, lo: number): boolean {
    const n = a.records.length;
    const r = a.records[lo]!;
    if (lo <= a.start || lo < a.endTail || r.at <= a.records[n - 1]!.at - this.spanMs) return false;
    a.distinct[lo] = -1;
    // A record inside the front reaches the oldest as the one after it does; at its end, it may.
    if (lo <= a.front && r.at - this.spanMs < a.records[a.start]!.at) {
      add(a.frontCounts, r.receivers);
      a.front++;
    }
    if (a.dirtyFrom < 0 || lo < a.dirtyFrom) a.dirtyFrom = lo;
    return true;
  }

  /**
   * Counts the records from the first late one on again, once for all the
   * records late since the last read. Only the counts of records from it on
   * changed (a record's span gains at most the late records' receivers).
   * The span ending at it is the end span without the records from it on
   * (late ones were never in it) and with the few before the end span that
   * its own span reaches; from there it slides on to the newest record, as
   * `appended` does. From scratch when that would cost more, which is
   * always so once the first late record itself aged out (lo before the
   * oldest: the end span gave up its receivers, never counted in).
   */
  private settle(a: AgentSpans): void {
    const lo = a.dirtyFrom;
    a.dirtyFrom = -1;
    const n = a.records.length;
    const budget = a.records.length - a.start;
    const from = a.records[lo]!.at - this.spanMs;
    let tail = a.endTail;
    while (tail > a.start && a.records[tail - 1]!.at > from && SETTLE_COST * (n - lo) + (a.endTail - tail) <= budget) tail--;
    if (SETTLE_COST * (n - lo) + (a.endTail - tail) > budget || (tail > a.start && a.records[tail - 1]!.at > from)) {
      this.recount(a);
      return;
    }
    const counts = new Map(a.endCounts);
    for (let i = lo + 1; i < n; i++) if (a.distinct[i] !== -1) take(counts, a.records[i]!.receivers);
    for (let i = tail; i < a.endTail; i++) add(counts, a.records[i]!.receivers);
    for (let i = lo; i < n; i++) {
      const x = a.records[i]!;
      add(counts, x.receivers);
      while (tail < i && a.records[tail]!.at <= x.at - this.spanMs) take(counts, a.records[tail++]!.receivers);
      a.distinct[i] = counts.size;
    }
    a.endTail = tail;
    a.endCounts = counts;
    // The queue's indices from `lo` on moved; the counts before `lo` did not change, so what they dropped stays dropped.
    while (a.queue.length > a.queueHead && a.queue[a.queue.length - 1]! >= lo) a.queue.pop();
    for (let i = Math.max(lo, a.front); i < n; i++) {
      while (a.queue.length > a.queueHead && a.distinct[a.queue[a.queue.length - 1]!]! <= a.distinct[i]!) a.queue.pop();
      a.queue.push(i);
    }
  }

  private removeOldest(a: AgentSpans): void {
    const r = a.records[a.start]!;
    if (a.stale) {
      a.start++;
      return;
    }
    take(a.frontCounts, r.receivers);
    if (a.endTail === a.start) take(a.endCounts, a.records[a.endTail++]!.receivers);
    a.start++;
    if (a.front < a.start) a.front = a.start;
    if (a.start === a.records.length) return;
    // The oldest is later now: more records' spans reach back to it.
    const oldest = a.records[a.start]!.at;
    while (a.front < a.records.length && a.records[a.front]!.at - this.spanMs < oldest) add(a.frontCounts, a.records[a.front++]!.receivers);
  }

  private recount(a: AgentSpans): void {
    this.recounts++;
    a.stale = false;
    a.dirtyFrom = -1;
    a.front = a.start;
    a.endTail = a.start;
    a.frontCounts = new Map();
    a.endCounts = new Map();
    a.queue = [];
    a.queueHead = 0;
    for (let i = a.start; i < a.records.length; i++) this.appended(a, i);
  }
}

function add(counts: Counts, receivers: readonly string[]): void {
  for (const x of receivers) counts.set(x, (counts.get(x) ?? 0) + 1);
}

function take(counts: Counts, receivers: readonly string[]): void {
  for (const x of receivers) {
    const c = (counts.get(x) ?? 0) - 1;
    if (c <= 0) counts.delete(x);
    else counts.set(x, c);
  }
}

function compact(a: AgentSpans): void {
  const by = a.start;
  a.records = a.records.slice(by);
  a.distinct = a.distinct.slice(by);
  a.front -= by;
  if (a.dirtyFrom >= 0) a.dirtyFrom -= by;
  a.endTail = Math.max(0, a.endTail - by);
  a.queue = a.queue.slice(a.queueHead).map((i) => i - by);
  a.queueHead = 0;
  a.start = 0;
}
