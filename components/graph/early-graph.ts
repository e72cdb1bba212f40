// The graph's first picture before React hydrates. The page sends `earlyGraph`
// as the text of an inline script (early-graph-script.ts builds it): as soon as
// the HTML is parsed it takes the preloaded graph answer, draws every agent
// and link plain at their starting positions into the placeholder canvas, and
// leaves the parsed answer on `window` for the graph query, which takes it
// instead of asking again. On a loaded machine hydration comes seconds after
// the answer; the analyst sees the graph in the meantime.
//
// `earlyGraph` must stand alone: no imports, no names from outside its body
// (it is sent as text); the starting positions come in as an argument
// (layout-math's seedPositions, also sent as text) so the picture React draws
// next is the same one.

import type { LayoutRequest, Point } from "./layout-math.ts";

/** sessionStorage key of the positions the last layout left (use-graph-layout.ts); the early picture starts from them too. */
export const GRAPH_POSITIONS_KEY = "fb-graph-positions";
/** Where the early script leaves the answer: `{ url, json }`, `json` a promise of the parsed body or null. */
export const EARLY_GRAPH_GLOBAL = "__fbEarlyGraph";
/** The placeholder canvas the early picture goes into (only while the page waits for React). */
export const EARLY_GRAPH_CANVAS_ID = "fb-graph-early";
/** Put on the performance timeline when the early picture is drawn, for the UI benchmark. */
export const EARLY_GRAPH_MARK = "fb:graph:early-draw";

export interface EarlyGraphOptions {
  url: string;
  canvasId: string;
  /** A selector for React's own graph canvas: once it is there, the early picture is not needed. */
  reactCanvas: string;
  global: string;
  mark: string;
  /** sessionStorage key of the positions a previous layout left (use-graph-layout.ts). */
  storageKey: string;
  /** Per breaker state: the CSS variable of its colour and its dash; drawn in `order` (worst last, on top). */
  styles: Record<string, { colourVar: string; dash: readonly number[] }>;
  order: readonly string[];
  /** fitTransform's padding and zoom limits (zoom-math.ts). */
  padding: number;
  minZoom: number;
  maxZoom: number;
}

/** The parts of the columns answer (lib/api/graph-columns.ts) the picture needs; checked loosely, the query checks it fully. */
interface EarlyBody {
  nodes?: { id: string; sent: number; received: number }[];
  states?: string[];
  links?: { sender?: number[]; receiver?: number[]; state?: number[] };
}

