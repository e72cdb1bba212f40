// The graph screen's view state, all of it in the URL so a view can be
// pasted into an incident ticket: window, replay time, label filter,
// selection and focus. Unknown or malformed values fall back to defaults
// rather than breaking a shared link.
import { DEFAULT_WINDOW_KEY, WINDOW_KEYS, type WindowKey } from "@/lib/view/window.ts";
import { BREAKER_STATES, type BreakerStateName } from "@/lib/engine/breaker/states.ts";
import type { HopDirection } from "./focus-math.ts";

export const MAX_HOPS = 5;

export interface GraphView {
  window: WindowKey;
  /** Replay end time (ISO); null is live. */
  at: string | null;
  label: string | null;
  agent: string | null;
  /** `sender->receiver` */
  edge: string | null;
  /** Focus depth around `agent`; null shows everything. */
  hops: number | null;
  dir: HopDirection;
  /** Only links whose breaker is in this state, in the links list (the overview's counts link here). */
  breaker: BreakerStateName | null;
}

type Params = { get(name: string): string | null };

export function parseGraphView(p: Params): GraphView {
  const str = (name: string): string | null => {
    const v = p.get(name)?.trim();
    return v ? v : null;
  };
  const window = str("window");
  const at = str("at");
  const hops = Number(str("hops"));
  const dir = str("dir");
  return {
    window: (WINDOW_KEYS as readonly string[]).includes(window ?? "") ? (window as WindowKey) : DEFAULT_WINDOW_KEY,
    at: at !== null && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : null,
    label: str("label"),
    agent: str("agent"),
    edge: str("edge"),
    hops: Number.isInteger(hops) && hops >= 1 && hops <= MAX_HOPS ? hops : null,
    dir: dir === "up" || dir === "down" ? dir : "both",
    breaker: (BREAKER_STATES as readonly string[]).includes(str("breaker") ?? "") ? (str("breaker") as BreakerStateName) : null,
  };
}

/** The query string for a view, defaults left out so links stay short. */
export function graphViewSearch(v: GraphView): string {
  const q = new URLSearchParams();
  if (v.window !== DEFAULT_WINDOW_KEY) q.set("window", v.window);
  if (v.at) q.set("at", v.at);
  if (v.label) q.set("label", v.label);
  if (v.agent) q.set("agent", v.agent);
  if (v.edge) q.set("edge", v.edge);
  if (v.agent && v.hops !== null) {
    q.set("hops", String(v.hops));
    if (v.dir !== "both") q.set("dir", v.dir);
  }
  if (v.breaker) q.set("breaker", v.breaker);
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}

/** The API request for a view's graph; the page preloads exactly this, so the query's fetch picks the preload up. */
export function graphApiUrl(v: Pick<GraphView, "window" | "at" | "label">): string {
  const q = new URLSearchParams({ window: v.window });
  if (v.at) q.set("at", v.at);
  if (v.label) q.set("label", v.label);
  // Columns: a sixth of the bytes of the objects at 10,000 links, and the browser reads them that much sooner (graph-columns.ts).
  q.set("format", "columns");
  return `/api/v1/graph?${q.toString()}`;
}

export const edgeParam = (sender: string, receiver: string): string => `${sender}->${receiver}`;

/** `a->b` -> [a, b]; agent ids may themselves hold "-" but not "->". */
export function parseEdgeParam(edge: string | null): [string, string] | null {
  if (!edge) return null;
  const i = edge.indexOf("->");
  if (i <= 0 || i + 2 >= edge.length) return null;
  return [edge.slice(0, i), edge.slice(i + 2)];
}
