"use client";

import { useMemo, useRef, useState } from "react";
import { TimeAxis } from "../charts/time-axis.tsx";
import { brushRange, clamp01, histogram, pct, toFraction, type Range } from "./timeline-math.ts";

const BINS = 80;

/**
 * The whole window as a strip of finding counts, with the brush: drag across
 * it to select a time range (pointer events and pure math, no d3 state). The
 * drag in progress is leaf state; only the finished range goes to the URL.
 */
export function TimelineBrush({
  range,
  times,
  transitions,
  selection,
  timeZone,
  onSelect,
}: {
  range: Range;
  times: readonly number[];
  transitions: readonly number[];
  selection: Range | null;
  timeZone: string;
  onSelect: (r: Range | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const bins = useMemo(() => histogram(times, range, BINS), [times, range]);
  const max = Math.max(1, ...bins);
  const trans = useMemo(() => histogram(transitions, range, BINS), [transitions, range]);

  const xOf = (e: React.PointerEvent) => e.clientX - (ref.current?.getBoundingClientRect().left ?? 0);
  const width = () => ref.current?.getBoundingClientRect().width ?? 0;

  let shown: { from: number; to: number } | null = null;
  if (drag) {
    const w = width();
    const a = clamp01(drag.x0 / w);
    const b = clamp01(drag.x1 / w);
    shown = { from: Math.min(a, b), to: Math.max(a, b) };
  } else if (selection) {
    shown = { from: clamp01(toFraction(selection.from, range)), to: clamp01(toFraction(selection.to, range)) };
  }

  return (
    <div className="select-none">
      <div
        ref={ref}
        data-testid="timeline-brush"
        role="slider"
        aria-label="Drag across to select a time range; click to clear"
        aria-valuetext={selection ? "a range is selected" : "nothing selected"}
        aria-valuenow={0}
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.key === "Escape") onSelect(null);
        }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          const x = xOf(e);
          setDrag({ x0: x, x1: x });
        }}
        onPointerMove={(e) => {
          if (drag) setDrag({ ...drag, x1: xOf(e) });
        }}
        onPointerUp={(e) => {
          if (!drag) return;
          const picked = brushRange(drag.x0, xOf(e), width(), range);
          setDrag(null);
          onSelect(picked);
        }}
        onPointerCancel={() => setDrag(null)}
        className="relative h-14 cursor-crosshair touch-none overflow-hidden rounded-md border border-line bg-raised/50 focus:outline-2 focus:outline-accent"
      >
        {bins.map((n, i) =>
          n > 0 ? (
            <span
              key={i}
              className="absolute bottom-0 bg-warn/70"
              style={{ left: pct(i / BINS), width: `calc(${pct(1 / BINS)} - 1px)`, height: `${Math.max(8, (n / max) * 100)}%` }}
            />
          ) : null,
        )}
        {trans.map((n, i) => (n > 0 ? <span key={`t${i}`} className="absolute top-0 h-2 bg-bad" style={{ left: pct(i / BINS), width: `calc(${pct(1 / BINS)} - 1px)` }} /> : null))}
        {shown ? (
          <span
            data-testid="brush-selection"
            className="absolute inset-y-0 border-x-2 border-accent bg-accent/15"
            style={{ left: pct(shown.from), width: pct(Math.max(0.002, shown.to - shown.from)) }}
          />
        ) : null}
      </div>
      <TimeAxis from={range.from} to={range.to} timeZone={timeZone} ticks={8} />
    </div>
  );
}