/** Runs in the browser as an inline script; see the file comment. */
export function earlyGraph(o: EarlyGraphOptions, seed: (req: LayoutRequest) => Point[]): void {
  const w = window as unknown as Record<string, unknown>;
  const json: Promise<unknown> = fetch(o.url, { headers: { accept: "application/json" }, credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
  w[o.global] = { url: o.url, json };
  // The placeholder may not be on screen yet when the answer is (streamed in a hidden part of the page,
  // or not parsed yet): look again each frame, until it is, or React has its own canvas, or ten seconds pass.
  const attempt = (body: EarlyBody, frames: number): void => {
    if (frames > 600 || document.querySelector(o.reactCanvas) || draw(body)) return;
    requestAnimationFrame(() => attempt(body, frames + 1));
  };
  // At once, not on the next animation frame: on a busy main thread that frame can be hundreds of milliseconds away.
  void json.then((body) => {
    if (body) attempt(body as EarlyBody, 0);
  });

  /** False when the placeholder is not there or has no size yet. */
  function draw(body: EarlyBody): boolean {
    const nodes = body.nodes ?? [];
    const links = body.links ?? {};
    // Nothing to draw: React says so.
    if (nodes.length === 0) return true;
    const canvas = document.getElementById(o.canvasId) as HTMLCanvasElement | null;
    if (!canvas || !canvas.isConnected) return false;
    const box = canvas.getBoundingClientRect();
    const width = box.width;
    const height = box.height;
    if (!(width > 0 && height > 0)) return false;
    const dpr = Math.min(window.devicePixelRatio || 1, 3);
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return true;

    let known: Record<string, Point> = {};
    try {
      const stored = JSON.parse(sessionStorage.getItem(o.storageKey) ?? "{}") as Record<string, [number, number]>;
      for (const id in stored) {
        const p = stored[id];
        if (Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])) known[id] = { x: p[0], y: p[1] };
      }
    } catch {
      known = {};
    }
    const ids = nodes.map((n) => n.id);
    // The columns give the endpoints as indices into `nodes` and the state as an index into `states`.
    const senders = links.sender ?? [];
    const receivers = links.receiver ?? [];
    const stateAt = links.state ?? [];
    const names = body.states ?? [];
    const pairs: [number, number][] = [];
    const states: string[] = [];
    for (let i = 0; i < senders.length; i++) {
      const a = senders[i]!;
      const b = receivers[i]!;
      if (!(a < nodes.length && b < nodes.length) || a === b) continue;
      pairs.push([a, b]);
      states.push(names[stateAt[i]!] ?? "CLOSED");
    }
    const pts = seed({ ids, links: pairs, known: Object.fromEntries(ids.filter((id) => known[id]).map((id) => [id, known[id]!])) });

    // fitTransform: the whole graph, centred, never zoomed in past 2x.
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const p of pts) {
      x0 = Math.min(x0, p.x);
      x1 = Math.max(x1, p.x);
      y0 = Math.min(y0, p.y);
      y1 = Math.max(y1, p.y);
    }
    const fitK = Math.min((width - 2 * o.padding) / Math.max(x1 - x0, 1), (height - 2 * o.padding) / Math.max(y1 - y0, 1), 2);
    const k = Number.isFinite(fitK) ? Math.min(o.maxZoom, Math.max(o.minZoom, fitK)) : 1;
    const tx = width / 2 - ((x0 + x1) / 2) * k;
    const ty = height / 2 - ((y0 + y1) / 2) * k;

    const css = getComputedStyle(canvas);
    const colour = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.lineWidth = 1;
    for (const state of o.order) {
      const style = o.styles[state];
      if (!style) continue;
      ctx.strokeStyle = colour(style.colourVar, "#4b5563");
      ctx.setLineDash(style.dash as number[]);
      ctx.beginPath();
      for (let i = 0; i < pairs.length; i++) {
        if (states[i] !== state) continue;
        const a = pts[pairs[i]![0]]!;
        const b = pts[pairs[i]![1]]!;
        ctx.moveTo(a.x * k + tx, a.y * k + ty);
        ctx.lineTo(b.x * k + tx, b.y * k + ty);
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    // Radius by traffic, as nodeRadiusScale (sqrt, 5 to 14 graph units).
    let most = 1;
    for (const n of nodes) most = Math.max(most, (n.sent || 0) + (n.received || 0));
    ctx.beginPath();
    nodes.forEach((n, i) => {
      const p = pts[i]!;
      const r = Math.max(2.5, Math.min((5 + 9 * Math.sqrt(Math.min(1, ((n.sent || 0) + (n.received || 0)) / most))) * k, 40));
      const x = p.x * k + tx;
      const y = p.y * k + ty;
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
    });
    ctx.fillStyle = colour("--fb-panel", "#ffffff");
    ctx.fill();
    ctx.strokeStyle = colour("--fb-muted", "#5b6472");
    ctx.stroke();
    canvas.dataset.nodesDrawn = String(nodes.length);
    canvas.dataset.firstDrawMs = String(Math.round(performance.now()));
    performance.mark(o.mark);
    return true;
  }
}

/**
 * The answer the early script fetched for `url`, once (a later refresh asks
 * the server): a promise of the parsed body, or null when it failed, or when
 * there is no early answer for this url (another view, or a client-side navigation).
 */
export function takeEarlyGraph(url: string): Promise<unknown> | null {
  if (typeof window === "undefined") return null;
  const w = window as unknown as Record<string, unknown>;
  const early = w[EARLY_GRAPH_GLOBAL] as { url?: unknown; json?: unknown } | undefined;
  if (!early || early.url !== url || !(early.json instanceof Promise)) return null;
  delete w[EARLY_GRAPH_GLOBAL];
  return early.json as Promise<unknown>;
}
