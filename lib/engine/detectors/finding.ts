// What every detector reads and writes. A detector is a pure function from a
// window of records (the baseline history and the recent records to judge)
// and its parameters to findings; each finding carries the parameters it was
// found with, so a stored finding can always be explained and reproduced.

export const DETECTORS = ["semantic_deviation", "new_edge", "new_intent", "fan_out_burst", "rate_vs_baseline", "feedback_loop", "subject_mismatch"] as const;
/** Limits the engine enforces (lib/engine/caps). */
export const CAPS = ["cap_receivers", "cap_depth", "cap_messages_per_cycle", "cap_concurrent_fan_outs"] as const;
/** Every kind of finding: detectors, caps, and records that failed verification at the door. */
export const FINDING_KINDS = [...DETECTORS, ...CAPS, "verification"] as const;
export type DetectorName = (typeof FINDING_KINDS)[number];

/** A record as the detectors see it. */
export interface WindowRecord {
  recordId: string;
  kind: string;
  agent: string;
  receivers: readonly string[];
  intent: string | null;
  /** ms since the epoch. */
  at: number;
  /** The payload, parsed (undefined when absent or not JSON). */
  payload: unknown;
  /**
   * History only: in its young agent's open learning block (ADR 0030), not
   * yet part of what is normal to the detectors that learn what an agent
   * does (semantic_deviation, new_edge, new_intent). The window detectors
   * (rates, fan-out, loops) and the caps count it like any record.
   */
  learning?: boolean;
  /**
   * What it was made from, as the collector stored it (a read names the
   * write it saw): the engine's records carry these; feedback_loop reads
   * them to tell what a loop's record made of what it read (ADR 0048).
   */
  parents?: readonly string[];
}

export interface DetectorWindow {
  /** What is normal: records before the ones judged (typically the last 24 h). */
  history: readonly WindowRecord[];
  /** The records to judge. */
  recent: readonly WindowRecord[];
}

export type ParamValue = number | string | boolean | null;

export interface Finding {
  detector: DetectorName;
  /** The record the finding is about (for window findings, the latest one). */
  recordId: string | null;
  agent: string | null;
  /** What was measured: a field path, an edge "a -> b", an intent, a cycle. */
  subject: string;
  /** How far from normal (a modified z-score, a ratio); NaN when there is no one number. */
  score: number;
  /** In words, with the numbers: "unit_price 10.3x the 24h median (n=412)". */
  explanation: string;
  params: Readonly<Record<string, ParamValue>>;
  /** Every record the finding rests on. */
  evidence: string[];
  at: number;
}

/** Windows already deduplicated and ordered by prepareWindow: every detector reads them as they are. */
const prepared = new WeakSet<DetectorWindow>();

/**
 * dedupeWindow once for several detectors: each detector deduplicates and
 * sorts the window it is given, and on the engine's window (tens of
 * thousands of history records) doing that once per detector was most of a
 * pass. Detectors must not modify the arrays of a prepared window.
 */
export function prepareWindow(w: DetectorWindow): DetectorWindow {
  if (prepared.has(w)) return w;
  const out = dedupeWindow(w);
  prepared.add(out);
  return out;
}

/**
 * A window whose history is already in time order (ties by id), each id once
 * and none of `recent`'s (the engine's history cache keeps it so): only the
 * recent records are deduplicated and ordered.
 */
export function preparedWindow(history: readonly WindowRecord[], recent: readonly WindowRecord[]): DetectorWindow {
  const out = { history, recent: dedupeWindow({ history: [], recent }).recent };
  prepared.add(out);
  return out;
}

/**
 * preparedWindow with a history built only when a detector reads it: the
 * engine's detectors read what the history cache keeps, and most passes
 * never need the window's records themselves.
 */
export function lazyWindow(history: () => readonly WindowRecord[], recent: readonly WindowRecord[]): DetectorWindow {
  let built: readonly WindowRecord[] | null = null;
  const out = {
    get history(): readonly WindowRecord[] {
      return (built ??= history());
    },
    recent: dedupeWindow({ history: [], recent }).recent,
  };
  prepared.add(out);
  return out;
}

/** Records once each (by id), in time order; a record seen in `recent` is not also history. */
export function dedupeWindow(w: DetectorWindow): { history: readonly WindowRecord[]; recent: readonly WindowRecord[] } {
  if (prepared.has(w)) return w;
  const recentIds = new Set<string>();
  const recent: WindowRecord[] = [];
  for (const r of w.recent) {
    if (recentIds.has(r.recordId) || !Number.isFinite(r.at)) continue;
    recentIds.add(r.recordId);
    recent.push(r);
  }
  const seen = new Set<string>();
  const history: WindowRecord[] = [];
  for (const r of w.history) {
    if (recentIds.has(r.recordId) || seen.has(r.recordId) || !Number.isFinite(r.at)) continue;
    seen.add(r.recordId);
    history.push(r);
  }
  return { history: history.sort(byTimeThenId), recent: recent.sort(byTimeThenId) };
}

/** The window's order: time, then id. */
export function byTimeThenId(a: WindowRecord, b: WindowRecord): number {
  return a.at - b.at || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0);
}

/** Where `r` goes among `records[from..]`, kept in window order: after every record that sorts at or before it (binary search). */
export function placeOf(records: readonly WindowRecord[], r: WindowRecord, from = 0): number {
  let lo = from;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byTimeThenId(records[mid]!, r) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Two time-ordered lists as one, in time order; on equal times `a`'s records
 * first (what a stable sort of a then b gives, in one pass instead of a sort).
 */
export function mergeByTime<T extends { at: number }>(a: readonly T[], b: readonly T[]): T[] {
  return mergeSorted(a, b, (x, y) => x.at - y.at);
}

/** Two lists sorted by `order` as one; on ties `a`'s first. */
export function mergeSorted<T>(a: readonly T[], b: readonly T[], order: (x: T, y: T) => number): T[] {
  const out: T[] = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = order(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/**
 * The first index of a time-ordered list (from `from` on) whose record is
 * later than `t` (binary search): where a record at `t` goes after the
 * records of its time.
 */
export function firstAfter(records: readonly { at: number }[], t: number, from = 0): number {
  let lo = from;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index of a time-ordered list whose record is at or after `t` (binary search). */
export function firstAtOrAfter(records: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid]!.at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const grouped = new WeakMap<readonly WindowRecord[], ReadonlyMap<string, readonly WindowRecord[]>>();

/**
 * A list's records by agent, each agent's in the list's order. Kept per list
 * (a prepared window's arrays are never modified), so the detectors that
 * read one agent's history at a time group the engine's window once a pass,
 * not once each.
 */
export function byAgent(records: readonly WindowRecord[]): ReadonlyMap<string, readonly WindowRecord[]> {
  let out = grouped.get(records);
  if (out) return out;
  const lists = new Map<string, WindowRecord[]>();
  for (const r of records) {
    const list = lists.get(r.agent);
    if (list) list.push(r);
    else lists.set(r.agent, [r]);
  }
  out = lists;
  grouped.set(records, out);
  return out;
}
