"use client";

import Link from "next/link";
import { useState } from "react";
import type { TimelineFindingView, TimelineTransitionView } from "@/lib/api/fleet-views.ts";
import { formatCount } from "@/lib/view/format.ts";
import { TimeAxis } from "../charts/time-axis.tsx";
import { agentHref, causeLabel, edgeHref, isBreakerState } from "../fleet/fleet-style.ts";
import { detectorLabel } from "../fleet/findings-list.tsx";
import { Glyph } from "../graph/glyph.tsx";
import { BREAKER_STYLES } from "../graph/style-math.ts";
import { CheckIcon } from "../ui/icons.tsx";
import { TONE_TEXT } from "../ui/tone.tsx";
import { bandLayout, deviationBand, inSelection, pct, toFraction, visibleRows, type Lane, type Range } from "./timeline-math.ts";

export const LANE_HEIGHT = 44;
const VIEWPORT = 440;

/** How loud a finding's mark is: by impact, unscored ones quiet. */
export function findingTone(impact: number | null): "bad" | "warn" | "info" {
  if (impact !== null && impact >= 50) return "bad";
  if (impact !== null && impact >= 10) return "warn";
  return "info";
}

function FindingMark({ f, range, dim, selected, onPick }: { f: TimelineFindingView; range: Range; dim: boolean; selected: boolean; onPick: (id: string) => void }) {
  const frac = toFraction(Date.parse(f.at), range);
  const band = deviationBand(f.detector, f.params);
  const tone = findingTone(f.impact);
  const label = `${detectorLabel(f.detector)} at ${f.at}: ${f.explanation}`;
  return (
    <button
      type="button"
      data-mark="finding"
      data-finding={f.id}
      aria-pressed={selected}
      aria-label={label}
      title={label}
      onClick={() => onPick(f.id)}
      className={`absolute top-1/2 -translate-x-1/2 -translate-y-1/2 rounded-sm p-0.5 ${TONE_TEXT[tone]} ${dim ? "opacity-25" : ""} ${selected ? "z-10 ring-2 ring-accent" : "hover:ring-1 hover:ring-line"}`}
      style={{ left: pct(frac) }}
    >
      {band ? <BandMark band={band} /> : <span className="block h-2.5 w-2.5 rotate-45 border-2 border-current bg-current/30" />}
    </button>
  );
}

/** A semantic deviation as a tiny vertical chart: the expected band, its median, and where the value fell. */
function BandMark({ band }: { band: NonNullable<ReturnType<typeof deviationBand>> }) {
  const l = bandLayout(band);
  const H = 28;
  const y = (f: number) => H - f * H;
  return (
    <svg width={10} height={H} viewBox={`0 0 10 ${H}`} aria-hidden className="block overflow-visible" data-band>
      <rect x={2} y={y(l.high)} width={6} height={Math.max(1, y(l.low) - y(l.high))} className="fill-ok/25 stroke-ok" strokeWidth={1} />
      <line x1={1} x2={9} y1={y(l.median)} y2={y(l.median)} className="stroke-ok" strokeWidth={1.5} />
      <circle cx={5} cy={y(l.value)} r={3} fill="currentColor" />
    </svg>
  );
}

function TransitionMark({ t, range, dim }: { t: TimelineTransitionView; range: Range; dim: boolean }) {
  const frac = toFraction(Date.parse(t.at), range);
  const s = isBreakerState(t.to) ? BREAKER_STYLES[t.to] : null;
  const label = `Breaker ${t.sender} -> ${t.receiver}: ${t.from} to ${t.to}, ${causeLabel(t.cause)}${t.actor ? ` by ${t.actor}` : ""}`;
  return (
    <Link
      href={`${edgeHref(t.sender, t.receiver)}#history`}
      data-mark="transition"
      data-transition={t.id}
      data-to={t.to}
      aria-label={label}
      title={label}
      className={`absolute inset-y-0 flex -translate-x-1/2 flex-col items-center ${s ? TONE_TEXT[s.tone] : "text-muted"} ${dim ? "opacity-25" : ""}`}
      style={{ left: pct(frac) }}
    >
      <span className="mt-0.5 text-sm leading-none">{s?.icon ? <Glyph name={s.icon} /> : <CheckIcon />}</span>
      <span className="w-0.5 flex-1 bg-current opacity-70" />
    </Link>
  );
}

