"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { timelineQuery } from "@/components/fleet/fleet-queries.ts";
import { causeLabel, edgeHref } from "@/components/fleet/fleet-style.ts";
import { detectorLabel } from "@/components/fleet/findings-list.tsx";
import { StateWord } from "@/components/fleet/state-word.tsx";
import { FindingDetail } from "@/components/timeline/finding-detail.tsx";
import { TimelineBrush } from "@/components/timeline/timeline-brush.tsx";
import { TimelineLanes } from "@/components/timeline/timeline-lanes.tsx";
import { buildLanes, inSelection, type Range } from "@/components/timeline/timeline-math.ts";
import { parseTimelineView, timelineSearch, type TimelineUrlView } from "@/components/timeline/timeline-url.ts";
import { zoneName } from "@/components/charts/series-math.ts";
import { ClockIcon } from "@/components/ui/icons.tsx";
import { EmptyState, ErrorState } from "@/components/ui/states.tsx";
import { browserTimeZone } from "@/components/ui/use-now.ts";
import type { TimelineFindingView, TimelineTransitionView } from "@/lib/api/fleet-views.ts";
import { formatCount, formatTimestamp } from "@/lib/view/format.ts";
import { WINDOW_KEYS, windowPhrase } from "@/lib/view/window.ts";

const LIST_LIMIT = 200;

type Item = { kind: "finding"; at: number; f: TimelineFindingView } | { kind: "transition"; at: number; t: TimelineTransitionView };

