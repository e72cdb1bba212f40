import { pct } from "../timeline/timeline-math.ts";
import { timeTicks, zoneName } from "./series-math.ts";

/** Tick labels under a chart, placed by percentage; the first and last are kept inside the edges. */
export function TimeAxis({ from, to, timeZone, ticks = 6, showZone = true }: { from: number; to: number; timeZone: string; ticks?: number; showZone?: boolean }) {
  const list = timeTicks(from, to, ticks, timeZone);
  return (
    <div className="relative h-5 text-[11px] text-muted tabular-nums" aria-hidden>
      {list.map((t) => (
        <span
          key={t.frac}
          className="absolute top-0.5 whitespace-nowrap"
          style={{ left: pct(t.frac), transform: t.frac < 0.06 ? "none" : t.frac > 0.94 ? "translateX(-100%)" : "translateX(-50%)" }}
        >
          {t.label}
        </span>
      ))}
      {showZone ? <span className="sr-only">times in {zoneName(timeZone, to)}</span> : null}
    </div>
  );
}