/** Drawing order: unscored and low impact first, so where marks overlap the worst one is on top and takes the click. */
export function byImpact(findings: readonly TimelineFindingView[]): TimelineFindingView[] {
  return [...findings].sort((a, b) => (a.impact ?? -1) - (b.impact ?? -1));
}

/**
 * One row per lane, only the rows in view rendered. The scroll position is
 * the list's own state: a live refresh replaces the lanes' data but not the
 * list, so the reader keeps their place.
 */
export function TimelineLanes({
  lanes,
  range,
  selection,
  selectedFinding,
  timeZone,
  onPick,
}: {
  lanes: readonly Lane[];
  range: Range;
  selection: Range | null;
  selectedFinding: string | null;
  timeZone: string;
  onPick: (id: string) => void;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const height = Math.min(VIEWPORT, Math.max(LANE_HEIGHT, lanes.length * LANE_HEIGHT));
  const { first, last } = visibleRows(scrollTop, height, LANE_HEIGHT, lanes.length);
  const selFrom = selection ? toFraction(selection.from, range) : null;
  const selTo = selection ? toFraction(selection.to, range) : null;
  return (
    <div data-testid="timeline-lanes" data-lanes={lanes.length}>
      <div className="grid grid-cols-[minmax(9rem,15rem)_1fr] gap-x-3 border-b border-line pb-1">
        <span className="self-end text-xs font-semibold uppercase tracking-wide text-muted">{formatCount(lanes.length)} lanes</span>
        <TimeAxis from={range.from} to={range.to} timeZone={timeZone} ticks={8} />
      </div>
      <div data-testid="timeline-scroll" className="relative overflow-y-auto" style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <ul aria-label="Lanes" className="relative" style={{ height: lanes.length * LANE_HEIGHT }}>
          {lanes.slice(first, last).map((lane, i) => {
            const href = lane.sender !== null && lane.receiver !== null ? edgeHref(lane.sender, lane.receiver) : agentHref(lane.sender ?? lane.key);
            return (
              <li
                key={lane.key}
                data-lane={lane.label}
                className="absolute inset-x-0 grid grid-cols-[minmax(9rem,15rem)_1fr] gap-x-3 border-b border-line/60"
                style={{ top: (first + i) * LANE_HEIGHT, height: LANE_HEIGHT }}
              >
                <div className="flex min-w-0 flex-col justify-center">
                  <Link href={href} className="truncate font-mono text-sm font-medium text-accent underline-offset-2 hover:underline" title={lane.label}>
                    {lane.label}
                  </Link>
                  <span className="truncate text-xs text-muted">
                    {formatCount(lane.findings.length)} finding{lane.findings.length === 1 ? "" : "s"}
                    {lane.transitions.length > 0 ? ` · ${formatCount(lane.transitions.length)} breaker change${lane.transitions.length === 1 ? "" : "s"}` : ""}
                  </span>
                </div>
                <div className="relative min-w-0 bg-raised/30">
                  {selFrom !== null && selTo !== null ? (
                    <span aria-hidden className="absolute inset-y-0 bg-accent/10" style={{ left: pct(Math.max(0, selFrom)), width: pct(Math.max(0, Math.min(1, selTo) - Math.max(0, selFrom))) }} />
                  ) : null}
                  {lane.transitions.map((t) => (
                    <TransitionMark key={t.id} t={t} range={range} dim={!inSelection(Date.parse(t.at), selection)} />
                  ))}
                  {byImpact(lane.findings).map((f) => (
                    <FindingMark key={f.id} f={f} range={range} dim={!inSelection(Date.parse(f.at), selection)} selected={f.id === selectedFinding} onPick={onPick} />
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
