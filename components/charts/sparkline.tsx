import { areaPath, isolatedPoints, linePath, type SeriesPoint } from "./series-math.ts";

const W = 300;
const H = 48;

/**
 * A series as a small filled line. The path is drawn in a fixed box and
 * stretched to the container; the stroke keeps its width (non-scaling), so
 * the chart stays crisp at any size.
 */
export function Sparkline({
  points,
  domain,
  max,
  label,
  className = "text-accent",
  height = 40,
}: {
  points: readonly SeriesPoint[];
  domain: readonly [number, number];
  max?: number;
  label: string;
  className?: string;
  height?: number;
}) {
  const opts = { domain, ...(max !== undefined ? { max } : {}) };
  const line = linePath(points, W, H, opts);
  const area = areaPath(points, W, H, opts);
  const dots = isolatedPoints(line);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" width="100%" height={height} role="img" aria-label={label} className={`block overflow-visible ${className}`}>
      <line x1={0} y1={H} x2={W} y2={H} stroke="currentColor" strokeOpacity={0.25} vectorEffect="non-scaling-stroke" />
      {area ? <path d={area} fill="currentColor" fillOpacity={0.12} stroke="none" /> : null}
      {line ? <path d={line} fill="none" stroke="currentColor" strokeWidth={1.75} strokeLinejoin="round" strokeLinecap="round" vectorEffect="non-scaling-stroke" /> : null}
      {/* A bucket with data between two without is a dot; drawn fat so it reads as one. */}
      {dots ? <path d={dots} fill="none" stroke="currentColor" strokeWidth={5} strokeLinecap="round" vectorEffect="non-scaling-stroke" /> : null}
    </svg>
  );
}
