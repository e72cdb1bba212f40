"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { TraceSummaryView } from "@/lib/api/trace-summary-views.ts";
import type { TraceView } from "@/lib/api/trace-views.ts";
import { failureEntries, formatCount, type Tone } from "@/lib/view/format.ts";
import { ApiError } from "../api-error.ts";
import { Badge } from "../ui/badge.tsx";
import { ListIcon, RefreshIcon, WarnIcon } from "../ui/icons.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { TONE_BAR } from "../ui/tone.tsx";
import { useMarkOnce } from "../ui/use-mark.ts";
import { VerdictChip, VerdictChips } from "../ui/verdict-chip.tsx";
import { TraceMinimap } from "./trace-minimap.tsx";
import { SpanPanel } from "./span-panel.tsx";
import { formatInstantMs, nsToMs, spanTone, worstVerdict } from "./span-format.ts";
import { joinTraceWindows } from "./trace-pages.ts";
import { firstMarkAfter, loadedThrough, markedRow, overviewMarks, summaryShift, wholeDuration, wholeRowCount, type OverviewMark } from "./trace-overview.ts";
import { traceSummaryQuery, traceWindowsQuery } from "./trace-queries.ts";
import { useTimeZone } from "./use-time-zone.ts";
import {
  barPosition,
  buildSpanTree,
  childCount,
  chunkWindow,
  collapseAtDepth,
  formatDuration,
  hasChildren,
  indentPx,
  moveFocus,
  orphanReason,
  revealSpan,
  scrollToRow,
  timeTicks,
  toggleCollapsed,
  visibleRows,
  type SpanTree,
} from "./waterfall-math.ts";

/**
 * The first row's name reports when it is painted (the Element Timing API): the UI benchmark's time to
 * rows on screen, the same whether React drew the row or it came in the page's HTML (ADR 0039).
 */
const FIRST_ROW_TIMING = { elementtiming: "trace-first-row" } as Record<string, string>;

/** Fixed row height: what makes the row window a division instead of a measurement. */
export const ROW_HEIGHT = 28;
/** Rows are mounted in blocks of this many: scrolling re-renders nothing until the view reaches the next block. */
const CHUNK_ROWS = 16;
/**
 * The blocks the server renders (the view's size is not known there) and the first render keeps, so hydration
 * finds the same rows: three blocks, what chunkWindow keeps for a view of up to 2 blocks (896 px) at the top.
 */
const FIRST_CHUNKS = { first: 0, last: 2 } as const;
/** The next window is asked for when the view comes within this many screens of the last row. */
const MORE_WITHIN_SCREENS = 3;
/** Deeper rows stop indenting (the name needs the room) and write their depth out instead. */
const INDENT_LEVELS = 8;
const COLUMNS = { gridTemplateColumns: "minmax(15rem, 42%) minmax(0, 1fr)" };

export interface TraceModel {
  trace: TraceView;
  tree: SpanTree;
  duration: number;
  failedRecords: number;
  orphans: number;
  /** Each span's tone, decided once: rows and the minimap read it many times. */
  tones: Tone[];
}

function buildModel(trace: TraceView): TraceModel {
  const { spans, records } = trace;
  const tree = buildSpanTree({ ids: spans.id, parents: spans.parent, starts: spans.start, ends: spans.end });
  let duration = 0;
  for (let i = 0; i < spans.end.length; i++) duration = Math.max(duration, spans.end[i]!, spans.start[i]!);
  let orphans = 0;
  for (let i = 0; i < tree.count; i++) if (tree.orphan[i]) orphans++;
  const tones = spans.id.map((_, i) => {
    const rec = spans.record[i]!;
    return spanTone(spans.status[i]!, rec >= 0 ? (records.verdicts[rec] ?? null) : null);
  });
  return { trace, tree, duration, failedRecords: records.verified.filter((v) => !v).length, orphans, tones };
}

/**
 * The trace in windows: the first comes with the page (`first`, rendered
 * into its HTML on the server, ADR 0039; else preloaded with the page) and is
 * drawn at once; the ones after it are asked for as the analyst
 * scrolls towards the last row loaded, and appended. Every window extends
 * the one before (a prefix of every column), so span indices (the collapsed
 * set, the focused row) stay valid as they arrive.
 */
