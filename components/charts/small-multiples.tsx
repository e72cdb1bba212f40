import type { SeriesBucketView } from "@/lib/api/fleet-views.ts";
import { formatCount, formatPercent } from "@/lib/view/format.ts";
import { Sparkline } from "./sparkline.tsx";
import { countSeries, rateSeries, total, zoneName } from "./series-math.ts";
import { TimeAxis } from "./time-axis.tsx";

export interface SeriesInput {
  from: string;
  to: string;
  stepMs: number;
  buckets: readonly SeriesBucketView[];
}

/** Prepare: the four charts of an agent or an edge, with their headline numbers. */
export function activityCharts(s: SeriesInput, noun = "records") {
  const sent = total(s.buckets, (b) => b.records);
  const verified = total(s.buckets, (b) => b.verified);
  const failed = total(s.buckets, (b) => b.failed);
  const findings = total(s.buckets, (b) => b.findings);
  const stepMin = Math.round(s.stepMs / 60_000);
  const per = stepMin >= 60 ? `${Math.round(stepMin / 60)} h` : `${stepMin} min`;
  return [
    { key: "rate", title: `${noun[0]!.toUpperCase()}${noun.slice(1)} per ${per}`, value: formatCount(sent), points: countSeries(s.buckets, (b) => b.records), tone: "text-accent", max: undefined },
    { key: "verified", title: "Verified share", value: formatPercent(sent > 0 ? verified / sent : null), points: rateSeries(s.buckets, (b) => b.verified, (b) => b.records), tone: "text-ok", max: 1 },
    { key: "failed", title: "Failed checks", value: formatCount(failed), points: countSeries(s.buckets, (b) => b.failed), tone: "text-bad", max: undefined },
    { key: "findings", title: "Anomaly findings", value: formatCount(findings), points: countSeries(s.buckets, (b) => b.findings), tone: "text-warn", max: undefined },
  ];
}

/** Small multiples on one shared time axis in the viewer's zone. */
export function SmallMultiples({ series, timeZone, noun }: { series: SeriesInput; timeZone: string; noun?: string }) {
  const from = Date.parse(series.from);
  const to = Date.parse(series.to);
  const charts = activityCharts(series, noun);
  return (
    <div data-testid="small-multiples" className="grid gap-x-6 gap-y-4 px-5 py-4 sm:grid-cols-2 xl:grid-cols-4">
      {charts.map((c) => (
        <figure key={c.key} data-chart={c.key} className="min-w-0">
          <figcaption className="flex items-baseline justify-between gap-2 text-xs">
            <span className="font-medium text-muted">{c.title}</span>
            <span className="text-base font-semibold tabular-nums text-fg">{c.value}</span>
          </figcaption>
          <div className="mt-1">
            <Sparkline points={c.points} domain={[from, to]} {...(c.max !== undefined ? { max: c.max } : {})} label={`${c.title}: ${c.value}`} className={c.tone} height={56} />
          </div>
          <TimeAxis from={from} to={to} timeZone={timeZone} ticks={4} />
        </figure>
      ))}
      <p className="text-xs text-muted sm:col-span-2 xl:col-span-4">Times in {zoneName(timeZone, to)}; gaps in the verified share are buckets with no {noun ?? "records"}.</p>
    </div>
  );
}
