// Draws a prepared scene on a 2D canvas at one zoom transform. Links of one
// state and width are stroked as one path (ten thousand links become a few
// dozen strokes), links and icons off screen are skipped, and labels and
// small icons appear only when zoomed in far enough to read them.
import { GLYPHS, type GlyphName } from "./glyphs.ts";
import { linkSegment, type ScreenNode } from "./hit-math.ts";
import { LabelSpace } from "./label-math.ts";
import type { Scene } from "./scene.ts";
import { LOCK_STYLES, TONE_VAR } from "./style-math.ts";
import type { ViewTransform } from "./zoom-math.ts";
import type { Tone } from "@/lib/view/format.ts";

export interface Palette {
  bg: string;
  panel: string;
  fg: string;
  muted: string;
  line: string;
  accent: string;
  tone: Record<Tone, string>;
}

/** The theme's colours, read from the CSS variables the rest of the dashboard uses. */
export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v("--fb-bg", "#f6f7f9"),
    panel: v("--fb-panel", "#ffffff"),
    fg: v("--fb-fg", "#111827"),
    muted: v("--fb-muted", "#5b6472"),
    line: v("--fb-line", "#e2e5ea"),
    accent: v("--fb-accent", "#c2410c"),
    tone: {
      ok: v(TONE_VAR.ok, "#166534"),
      warn: v(TONE_VAR.warn, "#854d0e"),
      bad: v(TONE_VAR.bad, "#b91c1c"),
      info: v(TONE_VAR.info, "#1d4ed8"),
      neutral: v(TONE_VAR.neutral, "#4b5563"),
    },
  };
}

const PATHS = new Map<GlyphName, { stroke: Path2D; fill: Path2D | null }>();
function glyphPaths(name: GlyphName): { stroke: Path2D; fill: Path2D | null } {
  let p = PATHS.get(name);
  if (!p) {
    const g = GLYPHS[name];
    p = { stroke: new Path2D(g.stroke), fill: g.fill ? new Path2D(g.fill) : null };
    PATHS.set(name, p);
  }
  return p;
}

/** A glyph of `size` pixels centred on (x, y), on a disc of the background so it reads over lines. */
function drawGlyph(ctx: CanvasRenderingContext2D, name: GlyphName, x: number, y: number, size: number, colour: string, backdrop: string): void {
  ctx.beginPath();
  ctx.arc(x, y, size * 0.62, 0, Math.PI * 2);
  ctx.fillStyle = backdrop;
  ctx.fill();
  const p = glyphPaths(name);
  ctx.save();
  ctx.translate(x - size / 2, y - size / 2);
  ctx.scale(size / 24, size / 24);
  ctx.lineWidth = 2.2;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.setLineDash([]);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  if (p.fill) ctx.fill(p.fill);
  ctx.stroke(p.stroke);
  ctx.restore();
}

export interface Frame {
  /** Screen geometry of what was drawn, for hit-testing: by node index and by scene link order. */
  nodes: (ScreenNode | null)[];
  segments: ([number, number, number, number] | null)[];
}

export interface DrawOptions {
  width: number;
  height: number;
  dpr: number;
  hoverNode: number | null;
  hoverLink: number | null;
  /** Draw a big graph plain (thin lines, no icons or labels): see drawPlain. */
  moving: boolean;
}

const FAINT = 0.14;
/** Above this many links a graph is drawn plain mid-gesture, and thinned when zoomed out. */
export const PLAIN_ABOVE_LINKS = 2_000;

/**
 * Whether a frame is drawn plain. A big graph is, mid-gesture (to keep up
 * with the pointer) and while its layout settles (the positions change a few
 * frames later anyway, and the first picture shows sooner); the full picture
 * follows once both are over.
 */
export function drawPlain(links: number, moving: boolean, settling: boolean): boolean {
  return links > PLAIN_ABOVE_LINKS && (moving || settling);
}