export function TraceWaterfall({ traceId, first }: { traceId: string; first?: TraceView }) {
  const q = useInfiniteQuery(traceWindowsQuery(traceId, first));
  // The whole trace's summary is asked for once the first window is in: on a busy server it would otherwise slow the first paint.
  const summaryQ = useQuery({ ...traceSummaryQuery(traceId), enabled: q.data !== undefined });
  useMarkOnce("fb:trace:hydrated");
  useMarkOnce("fb:trace:data", q.data !== undefined);
  const trace = useMemo(() => (q.data ? joinTraceWindows(q.data.pages) : undefined), [q.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = q;
  const onMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);
  if (q.isPending) return <LoadingRows label="Loading the trace" rows={8} />;
  if (!trace) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <EmptyState title="No spans in this trace" icon={<ListIcon />}>
          {q.error.message}
        </EmptyState>
      );
    }
    return <ErrorState title="Could not load the trace" error={q.error} onRetry={() => void q.refetch()} />;
  }
  const rest: RestState = !hasNextPage ? "none" : isFetchingNextPage ? "loading" : q.isFetchNextPageError ? "failed" : "more";
  const onRefresh = () => {
    void q.refetch();
    void summaryQ.refetch();
  };
  return (
    <TraceScreen
      trace={trace}
      summary={summaryQ.data}
      summaryFailed={summaryQ.isError}
      rest={rest}
      refreshing={(q.isFetching && !isFetchingNextPage) || summaryQ.isFetching}
      onRefresh={onRefresh}
      onMore={onMore}
    />
  );
}

/** The spans after the windows loaded: none, there to ask for, on their way, or failed (scrolling or Refresh asks again). */
type RestState = "none" | "more" | "loading" | "failed";

