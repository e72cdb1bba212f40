"use client";

import { memo, useEffect, useRef, type PointerEvent, type RefObject } from "react";
import type { TraceSummaryView } from "@/lib/api/trace-summary-views.ts";
import { formatCount, type Tone } from "@/lib/view/format.ts";
import type { TraceModel } from "./trace-waterfall.tsx";
import { densityHeights, type OverviewMark } from "./trace-overview.ts";
import { formatDuration } from "./waterfall-math.ts";

const HEIGHT = 56;
/** The whole trace's lane above the rows: density of rows over time, from the server's summary. */
const LANE = 14;
const MARK_TONE: Record<OverviewMark["severity"], Tone> = { failed: "bad", doubtful: "warn", error: "bad" };
/** Failed and doubtful records stand tall; error spans (common in busy traces) are short and faint, so a forged record is not lost among them. */
const MARK_SHAPE: Record<OverviewMark["severity"], string> = {
  failed: "h-full w-[3px] rounded-sm",
  doubtful: "h-full w-[3px] rounded-sm",
  error: "mt-auto h-1/2 w-[2px] rounded-sm opacity-45",
};
const MARK_WORDS: Record<OverviewMark["severity"], [string, string]> = { failed: ["failed record", "failed records"], doubtful: ["doubtful record", "doubtful records"], error: ["error span", "error spans"] };
const TONE_VARS: Record<Tone, string> = { ok: "--fb-ok", warn: "--fb-warn", bad: "--fb-bad", info: "--fb-info", neutral: "--fb-neutral" };

/**
 * The whole trace at a glance: every loaded row as a sliver (time across,
 * rows down) on a canvas, failures drawn last so they are never hidden, and
 * the band of rows on screen. Pointing at it scrolls there. Over it, from the
 * server's summary of the whole trace (loaded or not): the density of rows
 * over time in a lane at the top, the time not loaded yet hatched, and a
 * mark for every slice of time holding a failed or doubtful record or an
 * error span, which jumps there (paging the windows in). The tree and "Next
 * failure" (n) are the keyboard route.
 */
export function TraceMinimap({
  model,
  rows,
  scrollRef,
  rowHeight,
  onJump,
  summary,
  marks,
  through,
  onMark,
}: {
  model: TraceModel;
  rows: Int32Array;
  /** The waterfall's scrolling element: the band follows it without a React render per scroll. */
  scrollRef: RefObject<HTMLDivElement | null>;
  rowHeight: number;
  onJump: (row: number) => void;
  /** The whole trace's summary once it is in; its time axis is then the whole trace's (model.duration is set to it). */
  summary: TraceSummaryView | undefined;
  marks: readonly OverviewMark[];
  /** How far the loaded windows reach, ns in the model's frame (Infinity when all is loaded). */
  through: number;
  onMark: (mark: OverviewMark) => void;
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
      band.style.top = `${LANE + (n > 0 ? (first / n) * HEIGHT : 0)}px`;
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
      canvas.height = Math.round((HEIGHT + LANE) * ratio);
      const ctx = canvas.getContext("2d");
      if (!ctx) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, HEIGHT + LANE);
      const css = getComputedStyle(document.documentElement);
      const colour = (t: Tone): string => css.getPropertyValue(TONE_VARS[t]).trim() || "#888";
      if (summary) {
        // The lane: rows per slice of the whole trace's time, as bars from the bottom of the lane.
        const heights = densityHeights(summary.bins.rows);
        const axis = model.duration > 0 ? model.duration : 1;
        const shift = Number(BigInt(summary.startNs) - BigInt(model.trace.startNs));
        ctx.fillStyle = colour("neutral");
        ctx.globalAlpha = 0.55;
        for (let b = 0; b < heights.length; b++) {
          const h = heights[b]!;
          if (h <= 0) continue;
          const x = ((b * summary.binWidthNs + shift) / axis) * width;
          const w = Math.max(1, (summary.binWidthNs / axis) * width);
          ctx.fillRect(x, LANE - 1 - h * (LANE - 3), w, h * (LANE - 3));
        }
      }
      ctx.translate(0, LANE);
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
  }, [model, rows, summary]);

  const n = rows.length;
  const jump = (e: PointerEvent<HTMLDivElement>): void => {
    const box = e.currentTarget.getBoundingClientRect();
    onJump(Math.floor(((e.clientY - box.top - LANE) / (box.height - LANE)) * n));
  };
  const axis = model.duration > 0 ? model.duration : 1;
  const unloaded = summary && Number.isFinite(through) ? Math.min(1, Math.max(0, through / axis)) : 1;

  return (
    <div
      data-testid="minimap"
      className="relative cursor-crosshair bg-bg"
      style={{ height: HEIGHT + LANE }}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        jump(e);
      }}
      onPointerMove={(e) => {
        if (e.buttons === 1) jump(e);
      }}
    >
      <canvas ref={canvasRef} aria-hidden className="absolute inset-0 h-full w-full" />
      {unloaded < 1 ? (
        <div
          aria-hidden
          data-testid="minimap-unloaded"
          title="Not loaded yet: the lane and the marks show what is there"
          className="pointer-events-none absolute inset-y-0 right-0 border-l border-dashed border-line bg-[repeating-linear-gradient(135deg,transparent_0_5px,var(--fb-neutral)_5px_6px)] opacity-40"
          style={{ left: `${unloaded * 100}%` }}
        />
      ) : null}
      <div ref={bandRef} aria-hidden className="pointer-events-none absolute inset-x-0 border-y border-accent bg-accent/10" />
      <MinimapMarks marks={marks} onMark={onMark} />
    </div>
  );
}

/** The marks of the whole trace, one button per marked slice. Memoised: the screen re-renders on scrolling into another block of rows, the marks only when they change. */
const MinimapMarks = memo(function MinimapMarks({ marks, onMark }: { marks: readonly OverviewMark[]; onMark: (mark: OverviewMark) => void }) {
  if (marks.length === 0) return null;
  // Records' marks last, on top of error spans' where slices are narrower than a mark.
  const ordered = [...marks.filter((m) => m.severity === "error"), ...marks.filter((m) => m.severity !== "error")];
  return (
    <div role="group" aria-label="Failures over the whole trace" className="pointer-events-none absolute inset-x-0 top-0" style={{ height: LANE }}>
      {ordered.map((m) => {
        const [one, many] = MARK_WORDS[m.severity];
        const label = `${formatCount(m.count)} ${m.count === 1 ? one : many} at ${formatDuration(m.at)}: go to the first`;
        return (
          <button
            key={m.bin}
            type="button"
            tabIndex={-1}
            aria-label={label}
            title={label}
            data-testid="minimap-mark"
            data-severity={m.severity}
            data-span={m.spanId}
            onPointerDown={(e) => e.stopPropagation()}
            onClick={() => onMark(m)}
            className="pointer-events-auto absolute top-0 -ml-[3px] flex h-full w-[7px] cursor-pointer justify-center"
            style={{ left: `${(m.left + m.width / 2) * 100}%` }}
          >
            <span aria-hidden className={MARK_SHAPE[m.severity]} style={{ background: `var(${TONE_VARS[MARK_TONE[m.severity]]})` }} />
          </button>
        );
      })}
    </div>
  );
});
