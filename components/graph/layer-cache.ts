// The graph's picture is drawn once into an offscreen layer, a margin larger
// than the view on every side, and copied to the screen. While a pan or zoom
// is under way the copy is only moved and scaled (one drawImage instead of
// ten thousand anti-aliased lines, which a software-rasterised canvas cannot
// redraw 30 times a second); the picture is drawn again when the gesture
// rests, or sooner when the moved copy would leave a gap or blur. Pure rules
// here; the canvas component applies them.
import type { ViewTransform } from "./zoom-math.ts";

/** What the layer holds: the scene at one transform, one content version, one size. */
export interface CachedLayer {
  /** The view transform the layer was drawn at (screen pixels, before the margin). */
  t: ViewTransform;
  /** CSS pixels of picture kept on each side of the view. */
  margin: number;
  width: number;
  height: number;
  dpr: number;
  /** Bumped by the component whenever what is drawn changes: scene, positions, theme, hover. */
  version: number;
  /** Drawn in full (icons, arrows, labels, locks); false for the plain picture drawn mid-gesture. */
  detailed: boolean;
}

export interface LayerRequest {
  t: ViewTransform;
  width: number;
  height: number;
  dpr: number;
  version: number;
  moving: boolean;
}

export type LayerAction = "blit" | "render";

/** A layer stretched beyond this (either way) is drawn again, even mid-gesture: past it lines blur or thin out. */
export const MAX_STRETCH = 3;

/** The margin for a view: a third of its shorter side, so an ordinary drag stays inside what was drawn. */
export function layerMargin(width: number, height: number): number {
  const side = Math.min(width, height);
  return Number.isFinite(side) && side > 0 ? Math.round(side / 3) : 0;
}

/** Where the layer goes on screen for the transform t: its top-left corner and its scale. */
export function blitPlacement(layer: Pick<CachedLayer, "t" | "margin">, t: ViewTransform): { x: number; y: number; scale: number } {
  const scale = t.k / layer.t.k;
  return { x: t.x - (layer.t.x + layer.margin) * scale, y: t.y - (layer.t.y + layer.margin) * scale, scale };
}

/** Whether the moved layer still covers the whole view (no blank band at an edge). */
export function coversView(layer: CachedLayer, t: ViewTransform): boolean {
  const p = blitPlacement(layer, t);
  const w = (layer.width + 2 * layer.margin) * p.scale;
  const h = (layer.height + 2 * layer.margin) * p.scale;
  const eps = 0.5;
  return p.x <= eps && p.y <= eps && p.x + w >= layer.width - eps && p.y + h >= layer.height - eps;
}

const sameTransform = (a: ViewTransform, b: ViewTransform): boolean => Math.abs(a.k - b.k) <= 1e-9 * Math.max(1, a.k) && Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01;

/**
 * Copy the layer, or draw it again? Drawn again when there is none, when the
 * content, size or pixel ratio changed, when at rest and the layer is not the
 * full picture at exactly this transform (hit-testing and crisp lines need
 * it), and mid-gesture when the moved copy would leave a gap or stretch past
 * MAX_STRETCH.
 */
export function layerAction(layer: CachedLayer | null, req: LayerRequest): LayerAction {
  if (!layer) return "render";
  if (layer.version !== req.version || layer.width !== req.width || layer.height !== req.height || layer.dpr !== req.dpr) return "render";
  if (!req.moving) return layer.detailed && sameTransform(layer.t, req.t) ? "blit" : "render";
  const stretch = req.t.k / layer.t.k;
  if (!(stretch <= MAX_STRETCH && stretch >= 1 / MAX_STRETCH)) return "render";
  return coversView(layer, req.t) ? "blit" : "render";
}

/** The transform to draw the layer with: the view's, shifted by the margin. */
export function layerTransform(t: ViewTransform, margin: number): ViewTransform {
  return { k: t.k, x: t.x + margin, y: t.y + margin };
}

/**
 * A pointer on screen in the layer's pixels, with the factor to divide screen
 * tolerances by: hit-testing reads the geometry the layer was drawn with, so
 * what is under the pointer is what the moved copy shows there.
 */
export function screenToLayer(layer: Pick<CachedLayer, "t" | "margin">, t: ViewTransform, sx: number, sy: number): { x: number; y: number; scale: number } {
  const p = blitPlacement(layer, t);
  return { x: (sx - p.x) / p.scale, y: (sy - p.y) / p.scale, scale: p.scale };
}
