"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { GraphCanvas } from "@/components/graph/graph-canvas.tsx";
import { EARLY_GRAPH_CANVAS_ID } from "@/components/graph/early-graph.ts";
import { GraphControls } from "@/components/graph/graph-controls.tsx";
import { GraphLegend } from "@/components/graph/graph-legend.tsx";
import { graphQuery } from "@/components/graph/graph-query-options.ts";
import { GraphSideList } from "@/components/graph/graph-side-list.tsx";
import { edgeParam, graphViewSearch, parseGraphView, type GraphView } from "@/components/graph/graph-url.ts";
import { prepareScene } from "@/components/graph/scene.ts";
import { SelectionCard } from "@/components/graph/selection-card.tsx";
import { useGraphLayout } from "@/components/graph/use-graph-layout.ts";
import { OverviewIcon } from "@/components/ui/icons.tsx";
import { useMarkOnce } from "@/components/ui/use-mark.ts";
import { EmptyState, ErrorState } from "@/components/ui/states.tsx";
import { browserTimeZone, useNow } from "@/components/ui/use-now.ts";
import { formatCount, formatTimestamp } from "@/lib/view/format.ts";
import { windowPhrase } from "@/lib/view/window.ts";

const EMPTY = { from: "", to: "", replay: false, labelValues: {}, nodes: [], links: [] };

export function GraphClient() {
  const params = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => parseGraphView(params), [params]);
  const now = useNow(1_000);
  const [playing, setPlaying] = useState(false);

  // Next follows the native history API: the URL changes without a server round trip.
  const change = useCallback(
    (patch: Partial<GraphView>, how: "push" | "replace" = "push") => {
      const next = { ...parseGraphView(new URLSearchParams(window.location.search)), ...patch };
      const url = `${pathname}${graphViewSearch(next)}`;
      if (how === "replace") window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    },
    [pathname],
  );
  const selectAgent = useCallback((id: string | null) => change({ agent: id, edge: null, ...(id === null ? { hops: null } : {}) }), [change]);
  const selectLink = useCallback((sender: string, receiver: string) => change({ edge: edgeParam(sender, receiver), agent: null, hops: null }), [change]);

  const q = useQuery(graphQuery(view));
  // The early picture (over React's canvas, which draws a frame or two later) until React's canvas has drawn.
  const [reactDrawn, setReactDrawn] = useState(false);
  const onDrawn = useCallback(() => setReactDrawn(true), []);
  const earlyCanvas = (
    <canvas key="early" id={EARLY_GRAPH_CANVAS_ID} data-testid="graph-canvas-early" aria-hidden className="pointer-events-none absolute inset-1 z-[1] h-[calc(100%-0.5rem)] w-[calc(100%-0.5rem)] rounded-lg bg-bg" />
  );
  useMarkOnce("fb:graph:hydrated");
  useMarkOnce("fb:graph:data", q.data !== undefined);
  const data = q.data ?? EMPTY;
  const scene = useMemo(() => prepareScene(data, view), [data, view]);
  const layout = useGraphLayout(q.data);
  const zone = browserTimeZone();
  const focusKey = `${view.agent ?? ""}|${view.hops ?? ""}|${view.dir}`;

  let status: React.ReactNode;
  if (q.data) {
    const range = `${formatTimestamp(q.data.from, zone)} – ${formatTimestamp(q.data.to, zone)}`;
    status = q.data.replay ? (
      <>Replay of {range}: breakers as they stood at the end</>
    ) : (
      <>
        Live · {range} · refreshes every 5 s{q.isFetching ? " · updating…" : ""}
      </>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <GraphControls view={view} labelValues={data.labelValues} now={now} playing={playing} onPlaying={setPlaying} onChange={change} />
      <p className="text-sm text-muted" data-testid="graph-status">
        {status ?? "Loading the graph…"}
        {q.data ? ` · ${formatCount(q.data.nodes.length)} agents, ${formatCount(q.data.links.length)} links` : ""}
      </p>
      {q.isError && !q.data ? (
        <div className="rounded-xl border border-line bg-panel">
          <ErrorState title="Could not load the agent graph" error={q.error} onRetry={() => void q.refetch()} />
        </div>
      ) : q.isPending ? (
        // The boxes of the loaded screen, so nothing moves when it comes; the page's inline script
        // draws the graph into the early canvas before hydration (early-graph.ts). The same elements
        // (same places, same key) stay when the graph loads, so the picture stays until React's canvas has drawn.
        <div className="flex flex-col gap-4 lg:flex-row">
          <div className="relative h-[62vh] min-h-[440px] min-w-0 flex-1 rounded-xl border border-line bg-panel p-1 shadow-sm">
            {earlyCanvas}
          </div>
          <div role="status" className="h-[440px] w-full shrink-0 animate-pulse rounded-xl bg-raised lg:w-96">
            <span className="sr-only">Loading the agent graph</span>
          </div>
        </div>
      ) : data.nodes.length === 0 ? (
        <div className="rounded-xl border border-line bg-panel">
          <EmptyState title={view.label ? `No agent has the label ${view.label}` : "No agents yet"} icon={<OverviewIcon />}>
            {view.label ? (
              <Link href={pathname} className="underline">
                Show all agents
              </Link>
            ) : (
              <>Register agents or send records to the collector; they appear here as nodes, and their messages as links.</>
            )}
          </EmptyState>
        </div>
      ) : (
        <div className="flex flex-col gap-4 lg:flex-row">
          <div className="relative h-[62vh] min-h-[440px] min-w-0 flex-1 rounded-xl border border-line bg-panel p-1 shadow-sm">
            {q.isError ? (
              <p role="alert" className="absolute top-2 left-2 z-10 rounded-md bg-bad-soft px-2 py-1 text-xs text-bad">
                Refresh failed: {q.error.message}; showing the last answer.
              </p>
            ) : null}
            {data.links.length === 0 ? (
              <p className="absolute top-2 left-2 z-10 rounded-md bg-raised px-2 py-1 text-xs text-muted">No messages between agents {windowPhrase(view.window)}.</p>
            ) : null}
            {reactDrawn ? null : earlyCanvas}
            <GraphCanvas onDrawn={onDrawn} scene={scene} positions={layout.positions} topology={layout.topology} settling={layout.settling} focusKey={focusKey} onSelectAgent={selectAgent} onSelectLink={selectLink} />
          </div>
          <aside className="flex w-full shrink-0 flex-col gap-3 lg:w-96" aria-label="Agents and links">
            <SelectionCard scene={scene} view={view} now={now} onClear={() => selectAgent(null)} onFocus={(hops) => change({ hops })} />
            <GraphSideList
              key={view.breaker ?? "all"}
              scene={scene}
              selectedAgent={view.agent}
              selectedEdge={view.edge}
              onSelectAgent={selectAgent}
              onSelectLink={selectLink}
              height={view.agent || view.edge ? 300 : 440}
              breaker={view.breaker}
              onClearBreaker={() => change({ breaker: null })}
            />
          </aside>
        </div>
      )}
      <GraphLegend />
    </div>
  );
}
