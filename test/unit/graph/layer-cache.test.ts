import { describe, expect, it } from "vitest";
import { MAX_STRETCH, blitPlacement, coversView, layerAction, layerMargin, layerTransform, screenToLayer, type CachedLayer, type LayerRequest } from "@/components/graph/layer-cache.ts";
import { toScreen, type ViewTransform } from "@/components/graph/zoom-math.ts";
import { PLAIN_ABOVE_LINKS, drawPlain } from "@/components/graph/draw.ts";

const W = 1200;
const H = 900;
const drawnAt = (t: ViewTransform, over: Partial<CachedLayer> = {}): CachedLayer => ({ t, margin: layerMargin(W, H), width: W, height: H, dpr: 1, version: 7, detailed: true, ...over });
const ask = (t: ViewTransform, over: Partial<LayerRequest> = {}): LayerRequest => ({ t, width: W, height: H, dpr: 1, version: 7, moving: false, ...over });
const T0: ViewTransform = { k: 0.5, x: 100, y: 50 };

describe("layer cache: when the picture is drawn again", () => {
  it("draws when there is no layer yet", () => {
    expect(layerAction(null, ask(T0))).toBe("render");
  });

  it("copies the layer at rest when it is the full picture at exactly this transform", () => {
    expect(layerAction(drawnAt(T0), ask({ ...T0 }))).toBe("blit");
  });

  it("draws again when the content, the size or the pixel ratio changed, moving or not", () => {
    for (const moving of [false, true]) {
      expect(layerAction(drawnAt(T0), ask(T0, { version: 8, moving }))).toBe("render");
      expect(layerAction(drawnAt(T0), ask(T0, { width: W + 1, moving }))).toBe("render");
      expect(layerAction(drawnAt(T0), ask(T0, { height: H - 1, moving }))).toBe("render");
      expect(layerAction(drawnAt(T0), ask(T0, { dpr: 2, moving }))).toBe("render");
    }
  });

  it("at rest, a moved or plain layer is drawn again: the resting picture is crisp and complete", () => {
    expect(layerAction(drawnAt(T0), ask({ ...T0, x: T0.x + 3 }))).toBe("render");
    expect(layerAction(drawnAt(T0), ask({ ...T0, k: T0.k * 1.01 }))).toBe("render");
    expect(layerAction(drawnAt(T0, { detailed: false }), ask(T0))).toBe("render");
  });

  it("mid-gesture, a pan inside the margin is a copy, past it a redraw", () => {
    const m = layerMargin(W, H);
    expect(layerAction(drawnAt(T0), ask({ ...T0, x: T0.x + m - 1, y: T0.y - m + 1 }, { moving: true }))).toBe("blit");
    expect(layerAction(drawnAt(T0), ask({ ...T0, x: T0.x + m + 2 }, { moving: true }))).toBe("render");
    expect(layerAction(drawnAt(T0), ask({ ...T0, y: T0.y - m - 2 }, { moving: true }))).toBe("render");
  });

  it("mid-gesture, a plain layer is good enough to copy", () => {
    expect(layerAction(drawnAt(T0, { detailed: false }), ask({ ...T0, x: T0.x + 10 }, { moving: true }))).toBe("blit");
  });

  it("mid-gesture, zooming in about the centre is a scaled copy up to MAX_STRETCH, then a redraw", () => {
    const zoomAt = (f: number): ViewTransform => ({ k: T0.k * f, x: W / 2 - (W / 2 - T0.x) * f, y: H / 2 - (H / 2 - T0.y) * f });
    expect(layerAction(drawnAt(T0), ask(zoomAt(2), { moving: true }))).toBe("blit");
    expect(layerAction(drawnAt(T0), ask(zoomAt(MAX_STRETCH * 1.01), { moving: true }))).toBe("render");
    // Zooming out shrinks the copy: once it no longer covers the view, a redraw.
    expect(layerAction(drawnAt(T0), ask(zoomAt(0.9), { moving: true }))).toBe("blit");
    expect(layerAction(drawnAt(T0), ask(zoomAt(0.5), { moving: true }))).toBe("render");
  });

  it("never copies for a transform that is not a number", () => {
    expect(layerAction(drawnAt(T0), ask({ k: Number.NaN, x: 0, y: 0 }, { moving: true }))).toBe("render");
  });
});

describe("layer cache: geometry", () => {
  it("the margin is a third of the shorter side, 0 for an empty view", () => {
    expect(layerMargin(1200, 900)).toBe(300);
    expect(layerMargin(0, 900)).toBe(0);
    expect(layerMargin(Number.NaN, 900)).toBe(0);
  });

  it("a graph point lands where the view transform puts it, through the layer and its copy", () => {
    const layer = drawnAt(T0);
    const drawWith = layerTransform(T0, layer.margin);
    for (const now of [T0, { k: 0.5, x: 180, y: -20 }, { k: 1.2, x: -300, y: -100 }]) {
      const p = blitPlacement(layer, now);
      for (const [gx, gy] of [[0, 0], [400, -120], [-37.5, 800]] as const) {
        const [lx, ly] = toScreen(drawWith, gx, gy);
        const [sx, sy] = toScreen(now, gx, gy);
        expect(p.x + lx * p.scale).toBeCloseTo(sx, 9);
        expect(p.y + ly * p.scale).toBeCloseTo(sy, 9);
        // And back: the pointer over a graph point hits that point's pixels in the layer.
        const back = screenToLayer(layer, now, sx, sy);
        expect(back.x).toBeCloseTo(lx, 9);
        expect(back.y).toBeCloseTo(ly, 9);
        expect(back.scale).toBeCloseTo(now.k / T0.k, 12);
      }
    }
  });

  it("at the drawn transform the copy sits margin pixels up and left, unscaled, and covers the view", () => {
    const layer = drawnAt(T0);
    expect(blitPlacement(layer, T0)).toEqual({ x: -layer.margin, y: -layer.margin, scale: 1 });
    expect(coversView(layer, T0)).toBe(true);
    expect(coversView({ ...layer, margin: 0 }, { ...T0, x: T0.x + 1 })).toBe(false);
  });
});

describe("plain frames: a big graph is drawn plain while it moves or settles", () => {
  it("draws a big graph plain mid-gesture and while its layout settles, in full once both are over", () => {
    const big = PLAIN_ABOVE_LINKS + 1;
    expect(drawPlain(big, true, false)).toBe(true);
    expect(drawPlain(big, false, true)).toBe(true);
    expect(drawPlain(big, true, true)).toBe(true);
    expect(drawPlain(big, false, false)).toBe(false);
  });

  it("always draws a small graph in full: its full picture is cheap", () => {
    for (const [moving, settling] of [[true, true], [true, false], [false, true], [false, false]] as const) expect(drawPlain(PLAIN_ABOVE_LINKS, moving, settling)).toBe(false);
    expect(drawPlain(0, true, true)).toBe(false);
  });

  it("a plain layer is not the full picture: at rest with the same transform it is drawn again", () => {
    const plain = drawnAt(T0, { detailed: !drawPlain(PLAIN_ABOVE_LINKS + 1, false, true) });
    expect(plain.detailed).toBe(false);
    expect(layerAction(plain, ask({ ...T0 }))).toBe("render");
  });
});
