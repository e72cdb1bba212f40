// Prepare, then draw: the small charts of the fleet screens (sparklines,
// small multiples, their time axis) worked out by pure functions. d3 does
// the scales and the line; React renders the strings these return. Points
// live in a 0..width x 0..height box, y down, as SVG draws them.
import { line, scaleLinear, scaleUtc } from "d3";

export interface SeriesPoint {
  /** ms since the epoch (bucket start). */
  t: number;
  /** null or NaN: no value here (a rate with nothing to divide), drawn as a gap. */
  v: number | null;
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/** Largest finite value, at least `floor` (so an all-zero series draws flat at the bottom, not in the middle). */
export function seriesMax(points: readonly SeriesPoint[], floor = 1): number {
  let max = floor;
  for (const p of points) if (finite(p.v) && p.v > max) max = p.v;
  return max;
}

/**
 * An SVG path for the series in a width x height box: time across (the
 * given domain, or the points' own), value up from 0 to `max`. Gaps stay
 * gaps; out-of-order points are drawn in time order; "" when nothing draws.
 */
export function linePath(points: readonly SeriesPoint[], width: number, height: number, opts: { max?: number; domain?: readonly [number, number] } = {}): string {
  const drawable = points.filter((p) => Number.isFinite(p.t)).sort((a, b) => a.t - b.t);
  if (drawable.length === 0 || !(width > 0) || !(height > 0)) return "";
  const t0 = opts.domain?.[0] ?? drawable[0]!.t;
  const t1 = opts.domain?.[1] ?? drawable[drawable.length - 1]!.t;
  // One point (or a zero-length domain) sits in the middle rather than dividing by zero.
  const x = t1 > t0 ? scaleLinear().domain([t0, t1]).range([0, width]) : () => width / 2;
  const max = finite(opts.max) && opts.max > 0 ? opts.max : seriesMax(drawable);
  const y = scaleLinear().domain([0, max]).range([height, 0]).clamp(true);
  const path = line<SeriesPoint>()
    .defined((p) => finite(p.v))
    .x((p) => round(x(p.t)))
    .y((p) => round(y(p.v ?? 0)))(drawable);
  if (path === null) return "";
  // d3 closes a lone point between gaps ("Mx,yZ"), which a stroke does not show: give it a dot's worth of length.
  return path.replace(/M([\d.e+-]+),([\d.e+-]+)Z/g, "M$1,$2h0.01");
}

/** The lone points of a line path (between gaps), as their own path: "" when there are none. */
export function isolatedPoints(path: string): string {
  return path.match(/M[^MLZh]*h0\.01/g)?.join("") ?? "";
}

/** The same series as a closed area down to the baseline (for the filled sparkline); gaps break it. */
export function areaPath(points: readonly SeriesPoint[], width: number, height: number, opts: { max?: number; domain?: readonly [number, number] } = {}): string {
  const l = linePath(points, width, height, opts);
  if (l === "") return "";
  return l
    .split("M")
    .filter((s) => s !== "")
    .map((seg) => {
      const pts = seg.split("L");
      const first = pts[0]!.split(",")[0];
      const lastPt = pts[pts.length - 1]!.replace(/h0\.01$/, "");
      const last = lastPt.split(",")[0];
      return `M${first},${height}L${seg}L${last},${height}Z`;
    })
    .join("");
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** part/total per bucket; null where total is 0 (no traffic is not a 0% rate). */
export function rateSeries<T extends { at: string }>(buckets: readonly T[], part: (b: T) => number, total: (b: T) => number): SeriesPoint[] {
  return buckets.map((b) => {
    const n = total(b);
    return { t: Date.parse(b.at), v: n > 0 ? part(b) / n : null };
  });
}

export const countSeries = <T extends { at: string }>(buckets: readonly T[], value: (b: T) => number): SeriesPoint[] => buckets.map((b) => ({ t: Date.parse(b.at), v: value(b) }));

/** Sum over the buckets (NaN-safe). */
export function total<T>(buckets: readonly T[], value: (b: T) => number): number {
  let n = 0;
  for (const b of buckets) {
    const v = value(b);
    if (Number.isFinite(v)) n += v;
  }
  return n;
}

export interface AxisTick {
  /** Position across the axis, 0..1. */
  frac: number;
  label: string;
}

/**
 * Round-time ticks across [from, to] labelled in the viewer's zone: times of
 * day for a day or less, dates and times beyond. Never more than `count`+1
 * ticks, none outside the axis, none when the range is empty or invalid.
 */
export function timeTicks(fromMs: number, toMs: number, count: number, timeZone: string): AxisTick[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs || !(count >= 1)) return [];
  const s = scaleUtc().domain([fromMs, toMs]).range([0, 1]);
  const span = toMs - fromMs;
  const fmt = tickFormatter(span, timeZone);
  return s
    .ticks(Math.floor(count))
    .map((d) => ({ frac: s(d), label: fmt(d) }))
    .filter((t) => t.frac >= 0 && t.frac <= 1);
}

function tickFormatter(spanMs: number, timeZone: string): (d: Date) => string {
  const day = 86_400_000;
  const options: Intl.DateTimeFormatOptions =
    spanMs <= day ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : spanMs <= 3 * day ? { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : { month: "short", day: "numeric" };
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
  } catch {
    f = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" });
  }
  return (d) => f.format(d);
}

/** The zone's short name at a time ("UTC", "CET"), for axis captions. */
export function zoneName(timeZone: string, at: number = Date.now()): string {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(new Date(Number.isFinite(at) ? at : 0)).find((p) => p.type === "timeZoneName");
    return part?.value ?? timeZone;
  } catch {
    return "UTC";
  }
}
