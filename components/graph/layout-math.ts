// Force layout (d3-force), run by the layout worker and by unit tests. The
// caller's cached positions seed it, so a refresh that adds one agent moves
// the graph a little instead of reshuffling it.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from "d3";

export interface Point {
  x: number;
  y: number;
}

export interface LayoutRequest {
  ids: readonly string[];
  /** Index pairs into ids. */
  links: readonly (readonly [number, number])[];
  /** Positions from an earlier layout, by id. */
  known: Readonly<Record<string, Point>>;
}

interface SimNode extends SimulationNodeDatum {
  index: number;
}

/**
 * Starting points: a known position where there is one; otherwise next to an
 * already placed neighbour, or on a sunflower spiral (even spacing, no
 * randomness, so the same input always lays out the same way). Self-contained
 * (no outer names): the graph page also sends its text to the browser inline,
 * to draw the first picture before hydration (early-graph.ts).
 */
export function seedPositions(req: LayoutRequest): Point[] {
  const SPACING = 28; // the module's SPACING, repeated so the text stands alone
  const out: (Point | null)[] = req.ids.map((id) => req.known[id] ?? null);
  const neighbours: number[][] = req.ids.map(() => []);
  for (const [a, b] of req.links) {
    neighbours[a]?.push(b);
    neighbours[b]?.push(a);
  }
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < out.length; i++) {
    if (out[i]) continue;
    const placed = (neighbours[i] ?? []).map((j) => out[j]).find((p): p is Point => p !== null && p !== undefined);
    if (placed) {
      const angle = i * golden;
      out[i] = { x: placed.x + Math.cos(angle) * SPACING, y: placed.y + Math.sin(angle) * SPACING };
    } else {
      const r = SPACING * Math.sqrt(i + 0.5);
      out[i] = { x: r * Math.cos(i * golden), y: r * Math.sin(i * golden) };
    }
  }
  return out as Point[];
}

/** How much a layout has to do: nothing when every node is known, a gentle nudge for a few new ones. */
export function startAlpha(req: LayoutRequest): number {
  if (req.ids.length === 0) return 0;
  const unknown = req.ids.filter((id) => !req.known[id]).length;
  if (unknown === 0) return 0;
  return unknown === req.ids.length ? 1 : Math.min(1, 0.1 + unknown / req.ids.length);
}

const SPACING = 28;

export interface Layout {
  /** Advance up to `ticks` steps; false once it has settled. */
  step(ticks: number): boolean;
  positions(): Float64Array;
}

export function createLayout(req: LayoutRequest): Layout {
  const seeds = seedPositions(req);
  const nodes: SimNode[] = seeds.map((p, index) => ({ index, x: p.x, y: p.y }));
  const alpha = startAlpha(req);
  const n = nodes.length;
  const sim = forceSimulation<SimNode>(nodes)
    .stop()
    .alpha(alpha)
    .alphaMin(0.02)
    // Big graphs settle sooner: the last ticks of a thousand nodes move them by less than a pixel.
    .alphaDecay(n > 500 ? 0.04 : 0.0228)
    .force(
      "link",
      forceLink<SimNode, { source: number; target: number }>(req.links.map(([source, target]) => ({ source, target })))
        // Small graphs get long links: room for the icons and locks at their middles.
        .distance(n > 500 ? SPACING * 2 : SPACING * 4)
        .strength(0.4),
    )
    .force("charge", forceManyBody<SimNode>().strength(n > 500 ? -40 : -260).theta(0.9).distanceMax(600))
    .force("collide", forceCollide<SimNode>(12).iterations(1))
    // A weak pull to the middle keeps agents without links from drifting off.
    .force("x", forceX<SimNode>(0).strength(0.04))
    .force("y", forceY<SimNode>(0).strength(0.04));
  return {
    step(ticks) {
      if (sim.alpha() < sim.alphaMin()) return false;
      sim.tick(ticks);
      return sim.alpha() >= sim.alphaMin();
    },
    positions() {
      const out = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        out[2 * i] = nodes[i]!.x ?? 0;
        out[2 * i + 1] = nodes[i]!.y ?? 0;
      }
      return out;
    },
  };
}
