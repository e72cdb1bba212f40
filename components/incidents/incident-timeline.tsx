"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { TimelineEntryView } from "@/lib/api/incident-views.ts";
import { BREAKER_STYLES } from "../graph/style-math.ts";
import { Glyph } from "../graph/glyph.tsx";
import { axisLabel, zoneName } from "../lineage/axis-label.ts";
import { LookIcon } from "../lineage/look-icon.tsx";
import { detectorLabel } from "../lineage/styles.ts";
import { recordHref } from "../records/record-detail.tsx";
import { TONE_TEXT } from "../ui/tone.tsx";
import { browserTimeZone } from "../ui/use-now.ts";
import { layoutTimeline, TIMELINE_LANES, type TimelineLane } from "./timeline-math.ts";

const LANE_WORDS: Record<TimelineLane, string> = { finding: "Findings", breaker: "Breakers", event: "People & engine" };
const ROW = 22;

const breakerStyle = (state: string) => BREAKER_STYLES[state as keyof typeof BREAKER_STYLES] ?? null;

/** The shape, tone and word of one entry: a finding, a breaker moving to a state, or the incident's own event. */
function entryLook(e: TimelineEntryView): { word: string; tone: "bad" | "warn" | "info" | "neutral" | "ok"; mark: React.ReactNode } {
  if (e.type === "finding") return { word: detectorLabel(e.detector), tone: "warn", mark: <LookIcon icon="warn" /> };
  if (e.type === "breaker") {
    const s = breakerStyle(e.to);
    return { word: `${e.sender} → ${e.receiver}: ${s?.word ?? e.to}`, tone: s?.tone ?? "neutral", mark: s?.icon ? <Glyph name={s.icon} /> : <LookIcon icon="circle" /> };
  }
  const tone = e.kind === "resolved" ? "ok" : e.kind === "acknowledged" ? "info" : "neutral";
  const icon = e.kind === "resolved" ? "check" : e.kind === "acknowledged" ? "eye" : e.kind === "merged" || e.kind === "absorbed" ? "merge" : e.kind === "noted" ? "flag" : "dot";
  return { word: `${e.kind} · ${e.actor}`, tone, mark: <LookIcon icon={icon} /> };
}

/** Findings, breaker transitions and the incident's events on one time axis, then the same as a list for reading. */
export function IncidentTimeline({ entries }: { entries: readonly TimelineEntryView[] }) {
  const zone = browserTimeZone();
  const layout = useMemo(() => layoutTimeline(entries), [entries]);
  const [active, setActive] = useState<number | null>(null);
  if (layout.domain === null) return <p className="px-5 py-4 text-sm text-muted">Nothing on the timeline yet.</p>;
  const span = layout.domain[1] - layout.domain[0];
  return (
    <div className="flex flex-col gap-3 px-5 py-4" data-testid="incident-timeline">
      <div className="grid grid-cols-[8.5rem_minmax(0,1fr)] gap-x-3">
        <div />
        <div className="relative h-5 text-[11px] text-muted tabular-nums" aria-hidden>
          {layout.ticks.map((t, i) => (
            <span key={t.t} className="absolute top-0 whitespace-nowrap" style={{ left: `${t.pos * 100}%`, transform: i === 0 && t.pos < 0.05 ? "none" : t.pos > 0.95 ? "translateX(-100%)" : "translateX(-50%)" }}>
              {axisLabel(t.t, span, zone)}
            </span>
          ))}
        </div>
        {TIMELINE_LANES.map((lane) => (
          <LaneRow key={lane} lane={lane} rows={layout.rows[lane]}>
            {layout.ticks.map((t) => (
              <span key={t.t} aria-hidden className="absolute inset-y-0 border-l border-dashed border-line" style={{ left: `${t.pos * 100}%` }} />
            ))}
            {layout.marks
              .filter((m) => m.lane === lane)
              .map((m) => {
                const e = entries[m.index]!;
                const look = entryLook(e);
                return (
                  <button
                    key={m.index}
                    type="button"
                    data-timeline-mark={e.type}
                    aria-label={`${axisLabel(m.at, 0, zone, true)}: ${look.word}. ${e.text}`}
                    title={`${axisLabel(m.at, 0, zone, true)}\n${look.word}\n${e.text}`}
                    onClick={() => {
                      setActive(m.index);
                      document.getElementById(`timeline-entry-${m.index}`)?.scrollIntoView({ block: "nearest", behavior: "smooth" });
                    }}
                    className={`absolute flex h-[18px] w-[18px] -translate-x-1/2 items-center justify-center rounded-full border bg-panel text-[13px] hover:scale-125 focus-visible:outline-2 focus-visible:outline-accent ${TONE_TEXT[look.tone]} ${active === m.index ? "border-accent ring-2 ring-accent" : "border-line"}`}
                    style={{ left: `${m.pos * 100}%`, top: 2 + m.row * ROW }}
                  >
                    {look.mark}
                  </button>
                );
              })}
          </LaneRow>
        ))}
      </div>
      <p className="text-xs text-muted">
        Times in {zoneName(zone)}. {layout.unreadable > 0 ? `${layout.unreadable} entries with unreadable times left out. ` : ""}Choose a mark to find it in the list below.
      </p>
      <ol className="max-h-96 divide-y divide-line overflow-auto rounded-lg border border-line" aria-label="Timeline entries, oldest first">
        {layout.marks.map((m) => {
          const e = entries[m.index]!;
          const look = entryLook(e);
          return (
            <li key={m.index} id={`timeline-entry-${m.index}`} className={`flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2 text-sm ${active === m.index ? "bg-accent-soft" : ""}`}>
              <time dateTime={e.at} className="w-52 shrink-0 text-xs text-muted tabular-nums">
                {axisLabel(m.at, 0, zone, true)}
              </time>
              <span className={`inline-flex items-center gap-1 font-medium ${TONE_TEXT[look.tone]}`}>
                {look.mark}
                {look.word}
              </span>
              <span className="min-w-0 flex-1 break-words">
                {e.text}
                {e.type === "finding" && e.recordId ? (
                  <>
                    {" "}
                    <Link href={recordHref(e.recordId)} className="font-mono text-xs text-accent underline-offset-2 hover:underline">
                      {e.recordId}
                    </Link>
                  </>
                ) : null}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function LaneRow({ lane, rows, children }: { lane: TimelineLane; rows: number; children: React.ReactNode }) {
  return (
    <>
      <div className="flex items-center border-t border-line py-1 text-xs font-semibold text-muted uppercase" style={{ minHeight: rows * ROW + 4 }}>
        {LANE_WORDS[lane]}
      </div>
      <div className="relative mx-2.5 border-t border-line" style={{ height: rows * ROW + 4 }} data-lane={lane}>
        {children}
      </div>
    </>
  );
}