export function TimelineClient() {
  const params = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseTimelineView(params), [params]);
  const zone = browserTimeZone();

  // Next follows the native history API: the URL changes without a server round trip.
  const change = useCallback(
    (patch: Partial<TimelineUrlView>, how: "push" | "replace" = "push") => {
      const next = { ...parseTimelineView(new URLSearchParams(window.location.search)), ...patch };
      const url = `${pathname}${timelineSearch(next)}`;
      if (how === "replace") window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    },
    [pathname],
  );

  const q = useQuery(timelineQuery(view));
  const data = q.data;
  const range: Range | null = useMemo(() => (data ? { from: Date.parse(data.from), to: Date.parse(data.to) } : null), [data]);
  const selection: Range | null = useMemo(() => (view.start && view.end ? { from: Date.parse(view.start), to: Date.parse(view.end) } : null), [view.start, view.end]);
  const lanes = useMemo(() => (data ? buildLanes(data.findings, data.transitions, view.by) : []), [data, view.by]);
  const findingTimes = useMemo(() => data?.findings.map((f) => Date.parse(f.at)) ?? [], [data]);
  const transitionTimes = useMemo(() => data?.transitions.map((t) => Date.parse(t.at)) ?? [], [data]);
  const items = useMemo(() => {
    if (!data) return [];
    const all: Item[] = [
      ...data.findings.map((f) => ({ kind: "finding" as const, at: Date.parse(f.at), f })),
      ...data.transitions.map((t) => ({ kind: "transition" as const, at: Date.parse(t.at), t })),
    ];
    return all.filter((i) => inSelection(i.at, selection)).sort((a, b) => b.at - a.at);
  }, [data, selection]);
  const selected = view.finding ? data?.findings.find((f) => f.id === view.finding) ?? null : null;

  const onSelect = (r: Range | null) => {
    if (r === null) {
      change({ start: null, end: null });
      return;
    }
    // Pin the window too, so the link reproduces exactly what is on screen.
    change({ start: new Date(r.from).toISOString(), end: new Date(r.to).toISOString(), from: data?.from ?? null, to: data?.to ?? null });
  };

  const pinned = view.from !== null && view.to !== null;
  const shownFindings = items.filter((i) => i.kind === "finding").length;
  const shownTransitions = items.length - shownFindings;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label="Time window" className="inline-flex rounded-lg border border-line bg-panel p-0.5 text-sm shadow-sm">
          {WINDOW_KEYS.map((k) => {
            const active = !pinned && k === view.window;
            return (
              <Link
                key={k}
                href={`${pathname}${timelineSearch({ ...view, window: k, from: null, to: null, start: null, end: null })}`}
                aria-current={active ? "page" : undefined}
                scroll={false}
                className={`rounded-md px-3 py-1 font-medium tabular-nums ${active ? "bg-accent-soft text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
              >
                {k}
              </Link>
            );
          })}
        </nav>
        <div role="radiogroup" aria-label="Lanes" className="inline-flex rounded-lg border border-line bg-panel p-0.5 text-sm shadow-sm">
          {(["agent", "edge"] as const).map((by) => (
            <button
              key={by}
              type="button"
              role="radio"
              aria-checked={view.by === by}
              onClick={() => change({ by })}
              className={`rounded-md px-3 py-1 font-medium ${view.by === by ? "bg-accent-soft text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
            >
              {by === "agent" ? "Per agent" : "Per edge"}
            </button>
          ))}
        </div>
        {pinned ? (
          <button type="button" onClick={() => change({ from: null, to: null, start: null, end: null })} className="rounded-md border border-line bg-panel px-2.5 py-1 text-sm font-medium hover:bg-raised">
            Back to live
          </button>
        ) : null}
        {selection ? (
          <p data-testid="timeline-selection" className="text-sm">
            Selected {formatTimestamp(view.start, zone)} – {formatTimestamp(view.end, zone)}{" "}
            <button type="button" onClick={() => onSelect(null)} className="ml-1 rounded-md border border-line px-2 py-0.5 text-xs hover:bg-raised">
              Clear
            </button>
          </p>
        ) : (
          <p className="text-sm text-muted">Drag across the strip to select a time range.</p>
        )}
      </div>
      <p className="text-sm text-muted" data-testid="timeline-status">
        {data
          ? `${pinned ? "Pinned" : "Live"} · ${formatTimestamp(data.from, zone)} – ${formatTimestamp(data.to, zone)} · ${formatCount(data.findings.length)} findings, ${formatCount(data.transitions.length)} breaker changes${pinned ? "" : " · refreshes every 5 s"}${q.isFetching ? " · updating…" : ""}`
          : "Loading the timeline…"}
        {data?.truncated ? <span className="font-medium text-warn"> · only the newest {formatCount(data.findings.length)}: narrow the window</span> : null}
      </p>
      {q.isError && !data ? (
        <div className="rounded-xl border border-line bg-panel">
          <ErrorState title="Could not load the timeline" error={q.error} onRetry={() => void q.refetch()} />
        </div>
      ) : !data || !range ? (
        <div role="status" className="h-[480px] animate-pulse rounded-xl bg-raised">
          <span className="sr-only">Loading the timeline</span>
        </div>
      ) : (
        <>
          <section aria-label="Whole window" className="rounded-xl border border-line bg-panel px-4 py-3 shadow-sm">
            <p className="mb-1.5 flex flex-wrap gap-x-4 text-xs text-muted">
              <span>
                <span className="mr-1 inline-block h-2.5 w-2.5 bg-warn/70 align-middle" />
                findings per slice
              </span>
              <span>
                <span className="mr-1 inline-block h-1.5 w-2.5 bg-bad align-middle" />
                breaker changes
              </span>
              <span>times in {zoneName(zone, range.to)}</span>
            </p>
            <TimelineBrush range={range} times={findingTimes} transitions={transitionTimes} selection={selection} timeZone={zone} onSelect={onSelect} />
          </section>
          {q.isError ? <p role="alert" className="rounded-md bg-bad-soft px-2 py-1 text-xs text-bad">Refresh failed: {q.error.message}; showing the last answer.</p> : null}
          <div className="flex flex-col gap-4 xl:flex-row">
            <section aria-label="Swimlanes" className="min-w-0 flex-1 rounded-xl border border-line bg-panel px-4 py-3 shadow-sm">
              {lanes.length === 0 ? (
                <EmptyState title={`No findings or breaker changes ${pinned ? "in this window" : windowPhrase(view.window)}`} icon={<ClockIcon />}>
                  Choose a wider window to look further back.
                </EmptyState>
              ) : (
                <TimelineLanes key={view.by} lanes={lanes} range={range} selection={selection} selectedFinding={view.finding} timeZone={zone} onPick={(id) => change({ finding: id }, "replace")} />
              )}
              <MarkLegend />
            </section>
            <aside className="w-full shrink-0 xl:w-96" aria-label="Chosen finding">
              {selected ? (
                <FindingDetail f={selected} timeZone={zone} onClose={() => change({ finding: null }, "replace")} />
              ) : (
                <p className="rounded-lg border border-dashed border-line px-3 py-2 text-sm text-muted">
                  {view.finding ? `Finding ${view.finding} is not in this window.` : "Choose a mark to see the finding, its expected band, and the way to its record and lineage."}
                </p>
              )}
            </aside>
          </div>
          <section aria-label="In the selection" className="rounded-xl border border-line bg-panel shadow-sm">
            <header className="border-b border-line px-5 py-3">
              <h2 className="text-base font-semibold">{selection ? "In the selection" : "Everything in the window"}</h2>
              <p className="text-sm text-muted" data-testid="timeline-list-count">
                {formatCount(shownFindings)} finding{shownFindings === 1 ? "" : "s"} and {formatCount(shownTransitions)} breaker change{shownTransitions === 1 ? "" : "s"}, newest first
              </p>
            </header>
            <ul data-testid="timeline-list" className="divide-y divide-line">
              {items.slice(0, LIST_LIMIT).map((i) =>
                i.kind === "finding" ? (
                  <li key={`f${i.f.id}`} data-item="finding" data-finding={i.f.id} className="flex flex-wrap items-baseline gap-x-3 px-5 py-2 text-sm">
                    <span className="w-44 shrink-0 text-xs text-muted tabular-nums">{formatTimestamp(i.f.at, zone)}</span>
                    <button type="button" onClick={() => change({ finding: i.f.id }, "replace")} className="font-medium text-accent underline-offset-2 hover:underline">
                      {detectorLabel(i.f.detector)}
                    </button>
                    <span className="font-mono text-xs">{i.f.agent ?? "—"}</span>
                    <span className="min-w-0 flex-1 truncate text-muted" title={i.f.explanation}>
                      {i.f.explanation}
                    </span>
                  </li>
                ) : (
                  <li key={`t${i.t.id}`} data-item="transition" data-transition={i.t.id} className="flex flex-wrap items-center gap-x-3 px-5 py-2 text-sm">
                    <span className="w-44 shrink-0 text-xs text-muted tabular-nums">{formatTimestamp(i.t.at, zone)}</span>
                    <StateWord state={i.t.to} />
                    <Link href={`${edgeHref(i.t.sender, i.t.receiver)}#history`} className="font-mono text-xs text-accent underline-offset-2 hover:underline">
                      {i.t.sender} → {i.t.receiver}
                    </Link>
                    <span className="min-w-0 flex-1 truncate text-muted">
                      {causeLabel(i.t.cause)}
                      {i.t.actor ? ` by ${i.t.actor}` : ""}
                      {i.t.detail ? `: ${i.t.detail}` : ""}
                    </span>
                  </li>
                ),
              )}
              {items.length > LIST_LIMIT ? <li className="px-5 py-2 text-sm text-muted">and {formatCount(items.length - LIST_LIMIT)} more: brush a narrower range</li> : null}
              {items.length === 0 ? <li className="px-5 py-4 text-sm text-muted">Nothing here: widen the selection or clear it.</li> : null}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

function MarkLegend() {
  return (
    <p className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-line pt-2 text-xs text-muted">
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-2 w-2 rotate-45 border-2 border-bad bg-bad/30" /> finding (red: impact ≥ 50, amber: ≥ 10, blue: lower or not scored)
      </span>
      <span className="inline-flex items-center gap-1">
        <svg width={10} height={16} aria-hidden>
          <rect x={2} y={3} width={6} height={8} className="fill-ok/25 stroke-ok" />
          <circle cx={5} cy={14} r={2} className="fill-bad" />
        </svg>
        semantic deviation: expected band, median, and the value
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-3 w-0.5 bg-bad" /> breaker change (icon: the state it went to; stop sign: kill switch)
      </span>
    </p>
  );
}
