// What feedback_loop reads of the history, kept as records come and go, so
// a pass where nothing is rising does not rebuild hours of every agent's
// traffic to find that out (in a storm that was most of a pass's judging).
//
// Kept: when each sender messaged each receiver, when each agent wrote and
// read each state key (times in order), and each series' records in window
// order (series as feedbackLoop splits them), over every record the history
// holds, those other findings named too, as feedbackLoop's window does (ADR
// 0042). From these `mayFind` answers,
// for one batch, whether feedbackLoop can find anything at all: it builds
// the same graph of who feeds whom over the same records, the same strongly
// connected sets, and asks each series a recent record moved whether its
// latest values, around the cycle, rise the way every growth must end (the
// last `minMessages` of them each `minStep` times further from zero than the
// one before, on one side of zero). When none does, no growth can be
// reported and the detector stops there; otherwise it reads the window as
// before. The answer is a necessary condition of growthOf's, never a
// judgement of its own.
import { stronglyConnected } from "../../lineage/strongly-connected.ts";
import { byTimeThenId, type WindowRecord } from "./finding.ts";
import { seriesOf, unsplitKey, type SeriesEntry } from "./feedback-loop.ts";
import { lowerBound, upperBound } from "./value-baselines.ts";

/** The records the window's history holds: every record of `agents`, other agents' from `othersSince` on. */
export interface LoopWindowShape {
  agents: ReadonlySet<string>;
  othersSince: number;
}

type Times = Map<string, Map<string, number[]>>;

interface SeriesRecord {
  r: WindowRecord;
  value: number;
}

export class LoopIndex {
  /** sender -> receiver -> times of the messages between them. */
  private readonly sent: Times = new Map();
  /** state key -> agent -> times of its writes / reads. */
  private readonly writes: Times = new Map();
  private readonly reads: Times = new Map();
  /** Each series' records, window order. */
  private readonly series = new Map<string, SeriesRecord[]>();

  /** A record joins the history (messages and state reads and writes; others are ignored). */
  add(r: WindowRecord): void {
    for (const [times, a, b] of this.placesOf(r)) insertTime(times, a, b, r.at);
    if (!feeds(r)) return;
    for (const e of seriesOf(r)) {
      for (const key of keysOf(e)) {
        const list = this.series.get(key);
        const entry = { r, value: e.value };
        if (!list) this.series.set(key, [entry]);
        else if (byTimeThenId(list[list.length - 1]!.r, r) <= 0) list.push(entry);
        else list.splice(placeOfEntry(list, r), 0, entry);
      }
    }
  }

  /** A record leaves the history (aged out). */
  remove(r: WindowRecord): void {
    for (const [times, a, b] of this.placesOf(r)) removeTime(times, a, b, r.at);
    if (!feeds(r)) return;
    for (const e of seriesOf(r)) {
      for (const key of keysOf(e)) {
        const list = this.series.get(key);
        if (!list) continue;
        const at = list[0]?.r === r ? 0 : list.findIndex((x) => x.r === r);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) this.series.delete(key);
      }
    }
  }

  clear(): void {
    this.sent.clear();
    this.writes.clear();
    this.reads.clear();
    this.series.clear();
  }

  /**
   * Whether feedbackLoop, given this batch (`recent`, deduplicated and in
   * window order) and a window whose history is this index's records in
   * `shape`, can report anything: false only when it cannot.
   */
  mayFind(recent: readonly WindowRecord[], shape: LoopWindowShape, p: { windowMs: number; minMessages: number; minStep: number }): boolean {
    if (recent.length === 0) return false;
    const now = recent[recent.length - 1]!.at;
    const since = recent[0]!.at - 2 * p.windowMs;
    // An agent's records in the window: after `since` (and, for an agent not in the batch, from `othersSince` on), at or before `now`.
    const inWindow = (r: WindowRecord) => r.at > since && r.at <= now && (shape.agents.has(r.agent) || r.at >= shape.othersSince);
    const any = (times: readonly number[], agent: string) => {
      let i = upperBound(times, since);
      if (!shape.agents.has(agent)) i = Math.max(i, lowerBound(times, shape.othersSince));
      return i < times.length && times[i]! <= now;
    };

    const readers = new Map<string, Set<string>>();
    const addReader = (key: string, agent: string) => {
      const set = readers.get(key);
      if (set) set.add(agent);
      else readers.set(key, new Set([agent]));
    };
    for (const [key, byAgent] of this.reads) for (const [agent, times] of byAgent) if (any(times, agent)) addReader(key, agent);
    for (const r of recent) if (r.kind === "state.read" && r.intent !== null) addReader(r.intent, r.agent);

    const next = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      const set = next.get(a);
      if (set) set.add(b);
      else next.set(a, new Set([b]));
    };
    const writers = new Map<string, Set<string>>();
    for (const [sender, to] of this.sent) for (const [receiver, times] of to) if (any(times, sender)) link(sender, receiver);
    for (const [key, byAgent] of this.writes) for (const [agent, times] of byAgent) if (any(times, agent)) (writers.get(key) ?? writers.set(key, new Set()).get(key)!).add(agent);
    for (const r of recent) {
      if (r.kind === "message") for (const b of r.receivers) link(r.agent, b);
      else if (r.kind === "state.write" && r.intent !== null) (writers.get(r.intent) ?? writers.set(r.intent, new Set()).get(r.intent)!).add(r.agent);
    }
    // A writer that reads its key back feeds itself (feedbackLoop's feedsItself).
    for (const [key, set] of writers) for (const a of set) for (const b of readers.get(key) ?? []) link(a, b);

    const comps = stronglyConnected([...next.keys()], (a) => [...(next.get(a) ?? [])]);
    for (const members of comps.list) {
      const selfLoop = members.length === 1 && next.get(members[0]!)?.has(members[0]!) === true;
      if (members.length < 2 && !selfLoop) continue;
      const inside = new Set(members);
      // A loop of several agents runs through what each feeds the others; a loop of one through its own memory.
      const fedInside = (r: WindowRecord) => {
        if (!inside.has(r.agent)) return false;
        if (r.kind === "message") return r.receivers.some((b) => inside.has(b));
        if (r.kind !== "state.write" || r.intent === null) return false;
        for (const b of readers.get(r.intent) ?? []) if ((selfLoop || b !== r.agent) && inside.has(b)) return true;
        return false;
      };
      // The series the batch moved around this cycle, each with its recent records in order.
      const moved = new Map<string, SeriesRecord[]>();
      for (const r of recent) {
        if (!fedInside(r)) continue;
        for (const e of seriesOf(r)) for (const key of keysOf(e)) (moved.get(key) ?? moved.set(key, []).get(key)!).push({ r, value: e.value });
      }
      for (const [key, mine] of moved) {
        const tail = latestValues(this.series.get(key) ?? [], mine, (r) => inWindow(r) && fedInside(r), p.minMessages);
        if (risesToTheEnd(tail, p.minStep)) return true;
      }
    }
    return false;
  }

  private placesOf(r: WindowRecord): [Times, string, string][] {
    if (r.kind === "message") return r.receivers.map((b): [Times, string, string] => [this.sent, r.agent, b]);
    if (r.intent === null) return [];
    if (r.kind === "state.write") return [[this.writes, r.intent, r.agent]];
    if (r.kind === "state.read") return [[this.reads, r.intent, r.agent]];
    return [];
  }
}

