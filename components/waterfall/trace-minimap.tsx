"use client";

import { useEffect, useRef, type PointerEvent, type RefObject } from "react";
import type { Tone } from "@/lib/view/format.ts";
import type { TraceModel } from "./trace-waterfall.tsx";

const HEIGHT = 56;
const TONE_VARS: Record<Tone, string> = { ok: "--fb-ok", warn: "--fb-warn", bad: "--fb-bad", info: "--fb-info", neutral: "--fb-neutral" };

/**
 * The whole trace at a glance: every row as a sliver (time across, rows
 * down) on a canvas, failures drawn last so they are never hidden, and the
 * band of rows on screen. Pointing at it scrolls there. A pointer aid only:
 * the tree itself is the keyboard route.
 */
export function TraceMinimap({
  model,
  rows,
  scrollRef,
  rowHeight,
  onJump,
}: {
  model: TraceModel;
  rows: Int32Array;
  /** The waterfall's scrolling element: the band follows it without a React render per scroll. */
  scrollRef: RefObject<HTMLDivElement | null>;
  rowHeight: number;
  onJump: (row: number) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const bandRef = useRef<HTMLDivElement>(null);

  // The band of rows on screen, moved on each scroll event by style alone.
  useEffect(() => {
    const el = scrollRef.current;
    const band = bandRef.current;
    if (!el || !band) return;
    const place = (): void => {
      const n = rows.length;
      const first = Math.floor(el.scrollTop / rowHeight);
      const visibleCount = Math.ceil(el.clientHeight / rowHeight);
      band.style.top = `${n > 0 ? (first / n) * HEIGHT : 0}px`;
      band.style.height = `${n > 0 ? Math.max(3, (Math.min(visibleCount, n) / n) * HEIGHT) : HEIGHT}px`;
    };
    place();
    el.addEventListener("scroll", place, { passive: true });
    const ro = new ResizeObserver(place);
    ro.observe(el);
    return () => {
      el.removeEventListener("scroll", place);
      ro.disconnect();
    };
  }, [rows, rowHeight, scrollRef]);

  // Drawing is outside React: 100,000 slivers are one canvas pass, redrawn on collapse, resize and theme change.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const draw = (): void => {
      const width = canvas.clientWidth;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(width * ratio));
      canvas.height = Math.round(HEIGHT * ratio);
      const ctx = canvas.getContext("2d");
      if (!ctx) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, HEIGHT);
      const css = getComputedStyle(document.documentElement);
      const colour = (t: Tone): string => css.getPropertyValue(TONE_VARS[t]).trim() || "#888";
      const { spans } = model.trace;
      const { tones } = model;
      const n = rows.length;
      const duration = model.duration > 0 ? model.duration : 1;
      const rowH = Math.max(HEIGHT / Math.max(n, 1), 0.5);
      const passes: Tone[] = ["neutral", "ok", "info", "warn", "bad"];
      for (const pass of passes) {
        ctx.fillStyle = colour(pass);
        ctx.globalAlpha = pass === "neutral" ? 0.45 : 0.75;
        for (let r = 0; r < n; r++) {
          const v = rows[r]!;
          if (tones[v] !== pass) continue;
          const x = (spans.start[v]! / duration) * width;
          const w = Math.max(1, ((spans.end[v]! - spans.start[v]!) / duration) * width);
          ctx.fillRect(x, (r / n) * HEIGHT, w, Math.max(rowH, pass === "bad" ? 1.5 : 0.5));
        }
      }
      ctx.globalAlpha = 1;
    };
    draw();
    const ro = new ResizeObserver(draw);
    ro.observe(canvas);
    const mo = new MutationObserver(draw);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, [model, rows]);

  const n = rows.length;
  const jump = (e: PointerEvent<HTMLDivElement>): void => {
    const box = e.currentTarget.getBoundingClientRect();
    onJump(Math.floor(((e.clientY - box.top) / box.height) * n));
  };

  return (
    <div
      aria-hidden
      data-testid="minimap"
      className="relative cursor-crosshair bg-bg"
      style={{ height: HEIGHT }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        jump(e);
      }}
      onPointerMove={(e) => {
        if (e.buttons === 1) jump(e);
      }}
    >
      <canvas ref={canvasRef} className="absolute inset-0 h-full w-full" />
      <div ref={bandRef} className="pointer-events-none absolute inset-x-0 border-y border-accent bg-accent/10" />
    </div>
  );
}
