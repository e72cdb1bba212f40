// The values semantic_deviation compares against, kept sorted per baseline
// key (agent, intent, field path, and each segment such as `sku=A-100`), so
// a baseline's median, MAD, smallest and largest value come from a sorted
// list instead of from reading every payload of the history again. The
// engine keeps one of these beside its history cache and adds and removes
// records as they come and age out (lib/engine/evaluator/history-cache.ts);
// semanticDeviation builds one from its window when it is given none. Both
// give the same baselines: the statistics are computed from the sorted
// values the same way whichever way the values arrived.
import { numericFields } from "./numeric-fields.ts";
import type { WindowRecord } from "./finding.ts";
import { signedLog } from "./robust-stats.ts";
import { isToken } from "./subject.ts";

/** One baseline's values, ascending; `log` holds signedLog of each (the same order: signedLog is increasing). */
export interface SortedValues {
  raw: number[];
  log: number[];
  /** The values in time order, as far as a counter needs them (see counterOf). */
  order: ValueOrder;
}

/**
 * Enough of the values' time order to tell a counter (a cycle number: whole
 * numbers that never go down). A fall, or a value that arrived out of time
 * order, is remembered until the key empties: a value aging out never turns a
 * non-counter into one, so the detector errs toward judging.
 */
export interface ValueOrder {
  last: number;
  lastAt: number;
  rises: number;
  falls: number;
  whole: boolean;
}

function noteOrder(o: ValueOrder, x: number, at: number, first: boolean): void {
  if (!Number.isSafeInteger(x)) o.whole = false;
  if (first) {
    o.last = x;
    o.lastAt = at;
  } else if (at >= o.lastAt) {
    if (x < o.last) o.falls++;
    else if (x > o.last) o.rises++;
    o.last = x;
    o.lastAt = at;
  } else {
    // Out of time order: where it sits among the others is unknown, so it may hide a fall.
    o.falls++;
  }
}

/** The last value of whole numbers that never went down and rose at least twice; null otherwise. */
export function counterOf(values: SortedValues): { last: number } | null {
  const o = values.order;
  return o.whole && o.falls === 0 && o.rises >= 2 ? { last: o.last } : null;
}

export const groupKey = (agent: string, intent: string, path: string): string => `${agent}\u0000${intent}\u0000${path}`;
export const segmentKey = (group: string, segment: string): string => `${group}\u0000${segment}`;

/** Top-level string fields that look like identifiers or categories (no spaces, short): what a baseline may be split by. */
export function segmentsOf(payload: unknown, maxSegments = 8): string[] {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(payload)) {
    if (!isToken(v)) continue;
    out.push(`${k}=${v}`);
    if (out.length >= maxSegments) break;
  }
  return out;
}

/** What a record counts toward: each baseline key with its values, and each segment field (`group\0sku`) with the record's value of it. */
interface Entries {
  values: [string, number[]][];
  fields: [string, string][];
}

const NONE: Entries = { values: [], fields: [] };

/** Every baseline key a record's values count toward, with those values, and the segment fields it counts in (one read of its payload). */
function entriesOf(r: WindowRecord): Entries {
  const numeric = numericFields(r.payload);
  if (numeric.size === 0) return NONE;
  const segments = segmentsOf(r.payload);
  const out: Entries = { values: [], fields: [] };
  for (const [path, values] of numeric) {
    const key = groupKey(r.agent, r.intent ?? r.kind, path);
    out.values.push([key, values]);
    for (const seg of segments) {
      out.values.push([segmentKey(key, seg), values]);
      const eq = seg.indexOf("=");
      out.fields.push([`${key}\u0000${seg.slice(0, eq)}`, seg.slice(eq + 1)]);
    }
  }
  return out;
}

