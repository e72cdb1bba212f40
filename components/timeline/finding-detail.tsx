import Link from "next/link";
import type { TimelineFindingView } from "@/lib/api/fleet-views.ts";
import { formatTimestamp } from "@/lib/view/format.ts";
import { agentHref, edgeHref, impactPhrase, lineageHref, recordHref } from "../fleet/fleet-style.ts";
import { detectorLabel } from "../fleet/findings-list.tsx";
import { bandLayout, deviationBand, pct } from "./timeline-math.ts";

const fmtNumber = (v: number): string => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toPrecision(3) : String(Math.round(v * 100) / 100));

/** The expected band across, the median marked, the value as a dot: how far out it fell. */
function BandChart({ f }: { f: TimelineFindingView }) {
  const band = deviationBand(f.detector, f.params);
  if (!band) return null;
  const l = bandLayout(band);
  return (
    <figure data-testid="band-chart" className="mt-3">
      <figcaption className="text-xs text-muted">
        Expected band {fmtNumber(band.low)} – {fmtNumber(band.high)} around the median {fmtNumber(band.median)}
        {l.log ? " (log scale)" : ""}; this value {fmtNumber(band.value)}
      </figcaption>
      <div className="relative mt-6 mb-5 h-4 rounded bg-raised" role="img" aria-label={`value ${fmtNumber(band.value)} against an expected band from ${fmtNumber(band.low)} to ${fmtNumber(band.high)}`}>
        <span className="absolute inset-y-0 rounded border border-ok bg-ok/25" style={{ left: pct(l.low), width: pct(Math.max(0.004, l.high - l.low)) }} />
        <span className="absolute -inset-y-1 w-0.5 bg-ok" style={{ left: pct(l.median) }} />
        <span className="absolute top-1/2 h-3.5 w-3.5 -translate-x-1/2 -translate-y-1/2 rounded-full border-2 border-panel bg-bad" style={{ left: pct(l.value) }} />
        <span className="absolute -top-5 -translate-x-1/2 whitespace-nowrap text-[11px] text-ok" style={{ left: pct(l.median) }}>
          median
        </span>
        <span
          className="absolute top-5 whitespace-nowrap text-[11px] font-medium text-bad"
          style={{ left: pct(l.value), transform: l.value > 0.85 ? "translateX(-100%)" : l.value < 0.15 ? "none" : "translateX(-50%)" }}
        >
          value
        </span>
      </div>
    </figure>
  );
}

/** The chosen finding in words, its stored parameters, and the ways to its record and lineage. */
export function FindingDetail({ f, timeZone, onClose }: { f: TimelineFindingView; timeZone: string; onClose: () => void }) {
  const params = Object.entries(f.params);
  return (
    <section aria-label="Finding" data-testid="finding-detail" className="rounded-xl border border-line bg-panel px-4 py-3 shadow-sm">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-semibold">{detectorLabel(f.detector)}</p>
          <p className="truncate font-mono text-xs text-muted">{f.subject}</p>
        </div>
        <button type="button" onClick={onClose} className="rounded-md border border-line px-2 py-0.5 text-xs hover:bg-raised">
          Close
        </button>
      </div>
      <p className="mt-2 text-sm">{f.explanation}</p>
      <p className="mt-1 text-xs text-muted tabular-nums">
        {formatTimestamp(f.at, timeZone)} · {impactPhrase(f.impact, f.reach)}
      </p>
      <BandChart f={f} />
      <p className="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-sm">
        {f.recordId ? (
          <>
            <Link href={recordHref(f.recordId)} className="text-accent underline-offset-2 hover:underline">
              Open record
            </Link>
            <Link href={lineageHref(f.recordId)} data-testid="lineage-link" className="text-accent underline-offset-2 hover:underline">
              Lineage
            </Link>
          </>
        ) : null}
        {f.agent ? (
          <Link href={agentHref(f.agent)} className="text-accent underline-offset-2 hover:underline">
            Agent {f.agent}
          </Link>
        ) : null}
        {f.agent && f.receivers.length === 1 ? (
          <Link href={edgeHref(f.agent, f.receivers[0]!)} className="text-accent underline-offset-2 hover:underline">
            Edge
          </Link>
        ) : null}
      </p>
      {params.length > 0 ? (
        <details className="mt-3 text-xs">
          <summary className="cursor-pointer text-muted">Parameters it was found with</summary>
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono">
            {params.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="break-all">{v === null ? "null" : typeof v === "number" ? fmtNumber(v) : String(v)}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </section>
  );
}
