// An incident's timeline on one time axis: findings, breaker transitions and
// the incident's own events (acknowledged, noted, resolved) in three lanes,
// positions in [0, 1] rendered as percentages. Entries too close to tell
// apart stack in rows instead of hiding each other. Pure: the unit tests
// call it; the component only turns fractions into CSS.
import { scaleTime } from "d3";

export const TIMELINE_LANES = ["finding", "breaker", "event"] as const;
export type TimelineLane = (typeof TIMELINE_LANES)[number];

export interface TimelineInput {
  type: TimelineLane;
  at: string;
}

export interface TimelineMark {
  /** Index into the entries given. */
  index: number;
  lane: TimelineLane;
  at: number;
  /** 0 at the start of the axis, 1 at the end. */
  pos: number;
  /** Row within the lane: 0 unless marks crowd each other. */
  row: number;
}

export interface TimelineLayout {
  domain: [number, number] | null;
  marks: TimelineMark[];
  /** Rows each lane needs (at least 1). */
  rows: Record<TimelineLane, number>;
  ticks: { pos: number; t: number }[];
  /** Entries whose time could not be read (left out). */
  unreadable: number;
}

export interface TimelineOptions {
  /** Marks closer than this (as a fraction of the axis) go to separate rows. */
  minGap?: number;
  /** Rows per lane; past this, marks share the least crowded row. */
  maxRows?: number;
  tickCount?: number;
}

export function layoutTimeline(entries: readonly TimelineInput[], options: TimelineOptions = {}): TimelineLayout {
  const minGap = options.minGap ?? 0.02;
  const maxRows = Math.max(1, options.maxRows ?? 4);
  const rows: Record<TimelineLane, number> = { finding: 1, breaker: 1, event: 1 };
  let unreadable = 0;
  const timed: { index: number; lane: TimelineLane; at: number }[] = [];
  entries.forEach((e, index) => {
    const at = Date.parse(e.at);
    if (Number.isNaN(at) || !(TIMELINE_LANES as readonly string[]).includes(e.type)) {
      unreadable++;
      return;
    }
    timed.push({ index, lane: e.type, at });
  });
  if (timed.length === 0) return { domain: null, marks: [], rows, ticks: [], unreadable };

  // Out of order in, time order out; equal times keep the order they came in.
  timed.sort((a, b) => a.at - b.at || a.index - b.index);
  const first = timed[0]!.at;
  const last = timed[timed.length - 1]!.at;
  // One instant (or one entry): a minute each side, so the mark sits in the middle.
  const domain: [number, number] = first === last ? [first - 60_000, last + 60_000] : [first, last];
  const scale = scaleTime().domain([new Date(domain[0]), new Date(domain[1])]).range([0, 1]);
  const ends: Record<TimelineLane, number[]> = { finding: [], breaker: [], event: [] };
  const marks: TimelineMark[] = timed.map((t) => {
    const pos = Math.min(1, Math.max(0, scale(new Date(t.at))));
    const laneEnds = ends[t.lane];
    let row = laneEnds.findIndex((end) => pos - end >= minGap);
    if (row < 0) {
      if (laneEnds.length < maxRows) {
        row = laneEnds.length;
        laneEnds.push(-Infinity);
      } else {
        row = 0;
        for (let r = 1; r < laneEnds.length; r++) if (laneEnds[r]! < laneEnds[row]!) row = r;
      }
    }
    laneEnds[row] = pos;
    return { index: t.index, lane: t.lane, at: t.at, pos, row };
  });
  for (const lane of TIMELINE_LANES) rows[lane] = Math.max(1, ends[lane].length);
  const ticks = scale.ticks(options.tickCount ?? 6).map((d) => ({ pos: scale(d), t: d.getTime() }));
  return { domain, marks, rows, ticks, unreadable };
}

/** "4m 05s", "2h 10m", "3d 4h": how long an incident has run, for the header. */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
