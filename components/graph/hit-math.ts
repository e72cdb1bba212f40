// What is under the pointer on the canvas. Everything here works in screen
// pixels, on the same link geometry the drawing uses, so what you click is
// what you see.

/** Distance from (px, py) to the segment a-b. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const cx = ax + t * dx;
  const cy = ay + t * dy;
  return Math.hypot(px - cx, py - cy);
}

/**
 * A directed link as drawn: shifted `offset` pixels to the right of its
 * direction, so a -> b and b -> a sit side by side, and trimmed by each end's
 * radius so the arrowhead touches the node's rim.
 */
export function linkSegment(ax: number, ay: number, bx: number, by: number, ra: number, rb: number, offset: number): [number, number, number, number] | null {
  const dx = bx - ax;
  const dy = by - ay;
  const len = Math.hypot(dx, dy);
  if (!(len > ra + rb + 1)) return null;
  const ux = dx / len;
  const uy = dy / len;
  // Right-hand normal in screen coordinates (y grows downwards).
  const ox = -uy * offset;
  const oy = ux * offset;
  return [ax + ux * ra + ox, ay + uy * ra + oy, bx - ux * rb + ox, by - uy * rb + oy];
}

export interface ScreenNode {
  x: number;
  y: number;
  r: number;
}

/** The topmost node whose disc (plus `slop` pixels) holds the point: later nodes are drawn on top. */
export function nodeAt(nodes: readonly (ScreenNode | null)[], px: number, py: number, slop = 3): number | null {
  let best: number | null = null;
  let bestD = Infinity;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n) continue;
    const d = Math.hypot(px - n.x, py - n.y);
    if (d <= n.r + slop && d < bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** The nearest link segment within `tolerance` pixels. */
export function linkAt(segments: readonly ([number, number, number, number] | null)[], px: number, py: number, tolerance = 5): number | null {
  let best: number | null = null;
  let bestD = tolerance;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!s) continue;
    // Cheap box test before the exact distance: most links are far away.
    if (px < Math.min(s[0], s[2]) - tolerance || px > Math.max(s[0], s[2]) + tolerance || py < Math.min(s[1], s[3]) - tolerance || py > Math.max(s[1], s[3]) + tolerance) continue;
    const d = distanceToSegment(px, py, s[0], s[1], s[2], s[3]);
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}
