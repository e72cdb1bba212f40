"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { OverviewView, StateCountsView } from "@/lib/api/fleet-views.ts";
import { formatCount, formatPercent } from "@/lib/view/format.ts";
import { windowPhrase, type WindowKey } from "@/lib/view/window.ts";
import { rateSeries, countSeries, total, zoneName } from "../charts/series-math.ts";
import { Sparkline } from "../charts/sparkline.tsx";
import { TimeAxis } from "../charts/time-axis.tsx";
import { overviewQuery } from "../fleet/fleet-queries.ts";
import { SEVERITY_ORDER, SEVERITY_STYLES, STATES_WORST_FIRST, agentHref, graphStateHref, impactPhrase, incidentsHref, type SeverityName } from "../fleet/fleet-style.ts";
import { Glyph } from "../graph/glyph.tsx";
import { BREAKER_STYLES } from "../graph/style-math.ts";
import { CheckIcon, CrossIcon, DotIcon, WarnIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { TONE_CLASSES, TONE_TEXT } from "../ui/tone.tsx";
import { browserTimeZone } from "../ui/use-now.ts";

function StateCounts({ title, counts, window, noun }: { title: string; counts: StateCountsView; window: WindowKey; noun: string }) {
  return (
    <div className="min-w-0">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">{title}</h3>
      <ul className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-5" aria-label={title}>
        {STATES_WORST_FIRST.map((state) => {
          const s = BREAKER_STYLES[state];
          const n = counts[state];
          const quiet = n === 0;
          return (
            <li key={state}>
              <Link
                href={graphStateHref(window, state)}
                data-state-count={state}
                title={`${formatCount(n)} ${noun} ${s.word.toLowerCase()}: ${s.meaning}. Show them on the agent graph.`}
                className={`flex h-full flex-col rounded-lg border px-3 py-2 hover:border-accent ${quiet ? "border-line text-muted" : `border-transparent ${TONE_CLASSES[s.tone]}`}`}
              >
                <span className="flex items-center gap-1.5 text-xs font-medium">
                  {s.icon ? <Glyph name={s.icon} className="shrink-0" /> : <CheckIcon className="shrink-0" />}
                  {s.word}
                </span>
                <span className="mt-0.5 text-2xl font-semibold tabular-nums">{formatCount(n)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const SEVERITY_ICON = {
  octagon: <Glyph name="octagon-x" />,
  cross: <CrossIcon />,
  warn: <WarnIcon />,
  dot: <DotIcon />,
} as const;

function Incidents({ data }: { data: OverviewView }) {
  const open = SEVERITY_ORDER.reduce((n, s) => n + data.incidents[s], 0);
  return (
    <div className="min-w-0">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">
        Open incidents · {formatCount(open)}
        {data.acknowledged > 0 ? <span className="font-normal normal-case"> (and {formatCount(data.acknowledged)} acknowledged)</span> : null}
      </h3>
      <ul className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label="Open incidents by severity">
        {SEVERITY_ORDER.map((sev: SeverityName) => {
          const s = SEVERITY_STYLES[sev];
          const n = data.incidents[sev];
          return (
            <li key={sev}>
              <Link
                href={incidentsHref(sev)}
                data-severity-count={sev}
                className={`flex h-full flex-col rounded-lg border px-3 py-2 hover:border-accent ${n === 0 ? "border-line text-muted" : `border-transparent ${TONE_CLASSES[s.tone]}`}`}
              >
                <span className="flex items-center gap-1.5 text-xs font-medium">
                  {SEVERITY_ICON[s.icon]}
                  {s.word}
                </span>
                <span className="mt-0.5 text-2xl font-semibold tabular-nums">{formatCount(n)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Rates({ data, timeZone }: { data: OverviewView; timeZone: string }) {
  const b = data.series.buckets;
  const from = Date.parse(data.series.from);
  const to = Date.parse(data.series.to);
  const records = total(b, (x) => x.records);
  const cards = [
    { key: "verified", title: "Verified share", value: formatPercent(records > 0 ? total(b, (x) => x.verified) / records : null), points: rateSeries(b, (x) => x.verified, (x) => x.records), tone: "ok" as const, max: 1 },
    { key: "failed", title: "Failed-check share", value: formatPercent(records > 0 ? total(b, (x) => x.failed) / records : null), points: rateSeries(b, (x) => x.failed, (x) => x.records), tone: "bad" as const, max: 1 },
    { key: "findings", title: "Anomaly findings", value: formatCount(total(b, (x) => x.findings)), points: countSeries(b, (x) => x.findings), tone: "warn" as const, max: undefined },
    { key: "records", title: "Records", value: formatCount(records), points: countSeries(b, (x) => x.records), tone: "info" as const, max: undefined },
  ];
  return (
    <div className="min-w-0">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">
        Rates {windowPhraseFromSeries(data)} · one point per {stepWords(data.series.stepMs)} · times in {zoneName(timeZone, to)}
      </h3>
      <div className="mt-2 grid gap-x-6 gap-y-3 sm:grid-cols-2 xl:grid-cols-4">
        {cards.map((c) => (
          <figure key={c.key} data-rate={c.key} className="min-w-0 rounded-lg border border-line px-3 pt-2">
            <figcaption className="flex items-baseline justify-between gap-2 text-xs">
              <span className="font-medium text-muted">{c.title}</span>
              <span className="text-lg font-semibold tabular-nums text-fg">{c.value}</span>
            </figcaption>
            <Sparkline points={c.points} domain={[from, to]} {...(c.max !== undefined ? { max: c.max } : {})} label={`${c.title} over time: ${c.value}`} className={TONE_TEXT[c.tone]} height={44} />
            <TimeAxis from={from} to={to} timeZone={timeZone} ticks={3} showZone={false} />
          </figure>
        ))}
      </div>
    </div>
  );
}

const stepWords = (ms: number): string => (ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.round(ms / 60_000)} min`);
const windowPhraseFromSeries = (d: OverviewView): string => {
  const h = Math.round((Date.parse(d.to) - Date.parse(d.from)) / 3_600_000);
  return h <= 1 ? "over the last hour" : h <= 24 ? "over the last 24 hours" : `over the last ${Math.round(h / 24)} days`;
};

function BlastRadius({ data }: { data: OverviewView }) {
  if (data.blast.length === 0) return <p className="px-5 py-4 text-sm text-muted">No findings in this window: nothing to rank.</p>;
  const maxImpact = Math.max(1, ...data.blast.map((b) => b.maxImpact ?? 0));
  return (
    <ol className="divide-y divide-line" aria-label="Agents with the largest blast radius">
      {data.blast.map((b, i) => (
        <li key={b.agent} data-blast={b.agent} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-2.5 sm:flex-nowrap">
          <span className="w-5 shrink-0 text-right text-sm tabular-nums text-muted">{i + 1}</span>
          <div className="min-w-0 flex-1">
            <Link href={agentHref(b.agent)} className="break-all font-mono text-sm font-medium text-accent underline-offset-2 hover:underline">
              {b.agent}
            </Link>
            <span className="ml-2 text-xs text-muted">{b.displayName ?? "not in the registry"}</span>
            <p className="truncate text-xs text-muted" title={b.topExplanation}>
              {b.topExplanation}
            </p>
          </div>
          <div className="hidden w-40 shrink-0 sm:block" aria-hidden>
            <div className="h-1.5 rounded-full bg-raised">
              <div className="h-1.5 rounded-full bg-bad" style={{ width: `${Math.max(2, ((b.maxImpact ?? 0) / maxImpact) * 100)}%` }} />
            </div>
          </div>
          <div className="w-full shrink-0 pl-9 text-xs tabular-nums sm:w-44 sm:pl-0 sm:text-right">
            <p className="font-medium">{impactPhrase(b.maxImpact, b.maxReach)}</p>
            <p className="text-muted">
              {formatCount(b.findings)} finding{b.findings === 1 ? "" : "s"}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Fleet health at a glance: breakers, open incidents, rates, and where trouble reaches furthest. */
export function FleetHealth({ window }: { window: WindowKey }) {
  const q = useQuery(overviewQuery(window));
  const timeZone = browserTimeZone();
  if (q.isPending) return <Panel title="Fleet health"><LoadingRows label="Loading fleet health" rows={4} /></Panel>;
  if (q.isError && !q.data) return <Panel title="Fleet health"><ErrorState title="Could not load fleet health" error={q.error} onRetry={() => void q.refetch()} /></Panel>;
  const data = q.data;
  return (
    <>
      <Panel
        id="fleet-health"
        title="Fleet health"
        description={
          <>
            Breakers now, on edges with traffic {windowPhrase(window)} or a breaker of their own
            {data.awaitingReview > 0 ? <span className="font-medium text-bad"> · {formatCount(data.awaitingReview)} open breaker{data.awaitingReview === 1 ? "" : "s"} waiting for review</span> : null}
          </>
        }
      >
        <div data-testid="fleet-health" className="flex flex-col gap-5 px-5 py-4">
          <div className="grid gap-5 xl:grid-cols-2">
            <StateCounts title="Edges by breaker state" counts={data.edges} window={window} noun="edges" />
            <StateCounts title="Agents by their worst outgoing breaker" counts={data.agents} window={window} noun="agents" />
          </div>
          <Incidents data={data} />
          <Rates data={data} timeZone={timeZone} />
        </div>
      </Panel>
      <Panel id="blast" title="Largest blast radius" description={`Agents whose findings ${windowPhrase(window)} reach furthest downstream, by impact (deviation × reach).`}>
        <BlastRadius data={data} />
      </Panel>
    </>
  );
}
