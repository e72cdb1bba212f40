// The anomaly timeline's math, all of it pure: times to positions in [0, 1]
// (rendered as percentages, so the lanes never re-measure on resize), the
// brush in both directions, the lanes (per agent or per edge) and which of
// them are in view. After Jaeger UI's TraceTimelineViewer/utils.ts.
import type { TimelineFindingView, TimelineTransitionView } from "@/lib/api/fleet-views.ts";

export interface Range {
  from: number;
  to: number;
}

/** A time's position across the range: 0 at `from`, 1 at `to`; NaN when either is not a usable number. */
export function toFraction(t: number, r: Range): number {
  const span = r.to - r.from;
  if (!Number.isFinite(t) || !Number.isFinite(r.from) || !Number.isFinite(span) || span <= 0) return Number.NaN;
  return (t - r.from) / span;
}

export const clamp01 = (f: number): number => (Number.isNaN(f) ? Number.NaN : Math.min(1, Math.max(0, f)));

/** A position back to a time (clamped to the range). */
export function fromFraction(f: number, r: Range): number {
  if (!Number.isFinite(f) || !Number.isFinite(r.from) || !Number.isFinite(r.to)) return Number.NaN;
  return r.from + clamp01(f) * (r.to - r.from);
}

/** A fraction as a CSS percentage; NaN renders as off-screen rather than at 0 where it would lie. */
export function pct(f: number): string {
  if (!Number.isFinite(f)) return "-9999%";
  return `${Math.round(f * 1e5) / 1e3}%`;
}

/** Two times in either order -> a range; null when either is not a time or they are equal. */
export function orderedRange(a: number, b: number): Range | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return null;
  return a < b ? { from: a, to: b } : { from: b, to: a };
}

/** A brush smaller than this fraction of the axis is a click, not a selection. */
export const MIN_BRUSH_FRACTION = 0.005;

/** Pointer positions (px from the axis' left edge) -> a selected time range; null for a click or a degenerate axis. */
export function brushRange(x0: number, x1: number, width: number, r: Range): Range | null {
  if (!(width > 0)) return null;
  const a = clamp01(x0 / width);
  const b = clamp01(x1 / width);
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) < MIN_BRUSH_FRACTION) return null;
  return orderedRange(fromFraction(a, r), fromFraction(b, r));
}

/** Whether a time lies in the selection (a null selection keeps everything). */
export const inSelection = (t: number, sel: Range | null): boolean => sel === null || (t >= sel.from && t <= sel.to);

export type LaneMode = "agent" | "edge";

export interface Lane {
  key: string;
  /** Agent id, or `sender -> receiver`. */
  label: string;
  /** For edge lanes. */
  sender: string | null;
  receiver: string | null;
  findings: TimelineFindingView[];
  transitions: TimelineTransitionView[];
  /** Sort key: how much happened here (findings weighted by impact, transitions counted). */
  weight: number;
}

const NO_AGENT = "(no agent)";

/** `a -> b` from a finding's subject (new_edge, fan-out detectors); null otherwise. */
function subjectEdge(subject: string): [string, string] | null {
  const i = subject.indexOf(" -> ");
  if (i <= 0 || i + 4 >= subject.length) return null;
  return [subject.slice(0, i), subject.slice(i + 4)];
}

/** Which lanes a finding goes in: its agent; or each edge its record went along. */
export function findingLaneKeys(f: TimelineFindingView, mode: LaneMode): string[] {
  const agent = f.agent ?? NO_AGENT;
  if (mode === "agent") return [agent];
  if (f.receivers.length > 0) return [...new Set(f.receivers)].map((r) => `${agent}\u0000${r}`);
  const e = subjectEdge(f.subject);
  if (e) return [`${e[0]}\u0000${e[1]}`];
  // A finding about an agent with no edge (a rate, a state write) keeps a lane of its own.
  return [`${agent}\u0000`];
}

export function transitionLaneKey(t: TimelineTransitionView, mode: LaneMode): string {
  return mode === "agent" ? t.sender : `${t.sender}\u0000${t.receiver}`;
}