/**
 * The series an entry may be judged in: its own, and its field's unsplit
 * one (feedbackLoop's seriesKeys merges a field split by an identifier that
 * never repeats): the index answers for either.
 */
function keysOf(e: SeriesEntry): string[] {
  const whole = unsplitKey(e);
  return whole === e.key ? [e.key] : [e.key, whole];
}

/** Records that can carry a series around a cycle: messages and state writes. */
const feeds = (r: WindowRecord): boolean => r.kind === "message" || r.kind === "state.write";

/**
 * The last `count` values of the series made of `kept` (filtered by `keep`)
 * and `mine` (the batch's, all kept), merged in window order (on equal
 * times the history's first, as the detector's merge orders them).
 */
function latestValues(kept: readonly SeriesRecord[], mine: readonly SeriesRecord[], keep: (r: WindowRecord) => boolean, count: number): number[] {
  const out: number[] = [];
  let i = kept.length - 1;
  let j = mine.length - 1;
  while (out.length < count && (i >= 0 || j >= 0)) {
    if (i >= 0 && !keep(kept[i]!.r)) {
      i--;
      continue;
    }
    // From the end: the batch's record goes first unless the history's is later.
    if (j >= 0 && (i < 0 || mine[j]!.r.at >= kept[i]!.r.at)) out.push(mine[j--]!.value);
    else out.push(kept[i--]!.value);
  }
  return out.reverse();
}

/** Each value `minStep` times further from zero than the one before, all on the last one's side: how every growth ends. */
function risesToTheEnd(values: readonly number[], minStep: number): boolean {
  if (values.length === 0) return false;
  const sign = Math.sign(values[values.length - 1]!);
  if (sign === 0) return false;
  for (let i = values.length - 1; i > 0; i--) {
    if (Math.sign(values[i - 1]!) !== sign || Math.abs(values[i - 1]!) * minStep > Math.abs(values[i]!)) return false;
  }
  return true;
}

function placeOfEntry(list: readonly SeriesRecord[], r: WindowRecord): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byTimeThenId(list[mid]!.r, r) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertTime(m: Times, a: string, b: string, at: number): void {
  let inner = m.get(a);
  if (!inner) m.set(a, (inner = new Map()));
  const times = inner.get(b);
  if (!times) inner.set(b, [at]);
  else if (times[times.length - 1]! <= at) times.push(at);
  else times.splice(upperBound(times, at), 0, at);
}

function removeTime(m: Times, a: string, b: string, at: number): void {
  const inner = m.get(a);
  const times = inner?.get(b);
  if (!inner || !times) return;
  const i = upperBound(times, at) - 1;
  if (i >= 0 && times[i] === at) times.splice(i, 1);
  if (times.length === 0) inner.delete(b);
  if (inner.size === 0) m.delete(a);
}
