"use client";

import { select, zoom, zoomIdentity, type ZoomBehavior } from "d3";
import { useEffect, useRef, useState } from "react";
import { drawPlain, drawScene, readPalette, type Frame, type Palette } from "./draw.ts";
import { blitPlacement, layerAction, layerMargin, layerTransform, screenToLayer, type CachedLayer } from "./layer-cache.ts";
import { linkAt, nodeAt } from "./hit-math.ts";
import type { Scene } from "./scene.ts";
import { GraphTooltip } from "./graph-tooltip.tsx";
import { MAX_ZOOM, MIN_ZOOM, boundsOf, centreOn, fitTransform, type ViewTransform } from "./zoom-math.ts";

export interface GraphCanvasProps {
  scene: Scene;
  positions: Float64Array | null;
  /** Changes when a new topology is laid out: the view is fitted again (until the user pans or zooms). */
  topology: number;
  settling: boolean;
  focusKey: string;
  onSelectAgent: (id: string | null) => void;
  onSelectLink: (sender: string, receiver: string) => void;
  /** Called once, after the first frame is on screen, whatever it shows (the page then drops its early picture). */
  onDrawn?: () => void;
}

type Hover = { kind: "node"; index: number; x: number; y: number } | { kind: "link"; index: number; x: number; y: number } | null;

/**
 * The graph on a <canvas>. d3-zoom owns pan and zoom in one effect; every
 * frame is drawn from refs in requestAnimationFrame, so panning never
 * re-renders React. The scene is drawn into an offscreen layer and copied
 * to the screen, moved and scaled while a gesture is under way. Data
 * attributes report what was drawn (data-draws: frames shown, data-renders:
 * times the scene itself was drawn), for the e2e checks and the UI benchmark.
 */
