// Pan and zoom as plain numbers: a transform {k, x, y} maps graph units to
// screen pixels as screen = graph * k + (x, y), the same as d3-zoom's.

export interface ViewTransform {
  k: number;
  x: number;
  y: number;
}

export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 8;

export const IDENTITY: ViewTransform = { k: 1, x: 0, y: 0 };

export function toScreen(t: ViewTransform, x: number, y: number): [number, number] {
  return [x * t.k + t.x, y * t.k + t.y];
}

export function toGraph(t: ViewTransform, sx: number, sy: number): [number, number] {
  return [(sx - t.x) / t.k, (sy - t.y) / t.k];
}

/** Bounds of the points with finite coordinates; null when there are none. */
export function boundsOf(points: Iterable<{ x: number; y: number }>): Bounds | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}

/** The transform that shows the bounds whole, centred, with `padding` pixels around; never zooms in past 2x. */
export function fitTransform(b: Bounds | null, width: number, height: number, padding = 40): ViewTransform {
  if (!b || !(width > 0) || !(height > 0)) return { k: 1, x: width / 2 || 0, y: height / 2 || 0 };
  const w = Math.max(b.x1 - b.x0, 1);
  const h = Math.max(b.y1 - b.y0, 1);
  const k = clampZoom(Math.min((width - 2 * padding) / w, (height - 2 * padding) / h, 2));
  const cx = (b.x0 + b.x1) / 2;
  const cy = (b.y0 + b.y1) / 2;
  return { k, x: width / 2 - cx * k, y: height / 2 - cy * k };
}

/** Keeps the zoom, moves the point to the centre of the view. */
export function centreOn(t: ViewTransform, x: number, y: number, width: number, height: number): ViewTransform {
  return { k: t.k, x: width / 2 - x * t.k, y: height / 2 - y * t.k };
}

export function clampZoom(k: number): number {
  if (!Number.isFinite(k)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}