/** The first index of an ascending list whose value is greater than x (binary search). */
export function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How often each value of one segment field was seen under one baseline group (`sku` under the agent's OrderRequest qty). */
interface FieldValues {
  total: number;
  counts: Map<string, number>;
}

export class ValueBaselines {
  private readonly byKey = new Map<string, SortedValues>();
  /** Per group and segment field (`group\0sku`): how often each of its values was seen. */
  private readonly fields = new Map<string, FieldValues>();

  static of(history: Iterable<WindowRecord>): ValueBaselines {
    const b = new ValueBaselines();
    // A record still in its agent's open learning block is not normal yet (ADR 0030).
    for (const r of history) if (!r.learning) b.add(r);
    return b;
  }

  add(r: WindowRecord): void {
    const entries = entriesOf(r);
    this.countSegments(entries, 1);
    for (const [key, values] of entries.values) {
      let s = this.byKey.get(key);
      const fresh = !s;
      if (!s) this.byKey.set(key, (s = { raw: [], log: [], order: { last: 0, lastAt: 0, rises: 0, falls: 0, whole: true } }));
      values.forEach((x, i) => noteOrder(s.order, x, r.at, fresh && i === 0));
      for (const x of values) {
        const at = upperBound(s.raw, x);
        if (at === s.raw.length) {
          s.raw.push(x);
          s.log.push(signedLog(x));
        } else {
          s.raw.splice(at, 0, x);
          s.log.splice(at, 0, signedLog(x));
        }
      }
    }
  }

  /** Takes back what add(r) added (r as it was added). */
  remove(r: WindowRecord): void {
    const entries = entriesOf(r);
    this.countSegments(entries, -1);
    for (const [key, values] of entries.values) {
      const s = this.byKey.get(key);
      if (!s) continue;
      for (const x of values) {
        const at = upperBound(s.raw, x) - 1;
        if (at < 0 || s.raw[at] !== x) continue;
        s.raw.splice(at, 1);
        s.log.splice(at, 1);
      }
      if (s.raw.length === 0) this.byKey.delete(key);
    }
  }

  get(key: string): SortedValues | undefined {
    return this.byKey.get(key);
  }

  /**
   * A segment (`sku=C-300`) is an unlearned population under a group when
   * its field is a category (its values repeat: fewer distinct values than
   * half the records, unlike a PO number or a timestamp), the other values
   * of the field hold at least `min` records, and this one fewer: the pooled
   * baseline is then made of other populations (a CCC trade against AAA's
   * and BBB's prices) and cannot judge it.
   */
  unlearnedSegment(group: string, segment: string, min: number): boolean {
    const eq = segment.indexOf("=");
    const f = this.fields.get(`${group}\u0000${segment.slice(0, eq)}`);
    if (!f) return false;
    const own = f.counts.get(segment.slice(eq + 1)) ?? 0;
    return own < min && f.total - own >= min && f.counts.size * 2 <= f.total;
  }

  clear(): void {
    this.byKey.clear();
    this.fields.clear();
  }

  private countSegments(entries: Entries, delta: 1 | -1): void {
    for (const [key, value] of entries.fields) {
      let f = this.fields.get(key);
      if (!f) this.fields.set(key, (f = { total: 0, counts: new Map() }));
      const n = (f.counts.get(value) ?? 0) + delta;
      f.total += delta;
      if (n > 0) f.counts.set(value, n);
      else f.counts.delete(value);
      if (f.total <= 0) this.fields.delete(key);
    }
  }

  /** Baseline keys held (for tests and the bench). */
  get size(): number {
    return this.byKey.size;
  }
}

/** The median of ascending values (NaN for none). */
export function sortedMedian(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * The median absolute deviation of ascending values from `center`, without
 * sorting: the deviations below the centre and those above it are each
 * ascending, so merging the two from the centre outwards reaches the middle
 * rank in n/2 steps. The same number mad() gives for the same values.
 */
export function sortedMad(xs: readonly number[], center: number): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  let left = lowerBound(xs, center) - 1;
  let right = left + 1;
  const want = n >> 1;
  let prev = Number.NaN;
  let cur = Number.NaN;
  for (let rank = 0; rank <= want; rank++) {
    const dl = left >= 0 ? center - xs[left]! : Number.POSITIVE_INFINITY;
    const dr = right < n ? xs[right]! - center : Number.POSITIVE_INFINITY;
    prev = cur;
    if (dl <= dr) {
      cur = dl;
      left--;
    } else {
      cur = dr;
      right++;
    }
  }
  return n % 2 === 1 ? cur : (prev + cur) / 2;
}

/** The first index of an ascending list whose value is at least x (binary search). */
export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