/** Groups findings and transitions into lanes, busiest first, then by name; within a lane, oldest first. */
export function buildLanes(findings: readonly TimelineFindingView[], transitions: readonly TimelineTransitionView[], mode: LaneMode): Lane[] {
  const lanes = new Map<string, Lane>();
  const lane = (key: string): Lane => {
    let l = lanes.get(key);
    if (!l) {
      const [sender = key, receiver] = key.split("\u0000");
      const isEdge = mode === "edge";
      l = {
        key,
        label: isEdge ? (receiver ? `${sender} -> ${receiver}` : `${sender} (no edge)`) : key,
        sender: isEdge ? sender : null,
        receiver: isEdge && receiver ? receiver : null,
        findings: [],
        transitions: [],
        weight: 0,
      };
      lanes.set(key, l);
    }
    return l;
  };
  for (const f of findings) {
    for (const k of findingLaneKeys(f, mode)) {
      const l = lane(k);
      l.findings.push(f);
      l.weight += 1 + Math.log1p(Math.max(0, f.impact ?? 0));
    }
  }
  for (const t of transitions) {
    const l = lane(transitionLaneKey(t, mode));
    l.transitions.push(t);
    l.weight += t.to === "FORCED_OPEN" || t.to === "OPEN" ? 3 : 1;
  }
  const byTime = <T extends { at: string }>(a: T, b: T) => Date.parse(a.at) - Date.parse(b.at);
  for (const l of lanes.values()) {
    l.findings.sort(byTime);
    l.transitions.sort(byTime);
  }
  return [...lanes.values()].sort((a, b) => b.weight - a.weight || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** The rows to render in a scrolled list of fixed-height rows, with a few either side. */
export function visibleRows(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 4): { first: number; last: number } {
  if (!(rowHeight > 0) || !(count > 0)) return { first: 0, last: 0 };
  const top = Number.isFinite(scrollTop) ? Math.max(0, scrollTop) : 0;
  const height = Number.isFinite(viewport) ? Math.max(0, viewport) : 0;
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + height) / rowHeight) + overscan);
  return { first: Math.min(first, last), last };
}

export interface Band {
  median: number;
  value: number;
  /** Values inside [low, high] would not have been flagged. */
  low: number;
  high: number;
}

const signedLog = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));
const signedExp = (y: number): number => Math.sign(y) * Math.expm1(Math.abs(y));
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The expected band of a semantic-deviation finding, rebuilt from the
 * parameters it stored (lib/engine/detectors/semantic-deviation.ts): the
 * modified z-score bound around the baseline median (the spread recovered
 * from the stored z and value, on the detector's signed-log scale), never
 * narrower than the minRatio band, never wider than the maxRatio band.
 * Null when the finding is not one or its parameters do not say enough.
 */
export function deviationBand(detector: string, params: Readonly<Record<string, unknown>>): Band | null {
  if (detector !== "semantic_deviation") return null;
  const median = num(params.median);
  const value = num(params.value);
  if (median === null || value === null) return null;
  const minRatio = num(params.minRatio) ?? 1.5;
  const maxRatio = num(params.maxRatio) ?? 10;
  const zThreshold = num(params.zThreshold) ?? 3.5;
  const z = num(params.z);
  const lo = (a: number, b: number) => Math.min(a, b);
  const hi = (a: number, b: number) => Math.max(a, b);
  // The ratio bands only mean something for a positive median.
  const ratioLow = median > 0 ? median / minRatio : median;
  const ratioHigh = median > 0 ? median * minRatio : median;
  let low = ratioLow;
  let high = ratioHigh;
  const center = signedLog(median);
  const t = signedLog(value);
  if (z !== null && z !== 0 && t !== center) {
    const halfWidth = Math.abs((zThreshold * (t - center)) / z);
    low = lo(low, signedExp(center - halfWidth));
    high = hi(high, signedExp(center + halfWidth));
  }
  if (median > 0) {
    low = hi(low, median / maxRatio);
    high = lo(high, median * maxRatio);
  }
  return { median, value, low: lo(low, high), high: hi(low, high) };
}

/**
 * Positions for drawing a band on one axis: log scale when every number is
 * positive (ratios read evenly), linear otherwise, with a margin so the
 * value and the band both fit. Fractions in [0, 1].
 */
export function bandLayout(b: Band): { low: number; high: number; median: number; value: number; log: boolean } {
  const all = [b.low, b.high, b.median, b.value];
  const log = all.every((v) => v > 0);
  const f = log ? Math.log : (v: number) => v;
  const vals = all.map(f);
  let min = Math.min(...vals);
  let max = Math.max(...vals);
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.08;
  const r = { from: min - pad, to: max + pad };
  const at = (v: number) => clamp01(toFraction(f(v), r));
  return { low: at(b.low), high: at(b.high), median: at(b.median), value: at(b.value), log };
}

/** Counts of times per equal slice of the range (times outside it, or NaN, are left out). */
export function histogram(times: readonly number[], r: Range, bins: number): number[] {
  const n = Number.isFinite(bins) && bins >= 1 ? Math.floor(bins) : 0;
  const out = new Array<number>(n).fill(0);
  if (n === 0) return out;
  for (const t of times) {
    const f = toFraction(t, r);
    if (!(f >= 0 && f <= 1)) continue;
    out[Math.min(n - 1, Math.floor(f * n))]! += 1;
  }
  return out;
}