export function drawScene(ctx: CanvasRenderingContext2D, scene: Scene, pos: Float64Array, t: ViewTransform, pal: Palette, o: DrawOptions): Frame {
  ctx.setTransform(o.dpr, 0, 0, o.dpr, 0, 0);
  ctx.clearRect(0, 0, o.width, o.height);
  const margin = 40;
  const onScreen = (x: number, y: number) => x > -margin && y > -margin && x < o.width + margin && y < o.height + margin;

  const nodes: (ScreenNode | null)[] = scene.nodes.map((n) => {
    if (!n.shown) return null;
    const x = (pos[2 * n.index] ?? 0) * t.k + t.x;
    const y = (pos[2 * n.index + 1] ?? 0) * t.k + t.y;
    return { x, y, r: Math.max(2.5, Math.min(n.r * t.k, 40)) };
  });

  // Links: one path per (look, width, faintness).
  const segments: ([number, number, number, number] | null)[] = new Array(scene.links.length).fill(null);
  const buckets = new Map<string, { dash: readonly number[]; colour: string; width: number; alpha: number; lines: number[]; heads: number[] }>();
  const icons: { glyph: GlyphName; x: number; y: number; colour: string; alpha: number }[] = [];
  const many = scene.links.length > PLAIN_ABOVE_LINKS;
  const plain = many && o.moving;
  // Zoomed out over thousands of links, full widths would paint one solid blot; thin them with the zoom.
  const thin = many ? Math.min(1, Math.max(0.3, t.k)) : 1;
  for (let i = 0; i < scene.links.length; i++) {
    const l = scene.links[i]!;
    if (!l.shown) continue;
    const a = nodes[l.source];
    const b = nodes[l.target];
    if (!a || !b) continue;
    // Both ends off screen on the same side: nothing of the line shows.
    if ((a.x < -margin && b.x < -margin) || (a.y < -margin && b.y < -margin) || (a.x > o.width + margin && b.x > o.width + margin) || (a.y > o.height + margin && b.y > o.height + margin)) continue;
    const seg = linkSegment(a.x, a.y, b.x, b.y, a.r + 1, b.r + 2, l.paired ? Math.max(2, l.width / 2 + 1) : 0);
    if (!seg) continue;
    segments[i] = seg;
    const highlighted = l.selected || o.hoverLink === i;
    const alpha = l.dim && !highlighted ? FAINT : 1;
    const colour = highlighted ? pal.accent : pal.tone[l.style.tone];
    const width = plain && !highlighted ? 1 : highlighted ? l.width + 1.5 : Math.max(1, Math.round(l.width * thin * 2) / 2);
    const key = `${l.style.state}|${width}|${alpha}|${highlighted ? 1 : 0}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { dash: l.style.dash, colour, width, alpha, lines: [], heads: [] };
      buckets.set(key, bucket);
    }
    bucket.lines.push(...seg);
    const len = Math.hypot(seg[2] - seg[0], seg[3] - seg[1]);
    if (len > 12 && !plain && (!many || t.k > 0.6 || l.style.icon !== null || highlighted)) bucket.heads.push(...seg);
    if (plain) continue;
    // Icons: always for a breaker that is not closed and for a broken lock; every lock once there is room to read it.
    const mx = (seg[0] + seg[2]) / 2;
    const my = (seg[1] + seg[3]) / 2;
    if (!onScreen(mx, my)) continue;
    const roomy = len > 70;
    if (l.style.icon && (roomy || len > 24 || !many)) {
      icons.push({ glyph: l.style.icon, x: mx, y: my, colour: pal.tone[l.style.tone], alpha });
    }
    if (l.lock && (l.lock === "broken" ? len > 24 || !many : roomy && (!many || t.k > 1.2))) {
      const off = l.style.icon ? 13 : 0;
      const ux = (seg[2] - seg[0]) / len;
      const uy = (seg[3] - seg[1]) / len;
      icons.push({ glyph: LOCK_STYLES[l.lock].glyph, x: mx + ux * off, y: my + uy * off, colour: pal.tone[LOCK_STYLES[l.lock].tone], alpha });
    }
  }
  ctx.lineCap = "butt";
  for (const b of buckets.values()) {
    ctx.globalAlpha = b.alpha;
    ctx.strokeStyle = b.colour;
    ctx.fillStyle = b.colour;
    ctx.lineWidth = b.width;
    ctx.setLineDash(b.dash as number[]);
    ctx.beginPath();
    for (let k = 0; k < b.lines.length; k += 4) {
      ctx.moveTo(b.lines[k]!, b.lines[k + 1]!);
      ctx.lineTo(b.lines[k + 2]!, b.lines[k + 3]!);
    }
    ctx.stroke();
    if (b.heads.length > 0) {
      ctx.setLineDash([]);
      ctx.beginPath();
      const size = 5 + b.width;
      for (let k = 0; k < b.heads.length; k += 4) {
        const x0 = b.heads[k]!;
        const y0 = b.heads[k + 1]!;
        const x1 = b.heads[k + 2]!;
        const y1 = b.heads[k + 3]!;
        const len = Math.hypot(x1 - x0, y1 - y0) || 1;
        const ux = (x1 - x0) / len;
        const uy = (y1 - y0) / len;
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - ux * size - uy * size * 0.5, y1 - uy * size + ux * size * 0.5);
        ctx.lineTo(x1 - ux * size + uy * size * 0.5, y1 - uy * size - ux * size * 0.5);
        ctx.closePath();
      }
      ctx.fill();
    }
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;

  if (plain) {
    // Moving: every node as one path, no badges or labels.
    ctx.beginPath();
    for (const n of scene.nodes) {
      const s = nodes[n.index];
      if (!s || !onScreen(s.x, s.y)) continue;
      ctx.moveTo(s.x + s.r, s.y);
      ctx.arc(s.x, s.y, s.r, 0, Math.PI * 2);
    }
    ctx.fillStyle = pal.panel;
    ctx.fill();
    ctx.lineWidth = 1.6;
    ctx.strokeStyle = pal.muted;
    ctx.stroke();
    return { nodes, segments };
  }

  // Nodes: a disc with the neutral rim; a dashed rim for agents nobody vouches for; a cross for killed ones.
  for (const n of scene.nodes) {
    const s = nodes[n.index];
    if (!s || !onScreen(s.x, s.y)) continue;
    const hovered = o.hoverNode === n.index;
    ctx.globalAlpha = n.dim && !hovered ? FAINT + 0.1 : 1;
    ctx.beginPath();
    ctx.arc(s.x, s.y, s.r, 0, Math.PI * 2);
    ctx.fillStyle = n.data.killed ? pal.tone.bad : pal.panel;
    ctx.fill();
    const worst = n.badges[0];
    ctx.lineWidth = n.selected || hovered ? 3 : 1.6;
    ctx.strokeStyle = n.selected || hovered ? pal.accent : worst ? pal.tone[worst.tone] : pal.muted;
    ctx.setLineDash(worst && !n.data.killed ? [3, 2] : []);
    ctx.stroke();
    ctx.setLineDash([]);
    if (n.data.killed) {
      const d = s.r * 0.5;
      ctx.beginPath();
      ctx.moveTo(s.x - d, s.y - d);
      ctx.lineTo(s.x + d, s.y + d);
      ctx.moveTo(s.x + d, s.y - d);
      ctx.lineTo(s.x - d, s.y + d);
      ctx.strokeStyle = pal.panel;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (n.selected) {
      ctx.beginPath();
      ctx.arc(s.x, s.y, s.r + 5, 0, Math.PI * 2);
      ctx.strokeStyle = pal.accent;
      ctx.lineWidth = 2;
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;

  for (const ic of icons) {
    ctx.globalAlpha = ic.alpha;
    drawGlyph(ctx, ic.glyph, ic.x, ic.y, 14, ic.colour, pal.bg);
  }
  ctx.globalAlpha = 1;

  // Badges and labels once nodes are big enough to carry them, or few enough to name.
  const shown = scene.shownNodes;
  ctx.font = "600 11px ui-sans-serif, system-ui, sans-serif";
  ctx.textBaseline = "middle";
  const labelled: { n: (typeof scene.nodes)[number]; s: ScreenNode; emphasised: boolean }[] = [];
  for (const n of scene.nodes) {
    const s = nodes[n.index];
    if (!s || !onScreen(s.x, s.y)) continue;
    const emphasised = n.selected || o.hoverNode === n.index;
    ctx.globalAlpha = n.dim && !emphasised ? FAINT + 0.1 : 1;
    if (n.badges.length > 0 && (s.r >= 5 || shown <= 200 || emphasised)) {
      n.badges.forEach((b, i) => drawGlyph(ctx, b.glyph, s.x + s.r * 0.8 + i * 13, s.y - s.r * 0.8, 12, pal.tone[b.tone], pal.bg));
    }
    if (emphasised || shown <= 80 || t.k >= 1.6 || (s.r >= 9 && !n.dim)) labelled.push({ n, s, emphasised });
  }
  // On a crowded graph a label is drawn only where no more important one is (the selection and hover first, then the busiest agents).
  const space = shown > 80 ? new LabelSpace() : null;
  if (space) labelled.sort((a, b) => Number(b.emphasised) - Number(a.emphasised) || b.s.r - a.s.r);
  for (const { n, s, emphasised } of labelled) {
    const label = n.data.id;
    const x = s.x + s.r + 4 + (n.badges.length > 0 ? n.badges.length * 13 : 0);
    if (space && !space.take({ x, y: s.y - 6, width: ctx.measureText(label).width + 4, height: 14 }) && !emphasised) continue;
    ctx.globalAlpha = n.dim && !emphasised ? FAINT + 0.1 : 1;
    ctx.lineWidth = 3;
    ctx.strokeStyle = pal.bg;
    ctx.strokeText(label, x, s.y + 2);
    ctx.fillStyle = emphasised ? pal.accent : pal.fg;
    ctx.fillText(label, x, s.y + 2);
  }
  ctx.globalAlpha = 1;
  return { nodes, segments };
}
