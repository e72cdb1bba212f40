"use client";

import { useEffect } from "react";
import { formatTimestamp } from "@/lib/view/format.ts";
import { WINDOW_KEYS, WINDOW_LABELS } from "@/lib/view/window.ts";
import { browserTimeZone } from "../ui/use-now.ts";
import { MAX_HOPS, type GraphView } from "./graph-url.ts";
import { fromLocalInput, nextReplayAt, sliderAt, sliderValue, toLocalInput } from "./replay-math.ts";

const field = "h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg";
const labelClass = "flex flex-col gap-1 text-xs font-medium text-muted";

/** Window, label filter, focus depth and replay; every change goes to the URL. */
export function GraphControls({
  view,
  labelValues,
  now,
  playing,
  onPlaying,
  onChange,
}: {
  view: GraphView;
  labelValues: Record<string, string[]>;
  now: Date;
  playing: boolean;
  onPlaying: (on: boolean) => void;
  onChange: (patch: Partial<GraphView>, how?: "push" | "replace") => void;
}) {
  const zone = browserTimeZone();
  const labelOptions = Object.entries(labelValues).flatMap(([k, vs]) => vs.map((v) => `${k}=${v}`));

  // Play: step the replay time forward until it reaches now, then go live.
  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => {
      const at = view.at ?? sliderAt(0, new Date());
      const next = at ? nextReplayAt(at, view.window, new Date()) : null;
      onChange({ at: next }, "replace");
      if (next === null) onPlaying(false);
    }, 1_500);
    return () => clearInterval(id);
  }, [playing, view.at, view.window, onChange, onPlaying]);

  return (
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Graph controls">
      <fieldset className={labelClass}>
        <legend className="mb-1">Window</legend>
        <div className="inline-flex rounded-lg border border-line bg-panel p-0.5 text-sm">
          {WINDOW_KEYS.map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={view.window === key}
              title={WINDOW_LABELS[key]}
              onClick={() => onChange({ window: key })}
              className={`rounded-md px-3 py-1 font-medium tabular-nums ${view.window === key ? "bg-accent-soft text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
            >
              {key}
            </button>
          ))}
        </div>
      </fieldset>
      <label className={labelClass}>
        Label
        <select value={view.label ?? ""} onChange={(e) => onChange({ label: e.target.value || null })} className={`${field} w-44`}>
          <option value="">all agents</option>
          {view.label && !labelOptions.includes(view.label) ? <option value={view.label}>{view.label}</option> : null}
          {labelOptions.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label className={labelClass}>
        Focus
        <select
          value={view.hops ?? ""}
          disabled={view.agent === null}
          title={view.agent === null ? "Select an agent first" : undefined}
          onChange={(e) => onChange({ hops: e.target.value === "" ? null : Number(e.target.value) })}
          className={`${field} w-36 disabled:opacity-50`}
        >
          <option value="">whole graph</option>
          {Array.from({ length: MAX_HOPS }, (_, i) => i + 1).map((h) => (
            <option key={h} value={h}>
              {h} hop{h === 1 ? "" : "s"}
            </option>
          ))}
        </select>
      </label>
      <label className={labelClass}>
        Direction
        <select value={view.dir} disabled={view.agent === null || view.hops === null} onChange={(e) => onChange({ dir: e.target.value as GraphView["dir"] })} className={`${field} w-40 disabled:opacity-50`}>
          <option value="both">both ways</option>
          <option value="down" title="agents it sends to">downstream</option>
          <option value="up" title="agents that send to it">upstream</option>
        </select>
      </label>
      <div className="flex min-w-72 flex-1 flex-col gap-1 text-xs font-medium text-muted">
        <span className="flex items-center justify-between gap-2">
          <label htmlFor="graph-replay-slider">Replay (last 7 days, times in {zone})</label>
          <span data-testid="graph-time" className="font-normal tabular-nums text-fg">
            {view.at ? `at ${formatTimestamp(view.at, zone)}` : "live"}
          </span>
        </span>
        <div className="flex items-center gap-2">
          <input
            id="graph-replay-slider"
            type="range"
            min={0}
            max={1000}
            value={Math.round(sliderValue(view.at, now) * 1000)}
            aria-valuetext={view.at ? formatTimestamp(view.at, zone) : "live"}
            onChange={(e) => onChange({ at: sliderAt(Number(e.target.value) / 1000, new Date()) }, "replace")}
            className="h-9 flex-1 accent-[var(--fb-accent)]"
          />
          <label className="sr-only" htmlFor="graph-replay-time">
            Replay time ({zone})
          </label>
          <input
            id="graph-replay-time"
            type="datetime-local"
            value={toLocalInput(view.at, now)}
            max={toLocalInput(null, now)}
            onChange={(e) => onChange({ at: fromLocalInput(e.target.value) })}
            className={`${field} w-48`}
          />
          <button type="button" onClick={() => onPlaying(!playing)} className={`${field} font-medium hover:bg-raised`} aria-pressed={playing}>
            {playing ? "Pause" : "Play"}
          </button>
          <button
            type="button"
            disabled={view.at === null}
            onClick={() => {
              onPlaying(false);
              onChange({ at: null });
            }}
            className={`${field} font-medium hover:bg-raised disabled:opacity-50`}
          >
            Live
          </button>
        </div>
      </div>
    </div>
  );
}
