// The timeline's view state, all in the URL so a link reproduces what the
// analyst saw: the window (live, or pinned to absolute times once something
// is brushed), the brushed selection, lanes per agent or per edge, and the
// finding open in the side panel. Malformed values fall back to defaults.
import { DEFAULT_WINDOW_KEY, WINDOW_KEYS, type WindowKey } from "@/lib/view/window.ts";
import type { LaneMode } from "./timeline-math.ts";

export interface TimelineUrlView {
  window: WindowKey;
  /** Pinned window (ISO); both null when live. */
  from: string | null;
  to: string | null;
  /** Brushed selection (ISO); both null when nothing is brushed. */
  start: string | null;
  end: string | null;
  by: LaneMode;
  /** Selected finding id. */
  finding: string | null;
}

type Params = { get(name: string): string | null };

const isoOrNull = (v: string | null): string | null => {
  const t = v === null ? Number.NaN : Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

/** Both ends, in order, or neither. */
function pair(a: string | null, b: string | null): [string | null, string | null] {
  const x = isoOrNull(a);
  const y = isoOrNull(b);
  if (x === null || y === null || x === y) return [null, null];
  return x < y ? [x, y] : [y, x];
}

export function parseTimelineView(p: Params): TimelineUrlView {
  const window = p.get("window");
  const [from, to] = pair(p.get("from"), p.get("to"));
  const [start, end] = pair(p.get("start"), p.get("end"));
  const finding = p.get("finding")?.trim();
  return {
    window: (WINDOW_KEYS as readonly string[]).includes(window ?? "") ? (window as WindowKey) : DEFAULT_WINDOW_KEY,
    from,
    to,
    start,
    end,
    by: p.get("by") === "edge" ? "edge" : "agent",
    finding: finding && /^\d{1,19}$/.test(finding) ? finding : null,
  };
}

/** The query string for a view, defaults left out. */
export function timelineSearch(v: TimelineUrlView): string {
  const q = new URLSearchParams();
  if (v.from && v.to) {
    q.set("from", v.from);
    q.set("to", v.to);
  } else if (v.window !== DEFAULT_WINDOW_KEY) q.set("window", v.window);
  if (v.start && v.end) {
    q.set("start", v.start);
    q.set("end", v.end);
  }
  if (v.by !== "agent") q.set("by", v.by);
  if (v.finding) q.set("finding", v.finding);
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}