export function GraphCanvas({ scene, positions, topology, settling, focusKey, onSelectAgent, onSelectLink, onDrawn }: GraphCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const transform = useRef<ViewTransform>({ k: 1, x: 0, y: 0 });
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const size = useRef({ width: 0, height: 0, dpr: 1 });
  const palette = useRef<Palette | null>(null);
  const frame = useRef<Frame>({ nodes: [], segments: [] });
  const live = useRef({ scene, positions, settling, hoverNode: null as number | null, hoverLink: null as number | null });
  const pending = useRef<number | null>(null);
  const userMoved = useRef(false);
  const fitted = useRef(false);
  const moving = useRef(false);
  const draws = useRef(0);
  const firstDrawn = useRef(false);
  const [hover, setHover] = useState<Hover>(null);
  const selectRef = useRef({ onSelectAgent, onSelectLink, onDrawn });
  selectRef.current = { onSelectAgent, onSelectLink, onDrawn };

  // The picture lives in an offscreen layer (see layer-cache.ts); the canvas on screen only ever receives copies of it.
  const layer = useRef<{ canvas: HTMLCanvasElement | OffscreenCanvas; state: CachedLayer | null } | null>(null);
  const version = useRef(0);
  const renders = useRef(0);
  const invalidate = useRef(() => {});
  invalidate.current = () => {
    version.current += 1;
    scheduleDraw.current();
  };

  const scheduleDraw = useRef(() => {});
  scheduleDraw.current = () => {
    if (pending.current !== null) return;
    pending.current = requestAnimationFrame(() => {
      pending.current = null;
      const c = canvas.current;
      const { scene: sc, positions: pos, settling: unsettled, hoverNode, hoverLink } = live.current;
      // Nothing on screen before the view is fitted to the graph (or the user has moved it): a frame at the
      // initial transform shows the graph bunched in the top-left corner, in place of the page's early picture.
      if (!c || !pos || !(fitted.current || userMoved.current)) return;
      const ctx = c.getContext("2d");
      if (!ctx) return;
      palette.current ??= readPalette(c);
      const { width, height, dpr } = size.current;
      const t = transform.current;
      layer.current ??= { canvas: newLayerCanvas(), state: null };
      const lc = layer.current;
      const lctx = lc.canvas.getContext("2d") as CanvasRenderingContext2D | null;
      if (!lctx) return;
      const plain = drawPlain(sc.links.length, moving.current, unsettled);
      if (layerAction(lc.state, { t, width, height, dpr, version: version.current, moving: plain || moving.current }) === "render") {
        const margin = layerMargin(width, height);
        const lw = Math.max(1, Math.round((width + 2 * margin) * dpr));
        const lh = Math.max(1, Math.round((height + 2 * margin) * dpr));
        if (lc.canvas.width !== lw || lc.canvas.height !== lh) {
          lc.canvas.width = lw;
          lc.canvas.height = lh;
        }
        frame.current = drawScene(lctx, sc, pos, layerTransform(t, margin), palette.current, { width: width + 2 * margin, height: height + 2 * margin, dpr, hoverNode, hoverLink, moving: plain });
        lc.state = { t: { ...t }, margin, width, height, dpr, version: version.current, detailed: !plain };
        renders.current += 1;
        c.dataset.renders = String(renders.current);
        c.dataset.nodesDrawn = String(frame.current.nodes.filter((n) => n !== null).length);
        c.dataset.linksDrawn = String(frame.current.segments.filter((s) => s !== null).length);
      }
      const state = lc.state!;
      const place = blitPlacement(state, t);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, c.width, c.height);
      ctx.imageSmoothingEnabled = place.scale !== 1;
      ctx.imageSmoothingQuality = "low";
      ctx.drawImage(lc.canvas, place.x * dpr, place.y * dpr, lc.canvas.width * place.scale, lc.canvas.height * place.scale);
      draws.current += 1;
      c.dataset.draws = String(draws.current);
      const drawn = Number(c.dataset.nodesDrawn);
      if (!firstDrawn.current && drawn === sc.shownNodes && drawn > 0) {
        firstDrawn.current = true;
        c.dataset.firstDrawMs = String(Math.round(performance.now()));
      }
      if (draws.current === 1) selectRef.current.onDrawn?.();
    });
  };

  live.current.scene = scene;
  live.current.positions = positions;
  live.current.settling = settling;

  const fit = useRef(() => {});
  fit.current = () => {
    const { scene: sc, positions: pos } = live.current;
    const c = canvas.current;
    if (!pos || !c || !zoomRef.current) return;
    const shown = sc.nodes.filter((n) => n.shown).map((n) => ({ x: pos[2 * n.index]!, y: pos[2 * n.index + 1]! }));
    const t = fitTransform(boundsOf(shown), size.current.width, size.current.height);
    select(c).call(zoomRef.current.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
    fitted.current = true;
  };

  // Size, pan/zoom, theme: set up once, torn down on unmount.
  useEffect(() => {
    const c = canvas.current;
    const w = wrap.current;
    if (!c || !w) return;
    const resize = () => {
      const rect = w.getBoundingClientRect();
      const dpr = Math.min(window.devicePixelRatio || 1, 3);
      size.current = { width: rect.width, height: rect.height, dpr };
      c.width = Math.max(1, Math.round(rect.width * dpr));
      c.height = Math.max(1, Math.round(rect.height * dpr));
      c.style.width = `${rect.width}px`;
      c.style.height = `${rect.height}px`;
      scheduleDraw.current();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(w);
    resize();

    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([MIN_ZOOM, MAX_ZOOM])
      .on("start", () => {
        moving.current = true;
      })
      .on("end", () => {
        // The full drawing (icons, locks, widths) once the pointer rests.
        moving.current = false;
        scheduleDraw.current();
      })
      .on("zoom", (event: { transform: ViewTransform; sourceEvent: unknown }) => {
        transform.current = { k: event.transform.k, x: event.transform.x, y: event.transform.y };
        if (event.sourceEvent) userMoved.current = true;
        scheduleDraw.current();
      });
    zoomRef.current = z;
    const sel = select(c);
    sel.call(z).on("dblclick.zoom", null);

    const theme = new MutationObserver(() => {
      palette.current = null;
      invalidate.current();
    });
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "class"] });

    return () => {
      ro.disconnect();
      theme.disconnect();
      sel.on(".zoom", null);
      if (pending.current !== null) cancelAnimationFrame(pending.current);
      pending.current = null;
    };
  }, []);

  // New data or positions: draw; a new topology (or focus) is fitted until the user takes over.
  useEffect(() => {
    invalidate.current();
  }, [scene, positions, settling]);
  useEffect(() => {
    userMoved.current = false;
  }, [topology, focusKey]);
  useEffect(() => {
    if (!userMoved.current) fit.current();
  }, [topology, focusKey, positions]);

  // Centre a newly selected agent when it is outside the view.
  const selectedIndex = scene.nodes.findIndex((n) => n.selected);
  useEffect(() => {
    if (selectedIndex < 0 || !positions || !canvas.current || !zoomRef.current) return;
    const x = positions[2 * selectedIndex]!;
    const y = positions[2 * selectedIndex + 1]!;
    const t = transform.current;
    const sx = x * t.k + t.x;
    const sy = y * t.k + t.y;
    const { width, height } = size.current;
    if (sx > 40 && sy > 40 && sx < width - 40 && sy < height - 40) return;
    const c = centreOn(t, x, y, width, height);
    select(canvas.current).call(zoomRef.current.transform, zoomIdentity.translate(c.x, c.y).scale(c.k));
    // Only on a new selection, not on every position update while settling.
  }, [selectedIndex]);

  const pick = (e: React.MouseEvent<HTMLCanvasElement>): Hover => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    // The geometry is the layer's, which may be a moved copy mid-gesture: ask in its pixels.
    const state = layer.current?.state;
    const at = state ? screenToLayer(state, transform.current, x, y) : { x, y, scale: 1 };
    const n = nodeAt(frame.current.nodes, at.x, at.y, 3 / at.scale);
    if (n !== null) return { kind: "node", index: n, x, y };
    const l = linkAt(frame.current.segments, at.x, at.y, 5 / at.scale);
    if (l !== null) return { kind: "link", index: l, x, y };
    return null;
  };

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (e.buttons !== 0) return;
    const h = pick(e);
    const hn = h?.kind === "node" ? h.index : null;
    const hl = h?.kind === "link" ? h.index : null;
    if (hn !== live.current.hoverNode || hl !== live.current.hoverLink) {
      live.current.hoverNode = hn;
      live.current.hoverLink = hl;
      invalidate.current();
    }
    setHover(h);
  };

  const onLeave = () => {
    live.current.hoverNode = null;
    live.current.hoverLink = null;
    setHover(null);
    invalidate.current();
  };

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const h = pick(e);
    if (h?.kind === "node") selectRef.current.onSelectAgent(scene.nodes[h.index]!.data.id);
    else if (h?.kind === "link") {
      const l = scene.links[h.index]!;
      selectRef.current.onSelectLink(l.data.sender, l.data.receiver);
    } else selectRef.current.onSelectAgent(null);
  };

  // Keyboard: arrows pan, + and - zoom, 0 fits, Escape clears the selection.
  const onKey = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const c = canvas.current;
    const z = zoomRef.current;
    if (!c || !z) return;
    const step = 60;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => z.translateBy(select(c), step / transform.current.k, 0),
      ArrowRight: () => z.translateBy(select(c), -step / transform.current.k, 0),
      ArrowUp: () => z.translateBy(select(c), 0, step / transform.current.k),
      ArrowDown: () => z.translateBy(select(c), 0, -step / transform.current.k),
      "+": () => z.scaleBy(select(c), 1.25),
      "=": () => z.scaleBy(select(c), 1.25),
      "-": () => z.scaleBy(select(c), 0.8),
      "0": () => fit.current(),
      Escape: () => selectRef.current.onSelectAgent(null),
    };
    const fn = moves[e.key];
    if (!fn) return;
    e.preventDefault();
    userMoved.current = e.key !== "0";
    fn();
  };

  const hovered = hover?.kind === "node" ? { kind: "node" as const, node: scene.nodes[hover.index] } : hover?.kind === "link" ? { kind: "link" as const, link: scene.links[hover.index] } : null;

  return (
    <div ref={wrap} className="relative h-full min-h-[420px] w-full overflow-hidden rounded-lg bg-bg">
      <canvas
        ref={canvas}
        data-testid="graph-canvas"
        data-layout={settling ? "settling" : "done"}
        tabIndex={0}
        role="img"
        aria-label={`Agent graph: ${scene.shownNodes} agents and ${scene.links.filter((l) => l.shown).length} links. Arrow keys pan, plus and minus zoom, 0 fits the view; the lists beside the graph select agents and links.`}
        className="block cursor-grab touch-none active:cursor-grabbing"
        onMouseMove={onMove}
        onMouseLeave={onLeave}
        onClick={onClick}
        onKeyDown={onKey}
      />
      {hover && hovered ? <GraphTooltip x={hover.x} y={hover.y} target={hovered} /> : null}
      <button
        type="button"
        onClick={() => {
          userMoved.current = false;
          fit.current();
        }}
        className="absolute right-2 bottom-2 rounded-md border border-line bg-panel px-2 py-1 text-xs font-medium shadow-sm hover:bg-raised"
      >
        Fit view
      </button>
    </div>
  );
}

/** The offscreen layer: an OffscreenCanvas where the browser has one, else a detached canvas (same 2D API). */
function newLayerCanvas(): HTMLCanvasElement | OffscreenCanvas {
  return typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1) : document.createElement("canvas");
}