function TraceScreen({
  trace,
  summary,
  summaryFailed,
  rest,
  refreshing,
  onRefresh,
  onMore,
}: {
  trace: TraceView;
  /** The whole trace's counts and marks, however much of it is loaded; undefined until it arrives. */
  summary: TraceSummaryView | undefined;
  summaryFailed: boolean;
  rest: RestState;
  refreshing: boolean;
  onRefresh: () => void;
  onMore: () => void;
}) {
  const loadedModel = useMemo(() => buildModel(trace), [trace]);
  // With the summary in, the time axis is the whole trace's: bars keep their place as windows arrive, and line up with the minimap's marks.
  const whole = summary ? wholeDuration(summary, trace) : 0;
  const model = useMemo(() => (whole > loadedModel.duration ? { ...loadedModel, duration: whole } : loadedModel), [loadedModel, whole]);
  const { tree } = model;
  const shift = summary ? summaryShift(summary, trace) : 0;
  const marks = useMemo(() => (summary ? overviewMarks(summary, shift, model.duration) : []), [summary, shift, model.duration]);
  const through = useMemo(() => loadedThrough(trace), [trace]);
  const selectedId = useSearchParams().get("span");
  const selected = selectedId === null ? -1 : (tree.indexOf.get(selectedId) ?? -1);

  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  // "Collapse all" holds for windows still to come: their roots arrive collapsed too, unless the analyst opened them.
  // ("Expand all" needs nothing: a span is expanded unless it is in the collapsed set.)
  const [rootsCollapsed, setRootsCollapsed] = useState(false);
  const openedByHand = useRef<Set<number>>(new Set());
  const [collapsedFor, setCollapsedFor] = useState(tree);
  if (collapsedFor !== tree) {
    setCollapsedFor(tree);
    if (rootsCollapsed) {
      const roots = collapseAtDepth(tree, 0);
      let grown: Set<number> | null = null;
      for (const r of roots) {
        if (collapsed.has(r) || openedByHand.current.has(r)) continue;
        grown ??= new Set(collapsed);
        grown.add(r);
      }
      if (grown) setCollapsed(grown);
    }
  }
  const [active, setActive] = useState<number>(() => (selected >= 0 ? selected : (tree.order[0] ?? -1)));
  const visible = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // Scrolling touches React only when the view reaches another block of rows (CHUNK_ROWS);
  // the row under the top edge is remembered, so rows that arrive above it do not move the view.
  const [chunks, setChunks] = useState<{ first: number; last: number }>(FIRST_CHUNKS);
  const shownChunks = useRef(chunks);
  shownChunks.current = chunks;
  const anchor = useRef<{ span: number; offset: number } | null>(null);
  const live = useRef({ visible, rest, onMore });
  live.current = { visible, rest, onMore };
  const sync = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const { visible: vis, rest: more, onMore: askMore } = live.current;
    const count = vis.rows.length;
    const next = chunkWindow(el.scrollTop, el.clientHeight, ROW_HEIGHT, count, CHUNK_ROWS);
    const shown = shownChunks.current;
    if (shown.first !== next.first || shown.last !== next.last) {
      shownChunks.current = next;
      setChunks(next);
    }
    const top = Math.min(count - 1, Math.floor(el.scrollTop / ROW_HEIGHT));
    anchor.current = top >= 0 ? { span: vis.rows[top]!, offset: el.scrollTop - top * ROW_HEIGHT } : null;
    if ((more === "more" || more === "failed") && el.scrollTop + (MORE_WITHIN_SCREENS + 1) * el.clientHeight >= count * ROW_HEIGHT) askMore();
  }, []);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(sync);
    ro.observe(el);
    return () => ro.disconnect();
  }, [sync]);
  // A new window: keep the anchored row where it was, then see what is on screen now (and whether to ask for more).
  const anchoredModel = useRef(model);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const a = anchor.current;
    if (anchoredModel.current !== model && el && a) {
      const row = visible.rowOf[a.span] ?? -1;
      if (row >= 0 && Math.abs(el.scrollTop - (row * ROW_HEIGHT + a.offset)) >= 1) el.scrollTop = row * ROW_HEIGHT + a.offset;
    }
    anchoredModel.current = model;
    sync();
  }, [model, visible, rest, sync]);

  // How often this screen rendered, for the UI benchmark: scrolling within a block of rows must not add to it.
  const renders = useRef(0);
  renders.current += 1;
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.dataset.renders = String(renders.current);
  });

  // When the rows first reached the screen, from navigation start: the benchmark's time to first paint.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || el.dataset.firstPaintMs) return;
    requestAnimationFrame(() => setTimeout(() => (el.dataset.firstPaintMs = String(Math.round(performance.now()))), 0));
  }, []);

  const scrollTo = useCallback((top: number) => {
    const el = scrollRef.current;
    if (el && Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
  }, []);

  // A linked span is brought to the middle of the view once, when the trace first shows it
  // (for a span past the first window, when the whole trace arrives); keyboard focus starts there.
  const centred = useRef(false);
  useEffect(() => {
    if (centred.current || selected < 0) return;
    centred.current = true;
    setActive(selected);
    const row = visible.rowOf[selected]!;
    const el = scrollRef.current;
    if (row >= 0 && el) el.scrollTop = Math.max(0, row * ROW_HEIGHT - el.clientHeight / 2);
  }, [selected, visible]);

  // A linked span past the windows loaded so far: keep asking until it is in (or the trace ends).
  useEffect(() => {
    if (selectedId !== null && selected < 0 && rest === "more") onMore();
  }, [selectedId, selected, rest, onMore]);

  const select = useCallback(
    (span: number | null) => {
      const url = new URL(window.location.href);
      if (span === null) url.searchParams.delete("span");
      else url.searchParams.set("span", model.trace.spans.id[span]!);
      // Next keeps useSearchParams in step with the History API: no server round trip for a selection.
      window.history.pushState(null, "", url);
      if (span !== null) setActive(span);
    },
    [model],
  );

  const focusSpan = useCallback(
    (span: number, next: ReadonlySet<number> = collapsed) => {
      const revealed = revealSpan(tree, next, span);
      if (revealed !== collapsed) setCollapsed(revealed);
      setActive(span);
      const row = visibleRows(tree, revealed).rowOf[span]!;
      const el = scrollRef.current;
      if (el && row >= 0) scrollTo(scrollToRow(row, el.scrollTop, el.clientHeight, ROW_HEIGHT));
    },
    [collapsed, scrollTo, tree],
  );

  const toggle = useCallback((span: number) => {
    openedByHand.current.add(span);
    setCollapsed((c) => toggleCollapsed(c, span));
  }, []);
  const expandAll = () => {
    setRootsCollapsed(false);
    openedByHand.current = new Set();
    setCollapsed(new Set());
  };
  const collapseAll = () => {
    setRootsCollapsed(true);
    openedByHand.current = new Set();
    setCollapsed(collapseAtDepth(tree, 0));
  };

  // A mark of the whole trace's minimap: go to its row, paging windows in until it is loaded.
  const [pendingMark, setPendingMark] = useState<OverviewMark | null>(null);
  const [markMissing, setMarkMissing] = useState(false);
  const jumpToMark = useCallback((m: OverviewMark) => {
    setMarkMissing(false);
    setPendingMark(m);
  }, []);

  // Runs after a window arrived (and the view was anchored): the marked row is in, or ask for the next window.
  useEffect(() => {
    if (!pendingMark) return;
    const row = markedRow(model.trace, pendingMark.spanId, pendingMark.at);
    if (row >= 0) {
      setPendingMark(null);
      focusSpan(row);
      select(row);
    } else if (rest === "more") {
      onMore();
    } else if (rest === "none") {
      setPendingMark(null);
      setMarkMissing(true);
    }
  }, [pendingMark, model, rest, onMore, focusSpan, select]);

  const nextFailure = useCallback(
    (direction: 1 | -1) => {
      const { order } = tree;
      const { record } = model.trace.spans;
      const { verified } = model.trace.records;
      const n = order.length;
      const posOf = (span: number): number => order.indexOf(span);
      const from = active >= 0 ? posOf(active) : -1;
      // Past the last loaded failure, forwards: the whole trace's next mark, paged in, before starting over.
      const beyond = direction === 1 && rest !== "none" ? firstMarkAfter(marks, through) : null;
      for (let step = 1; step <= n; step++) {
        if (beyond && from + step >= n) break;
        const k = (((from + direction * step) % n) + n) % n;
        const v = order[k]!;
        const rec = record[v]!;
        if (rec >= 0 && verified[rec] === false) {
          focusSpan(v);
          select(v);
          return;
        }
      }
      if (beyond) jumpToMark(beyond);
    },
    [active, focusSpan, jumpToMark, marks, model, rest, select, through, tree],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const rows = visible.rows;
    const row = active >= 0 ? visible.rowOf[active]! : -1;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const moved = moveFocus(e.key, Math.max(0, row), rows.length, pageRows);
    let target: number | null = moved === null ? null : rows[moved]!;
    if (e.key === "ArrowRight" && active >= 0 && hasChildren(tree, active)) {
      if (collapsed.has(active)) toggle(active);
      else target = tree.childList[tree.childStart[active]!]!;
    } else if (e.key === "ArrowLeft" && active >= 0) {
      if (hasChildren(tree, active) && !collapsed.has(active)) toggle(active);
      else if (tree.parent[active]! >= 0) target = tree.parent[active]!;
    } else if ((e.key === "Enter" || e.key === " ") && active >= 0) {
      select(active);
    } else if (e.key === "Escape" && selected >= 0) {
      select(null);
    } else if (e.key === "n" || e.key === "N") {
      nextFailure(e.key === "n" ? 1 : -1);
    } else if (moved === null) {
      return;
    }
    e.preventDefault();
    if (target !== null) focusSpan(target);
  };

  const partial = rest !== "none" || trace.truncated;
  const wholeRows = wholeRowCount(summary, trace, tree.count);
  const ofWhole = wholeRows === null ? "" : ` of ${formatCount(wholeRows)}`;
  const unverified = summary ? summary.unverified : model.failedRecords;
  const failing = useMemo(() => (summary ? failureEntries(summary.verdicts) : []), [summary]);
  const first = Math.min(chunks.first * CHUNK_ROWS, visible.rows.length);
  const last = Math.min((chunks.last + 1) * CHUNK_ROWS, visible.rows.length);
  const ticks = useMemo(() => timeTicks(0, model.duration, 6), [model.duration]);
  const tz = useTimeZone();
  const startMs = nsToMs(trace.startNs);
  const activeRendered = active >= 0 && visible.rowOf[active]! >= first && visible.rowOf[active]! < last;
  const chunkEls: React.ReactNode[] = [];
  for (let c = chunks.first; c <= chunks.last; c++) {
    const from = c * CHUNK_ROWS;
    const to = Math.min(from + CHUNK_ROWS, visible.rows.length);
    if (from >= to) break;
    const inChunk = (span: number) => (span >= 0 && visible.rowOf[span]! >= from && visible.rowOf[span]! < to ? span : -1);
    chunkEls.push(
      <RowChunk key={c} model={model} rows={visible.rows} from={from} to={to} collapsed={collapsed} active={inChunk(active)} selected={inChunk(selected)} onSelect={select} onToggle={toggle} />,
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <section aria-label="Trace summary" className="flex flex-wrap items-center gap-x-6 gap-y-2 rounded-xl border border-line bg-panel px-5 py-3 text-sm shadow-sm">
        <Stat label="Started">
          <time dateTime={new Date(startMs).toISOString()} className="tabular-nums">
            {formatInstantMs(startMs, tz)}
          </time>
        </Stat>
        <Stat label="Duration">{formatDuration(model.duration)}</Stat>
        <Stat label="Spans">
          <span data-testid="span-count">{formatCount(tree.count)}</span>
          {rest === "loading" ? (
            <span className="text-muted" role="status">
              {ofWhole}, loading more…
            </span>
          ) : rest === "more" ? (
            <span className="text-muted">{ofWhole}, more as you scroll</span>
          ) : rest === "failed" ? (
            <span className="text-bad" role="alert">
              {ofWhole}: the next spans did not load (scroll or Refresh to try again)
            </span>
          ) : trace.truncated ? (
            <span className="text-warn">{ofWhole || " and more"} (earliest shown)</span>
          ) : null}
        </Stat>
        <Stat label="Records">
          <span data-testid="record-count">{formatCount(summary ? summary.records : trace.records.id.length)}</span>
          {!summary && partial ? <span className="text-muted"> loaded</span> : null}
        </Stat>
        <Stat label={summary || !partial ? "Not verified" : "Not verified (loaded)"}>
          {unverified > 0 ? (
            <span data-testid="unverified-count">
              <Badge tone="bad">{formatCount(unverified)} not verified</Badge>
            </span>
          ) : (summary ? summary.records : trace.records.id.length) > 0 ? (
            <Badge tone="ok">all verified</Badge>
          ) : (
            <span className="text-muted">none</span>
          )}
        </Stat>
        {/* The whole trace's stats are there from the start (… until counted), so the header keeps its shape when the summary lands. */}
        <Stat label="Verdicts">
          {summary ? (
            <span data-testid="trace-verdicts">
              <VerdictChips entries={failing.slice(0, 3)} />
            </span>
          ) : (
            <Counting />
          )}
        </Stat>
        {!summary ? (
          <Stat label="Agents">
            <Counting />
          </Stat>
        ) : summary.agentCount > 0 ? (
          <Stat label="Agents">
            <span title={summary.agents.map((a) => `${a.agent}: ${formatCount(a.records)} records, ${formatCount(a.unverified)} not verified`).join("\n")}>
              {formatCount(summary.agentCount)}
              <span className="font-normal text-muted">
                {" "}
                ({summary.agents
                  .slice(0, 2)
                  .map((a) => a.agent)
                  .join(", ")}
                {summary.agentCount > 2 ? ", …" : ""})
              </span>
            </span>
          </Stat>
        ) : null}
        <Stat label="Error spans">
          {!summary ? <Counting /> : summary.errorSpans > 0 ? <Badge tone="bad">{formatCount(summary.errorSpans)} error status</Badge> : <span className="text-muted">none</span>}
        </Stat>
        <Stat label="Depth">{formatCount(tree.maxDepth + 1)}</Stat>
        {model.orphans > 0 ? (
          <Stat label="Orphans">
            <Badge tone="warn" title="spans whose parent is not in this trace">
              {formatCount(model.orphans)} without parent
            </Badge>
          </Stat>
        ) : null}
        <div className="ml-auto flex flex-wrap gap-2">
          <ToolButton
            onClick={() => nextFailure(1)}
            disabled={model.failedRecords === 0 && marks.length === 0}
            title={`Next record that is not verified (n; Shift+N for the previous)${partial ? ": past the loaded spans, the whole trace's next failure mark, paged in" : ""}`}
          >
            <WarnIcon /> Next failure
          </ToolButton>
          <ToolButton onClick={expandAll} title={partial ? "Expand every span loaded; spans still to load arrive expanded" : "Expand every span"}>
            Expand all
          </ToolButton>
          <ToolButton onClick={collapseAll} title={partial ? "Show only the root spans; roots still to load arrive collapsed" : "Show only the root spans"}>
            Collapse all
          </ToolButton>
          <ToolButton onClick={onRefresh} disabled={refreshing} title="Load spans that arrived since">
            <RefreshIcon className={refreshing ? "animate-spin" : ""} /> Refresh
          </ToolButton>
        </div>
        {partial ? (
          <p className="basis-full text-xs text-muted" data-testid="summary-scope">
            {summary
              ? "Counts, verdicts, agents, duration and the minimap's lane and marks cover the whole trace; depth, orphans and rows cover the spans loaded so far."
              : summaryFailed
                ? "The whole trace's counts did not load (Refresh to try again): the figures here cover the spans loaded so far."
                : "Counting the whole trace… until then the figures cover the spans loaded so far."}
            {pendingMark ? (
              <span role="status" className="ml-2 text-fg">
                Loading up to the {pendingMark.severity === "error" ? "error span" : `${pendingMark.severity} record`} at {formatDuration(pendingMark.at)} ({formatCount(tree.count)}
                {ofWhole} spans in)…{" "}
                <button type="button" className="underline" onClick={() => setPendingMark(null)}>
                  Stop
                </button>
              </span>
            ) : null}
          </p>
        ) : null}
        {markMissing ? (
          <p role="alert" className="basis-full text-xs text-warn">
            The marked row is not in the trace any more (it changed since the summary was counted): Refresh to count again.
          </p>
        ) : null}
      </section>

      <div className={`grid gap-4 ${selected >= 0 ? "xl:grid-cols-[minmax(0,1fr)_28rem]" : ""}`}>
        <section aria-label="Waterfall" className="min-w-0 overflow-hidden rounded-xl border border-line bg-panel shadow-sm">
          <TraceMinimap
            model={model}
            rows={visible.rows}
            scrollRef={scrollRef}
            rowHeight={ROW_HEIGHT}
            onJump={(row) => scrollTo(Math.max(0, row * ROW_HEIGHT - (scrollRef.current?.clientHeight ?? 0) / 2))}
            summary={summary}
            marks={marks}
            through={through}
            onMark={jumpToMark}
          />
          <div className="grid border-y border-line bg-raised text-xs text-muted" style={COLUMNS}>
            <div className="flex items-center justify-between gap-2 px-3 py-1.5">
              <span className="font-semibold uppercase tracking-wide">Span</span>
              <span className="tabular-nums" data-testid="row-count">
                {formatCount(visible.rows.length)} row{visible.rows.length === 1 ? "" : "s"}
              </span>
            </div>
            <div className="relative h-7" aria-hidden>
              {ticks.map((t) => (
                <span key={t.at} className="absolute top-1.5 whitespace-nowrap tabular-nums" style={tickStyle(t.at)}>
                  {t.label}
                </span>
              ))}
            </div>
          </div>
          <div
            ref={scrollRef}
            role="tree"
            aria-label="Spans of the trace, in call order"
            aria-activedescendant={activeRendered ? `span-row-${active}` : undefined}
            tabIndex={0}
            onKeyDown={onKeyDown}
            onScroll={sync}
            className="relative h-[calc(100vh-20rem)] min-h-80 overflow-auto outline-none focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-inset"
            data-testid="waterfall"
            data-complete={rest === "loading" ? undefined : "true"}
            data-more={rest === "more" || rest === "failed" ? "true" : undefined}
          >
            <div role="none" style={{ height: visible.rows.length * ROW_HEIGHT }} className="relative">
              <div role="none" aria-hidden className="pointer-events-none absolute inset-y-0 right-0 grid w-full" style={COLUMNS}>
                <div />
                <div className="relative">
                  {ticks.map((t) => (
                    <div key={t.at} className="absolute inset-y-0 w-px bg-line" style={{ left: `${t.at * 100}%` }} />
                  ))}
                </div>
              </div>
              {chunkEls}
            </div>
          </div>
          <p className="border-t border-line px-3 py-2 text-xs text-muted">
            Keyboard: ↑ ↓ move, → expand, ← collapse or go to the parent, Enter opens the span, Esc closes it, n / Shift+N next / previous failure.
          </p>
        </section>
        {selected >= 0 ? <SpanPanel model={model} span={selected} onClose={() => select(null)} onSelect={(s) => { focusSpan(s); select(s); }} /> : null}
      </div>
    </div>
  );
}

/** A duration label goes after its bar, else before it, else (a bar across the whole view) on top of its end. */
function durationLabelPlacement(bar: { left: number; width: number }): { style: React.CSSProperties; inside: boolean } {
  const end = bar.left + bar.width;
  if (end <= 0.85) return { style: { left: `${end * 100}%` }, inside: false };
  if (bar.left >= 0.15) return { style: { right: `${(1 - bar.left) * 100}%` }, inside: false };
  return { style: { right: `${(1 - end) * 100}%` }, inside: true };
}

/** Tick labels are centred on their line, except at the edges where they would be cut. */
function tickStyle(at: number): React.CSSProperties {
  if (at <= 0.02) return { left: "0.25rem" };
  if (at >= 0.95) return { right: "0.25rem" };
  return { left: `${at * 100}%`, transform: "translateX(-50%)" };
}

/**
 * Rows `from` to `to` of the waterfall. Memoised: a block re-renders only
 * when the trace, the collapsed set, or the focus or selection inside it
 * change, never because the view scrolled.
 */
const RowChunk = memo(function RowChunk({
  model,
  rows,
  from,
  to,
  collapsed,
  active,
  selected,
  onSelect,
  onToggle,
}: {
  model: TraceModel;
  rows: Int32Array;
  from: number;
  to: number;
  collapsed: ReadonlySet<number>;
  /** The focused span when its row is in this block, else -1 (so focus moving elsewhere leaves the block alone). */
  active: number;
  selected: number;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
}) {
  const out: React.ReactNode[] = [];
  for (let r = from; r < to; r++) {
    const v = rows[r]!;
    out.push(<SpanRow key={v} model={model} span={v} row={r} collapsed={collapsed.has(v)} active={v === active} selected={v === selected} onSelect={onSelect} onToggle={onToggle} />);
  }
  return <>{out}</>;
});

function SpanRow({
  model,
  span: v,
  row,
  collapsed,
  active,
  selected,
  onSelect,
  onToggle,
}: {
  model: TraceModel;
  span: number;
  row: number;
  collapsed: boolean;
  active: boolean;
  selected: boolean;
  onSelect: (span: number) => void;
  onToggle: (span: number) => void;
}) {
  const { trace, tree, duration } = model;
  const { spans, records } = trace;
  const rec = spans.record[v]!;
  const verdicts = rec >= 0 ? (records.verdicts[rec] ?? []) : null;
  const worst = verdicts ? worstVerdict(verdicts) : null;
  const tone = model.tones[v]!;
  const bar = barPosition(spans.start[v]!, spans.end[v]!, 0, duration, 0.002);
  const depth = tree.depth[v]!;
  const children = childCount(tree, v);
  const orphan = orphanReason(tree, v);
  const took = formatDuration(spans.end[v]! - spans.start[v]!);
  const label = durationLabelPlacement(bar);
  return (
    <div
      id={`span-row-${v}`}
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={children > 0 ? !collapsed : undefined}
      aria-selected={selected}
      data-span={spans.id[v]}
      onClick={() => onSelect(v)}
      className={`absolute inset-x-0 grid cursor-pointer items-center text-sm ${selected ? "bg-accent-soft" : active ? "bg-raised" : "hover:bg-raised/70"} ${active ? "outline outline-1 -outline-offset-1 outline-accent" : ""}`}
      style={{ ...COLUMNS, height: ROW_HEIGHT, transform: `translateY(${row * ROW_HEIGHT}px)` }}
    >
      <div className="flex min-w-0 items-center gap-1.5 overflow-hidden pr-2 pl-2" style={{ paddingLeft: 8 + indentPx(depth, 12, INDENT_LEVELS) }}>
        {children > 0 ? (
          <button
            type="button"
            tabIndex={-1}
            aria-label={`${collapsed ? "Expand" : "Collapse"} ${spans.name[v]} (${formatCount(children)} child span${children === 1 ? "" : "s"})`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(v);
            }}
            className="flex h-5 w-5 shrink-0 items-center justify-center rounded text-muted hover:bg-line hover:text-fg"
          >
            <span aria-hidden className={`inline-block text-[10px] transition-transform ${collapsed ? "" : "rotate-90"}`}>
              ▶
            </span>
          </button>
        ) : (
          <span className="w-5 shrink-0" />
        )}
        {depth > INDENT_LEVELS ? (
          <span className="shrink-0 rounded bg-raised px-1 text-[10px] tabular-nums text-muted" title={`depth ${formatCount(depth)}`}>
            L{formatCount(depth)}
          </span>
        ) : null}
        <span className="min-w-16 truncate font-medium" title={spans.name[v]} {...(row === 0 ? FIRST_ROW_TIMING : null)}>
          {spans.name[v]}
        </span>
        {spans.service[v] ? <span className="hidden truncate text-xs text-muted 2xl:inline">{spans.service[v]}</span> : null}
        <span className="ml-auto flex shrink-0 items-center gap-1">
          {collapsed ? <span className="text-[10px] text-muted tabular-nums">+{formatCount(tree.subtreeSize[v]! - 1)}</span> : null}
          {orphan ? (
            <span title={orphan === "missing" ? `parent span ${spans.parent[v]} is not in this trace` : "its parents loop back to it"}>
              <Badge tone="warn">{orphan === "missing" ? "orphan" : "cycle"}</Badge>
            </span>
          ) : null}
          {worst ? (
            <span title={verdicts!.join(", ")} className="inline-flex items-center gap-0.5">
              <VerdictChip verdict={worst} />
              {verdicts!.length > 1 ? <span className="text-[10px] text-muted">+{verdicts!.length - 1}</span> : null}
            </span>
          ) : spans.status[v] === 2 ? (
            <Badge tone="bad">error</Badge>
          ) : null}
        </span>
      </div>
      <div className="relative h-full overflow-hidden">
        <div className={`absolute top-[9px] h-2.5 rounded-sm ${TONE_BAR[tone]} ${tone === "neutral" ? "opacity-60" : ""}`} style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }} />
        <span
          className={`absolute top-1/2 mx-1 -translate-y-1/2 rounded px-1 text-[11px] leading-4 whitespace-nowrap tabular-nums ${label.inside ? "bg-panel/90 text-fg" : "text-muted"}`}
          style={label.style}
        >
          {took}
        </span>
      </div>
    </div>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col leading-tight">
      <span className="text-xs text-muted">{label}</span>
      {/* One height for text, badges and chips alike: the header does not move when a figure changes kind. */}
      <span className="block min-h-6 leading-6 font-medium">{children}</span>
    </div>
  );
}

/** A whole-trace figure not counted yet. */
function Counting() {
  return (
    <span className="text-muted" title="Counting the whole trace">
      …
    </span>
  );
}

function ToolButton({ children, ...props }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      {...props}
      className="inline-flex items-center gap-1.5 rounded-lg border border-line px-2.5 py-1 text-sm text-muted hover:bg-raised hover:text-fg disabled:opacity-50"
    >
      {children}
    </button>
  );
}
