// The text of the graph page's inline script (see early-graph.ts): the early
// draw and the starting positions as function texts, and the options as JSON.
import { EARLY_GRAPH_CANVAS_ID, EARLY_GRAPH_GLOBAL, EARLY_GRAPH_MARK, GRAPH_POSITIONS_KEY, earlyGraph, type EarlyGraphOptions } from "./early-graph.ts";
import { seedPositions } from "./layout-math.ts";
import { BREAKER_STYLES, STATE_SEVERITY, TONE_VAR } from "./style-math.ts";
import { MAX_ZOOM, MIN_ZOOM } from "./zoom-math.ts";

export function earlyGraphOptions(url: string): EarlyGraphOptions {
  const states = Object.values(BREAKER_STYLES);
  return {
    url,
    canvasId: EARLY_GRAPH_CANVAS_ID,
    reactCanvas: '[data-testid="graph-canvas"]',
    global: EARLY_GRAPH_GLOBAL,
    mark: EARLY_GRAPH_MARK,
    storageKey: GRAPH_POSITIONS_KEY,
    styles: Object.fromEntries(states.map((s) => [s.state, { colourVar: TONE_VAR[s.tone], dash: s.dash }])),
    order: states.map((s) => s.state).sort((a, b) => STATE_SEVERITY[a] - STATE_SEVERITY[b]),
    padding: 40,
    minZoom: MIN_ZOOM,
    maxZoom: MAX_ZOOM,
  };
}

/** The inline script for the graph answer at `url` (the one the page preloads). `<` is escaped: the text sits inside a <script> element. */
export function earlyGraphScript(url: string): string {
  return `(${earlyGraph.toString()})(${JSON.stringify(earlyGraphOptions(url)).replace(/</g, "\\u003c")}, ${seedPositions.toString()});`;
}
