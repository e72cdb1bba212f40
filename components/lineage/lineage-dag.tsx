"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { formatCount } from "@/lib/view/format.ts";
import { browserTimeZone } from "../ui/use-now.ts";
import { LANE_LABEL_WIDTH, layoutDag, type DagEdgeInput, type DagLayout, type DagNodeInput, type PlacedBucket, type PlacedNode } from "./dag-math.ts";
import { axisLabel } from "./axis-label.ts";
import { nodeLook, roleWord } from "./styles.ts";

const TONE_STROKE = { bad: "var(--fb-bad)", warn: "var(--fb-warn)", neutral: "var(--fb-muted)", ok: "var(--fb-ok)", info: "var(--fb-info)" } as const;
const TONE_FILL = { bad: "var(--fb-bad-soft)", warn: "var(--fb-warn-soft)", neutral: "var(--fb-panel)", ok: "var(--fb-ok-soft)", info: "var(--fb-info-soft)" } as const;

export interface DagSelection {
  /** A record id, or a bucket key. */
  key: string;
}

/**
 * The lineage DAG as SVG: d3 decided every coordinate (dag-math.ts), React
 * draws them. Records are links to their page (a plain click selects the
 * record instead, so the analyst keeps the picture); buckets of many records
 * are buttons that list them beside the drawing.
 */
export function LineageDag({
  nodes,
  edges,
  selected,
  onSelect,
  onSelectBucket,
  recordHref,
}: {
  nodes: readonly DagNodeInput[];
  edges: readonly DagEdgeInput[];
  /** A record id or a bucket key. */
  selected: string | null;
  onSelect: (id: string) => void;
  onSelectBucket: (bucket: PlacedBucket) => void;
  recordHref: (id: string) => string;
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.round(el.getBoundingClientRect().width)));
    ro.observe(el);
    setWidth(Math.round(el.getBoundingClientRect().width));
    return () => ro.disconnect();
  }, []);
  const layout = useMemo(() => (width > 0 ? layoutDag(nodes, edges, { width }) : null), [nodes, edges, width]);
  const zone = browserTimeZone();

  return (
    <div ref={wrap} className="relative w-full" data-testid="lineage-dag" data-nodes={layout?.nodes.length ?? 0} data-buckets={layout?.buckets.length ?? 0} data-aggregated={layout?.aggregated ? "yes" : "no"}>
      {layout ? <DagSvg layout={layout} selected={selected} onSelect={onSelect} onSelectBucket={onSelectBucket} recordHref={recordHref} zone={zone} /> : <div className="h-48" />}
    </div>
  );
}

function DagSvg({
  layout: l,
  selected,
  onSelect,
  onSelectBucket,
  recordHref,
  zone,
}: {
  layout: DagLayout;
  selected: string | null;
  onSelect: (id: string) => void;
  onSelectBucket: (bucket: PlacedBucket) => void;
  recordHref: (id: string) => string;
  zone: string;
}) {
  const span = l.domain ? l.domain[1] - l.domain[0] : 0;
  const maxBucket = l.buckets.reduce((m, b) => Math.max(m, b.count), 1);
  return (
    <svg
      width={l.width}
      height={l.height}
      viewBox={`0 0 ${l.width} ${l.height}`}
      role="group"
      aria-label={`Lineage: ${formatCount(l.lanes.reduce((s, lane) => s + lane.records, 0))} records in ${l.lanes.length} agent lanes, oldest on the left. Tab moves between records; Enter selects one.`}
      className="block font-sans text-fg select-none"
    >
      <defs>
        {(["tainted", "clean", "cycle"] as const).map((k) => (
          <marker key={k} id={`dag-arrow-${k}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0 0L10 5L0 10z" fill={k === "tainted" ? "var(--fb-warn)" : k === "cycle" ? "var(--fb-bad)" : "var(--fb-muted)"} />
          </marker>
        ))}
      </defs>
      {/* Lanes: alternating bands, the agent's name and counts on the left. */}
      {l.lanes.map((lane, i) => (
        <g key={lane.agent ?? "\u0000unstored"}>
          <rect x={0} y={lane.y} width={l.width} height={lane.height} fill={i % 2 === 0 ? "var(--fb-raised)" : "transparent"} opacity={0.55} />
          <text x={8} y={lane.y + 18} className="fill-current text-[12px] font-semibold">
            <title>{lane.agent ?? "records referenced but never stored"}</title>
            {clip(lane.agent ?? "not stored", 22)}
          </text>
          <text x={8} y={lane.y + 33} className="fill-[var(--fb-muted)] text-[11px]">
            {formatCount(lane.records)} rec · {formatCount(lane.tainted)} tainted
          </text>
          {lane.flagged > 0 ? (
            <text x={8} y={lane.y + 47} className="fill-[var(--fb-bad)] text-[11px] font-medium">
              ✕ {formatCount(lane.flagged)} suspect
            </text>
          ) : null}
        </g>
      ))}
      <line x1={LANE_LABEL_WIDTH} x2={LANE_LABEL_WIDTH} y1={0} y2={l.height} stroke="var(--fb-line)" />
      {/* Time axis on top. */}
      <g aria-hidden>
        {l.ticks.map((t, i) => (
          <g key={t.t}>
            <line x1={t.x} x2={t.x} y1={20} y2={l.height} stroke="var(--fb-line)" strokeDasharray="2 4" />
            <text x={t.x} y={14} textAnchor={i === 0 && t.x - l.x0 < 30 ? "start" : "middle"} className="fill-[var(--fb-muted)] text-[11px] tabular-nums">
              {axisLabel(t.t, span, zone)}
            </text>
          </g>
        ))}
      </g>
      {/* Edges under the records. */}
      <g aria-hidden fill="none">
        {l.edges.map((e) => {
          const look = e.cycle ? "cycle" : e.tainted ? "tainted" : "clean";
          const mid = (e.x1 + e.x2) / 2;
          const d = e.from === e.to ? `M${e.x1} ${e.y1 - 6} c 14 -18 -14 -18 0 0` : `M${e.x1} ${e.y1} C ${mid} ${e.y1}, ${mid} ${e.y2}, ${e.x2} ${e.y2}`;
          return (
            <path
              key={`${e.from}>${e.to}`}
              d={d}
              stroke={look === "cycle" ? "var(--fb-bad)" : look === "tainted" ? "var(--fb-warn)" : "var(--fb-muted)"}
              strokeWidth={Math.min(4, 1.2 + Math.log10(e.count))}
              strokeDasharray={e.cycle ? "6 3" : e.backwards ? "2 3" : undefined}
              opacity={e.tainted || e.cycle ? 0.85 : 0.45}
              markerEnd={`url(#dag-arrow-${look})`}
            />
          );
        })}
      </g>
      {l.buckets.map((b) => (
        <BucketMark key={b.key} b={b} maxCount={maxBucket} selected={selected === b.key} onSelect={onSelectBucket} zone={zone} />
      ))}
      {l.nodes.map((n) => (
        <NodeMark key={n.id} n={n} selected={selected === n.id} onSelect={onSelect} href={recordHref(n.id)} zone={zone} />
      ))}
    </svg>
  );
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function NodeMark({ n, selected, onSelect, href, zone }: { n: PlacedNode; selected: boolean; onSelect: (key: string) => void; href: string; zone: string }) {
  const look = nodeLook(n);
  const big = n.role === "origin" || n.role === "start";
  const r = big ? 9 : 6.5;
  const decision = n.kind === "action" || n.kind === "state.write";
  const stroke = TONE_STROKE[look.tone];
  const when = n.ts === null ? "time unknown" : axisLabel(n.ts, 0, zone, true);
  const label = `${roleWord(n.role)}: record ${n.id}${n.agent ? ` by ${n.agent}` : ""}, ${n.kind ?? "not stored"}${n.actionClass ? ` (${n.actionClass})` : ""}, ${when}, ${look.word.toLowerCase()}`;
  return (
    <a
      href={href}
      aria-label={label}
      data-record={n.id}
      data-role={n.role}
      data-state={look.word.toLowerCase()}
      onClick={(e) => {
        // Modified clicks open the record page as links do; a plain click selects.
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        onSelect(n.id);
      }}
      className="cursor-pointer outline-none [&:focus-visible>.ring]:opacity-100"
    >
      <title>{label}</title>
      <circle className="ring" cx={n.x} cy={n.y} r={r + 5} fill="none" stroke="var(--fb-accent)" strokeWidth={2} opacity={selected ? 1 : 0} />
      {n.role === "origin" ? <circle cx={n.x} cy={n.y} r={r + 3} fill="none" stroke="var(--fb-bad)" strokeWidth={1.5} /> : null}
      {decision ? (
        <rect x={n.x - r} y={n.y - r} width={2 * r} height={2 * r} rx={2} fill={TONE_FILL[look.tone]} stroke={stroke} strokeWidth={1.8} strokeDasharray={look.tone === "warn" ? "3 2" : n.agent === null ? "2 2" : undefined} />
      ) : (
        <circle cx={n.x} cy={n.y} r={r} fill={TONE_FILL[look.tone]} stroke={stroke} strokeWidth={1.8} strokeDasharray={look.tone === "warn" ? "3 2" : n.agent === null ? "2 2" : undefined} />
      )}
      {/* The icon inside: a cross for suspect, a bang for tainted; clean records stay plain. */}
      {look.icon === "cross" ? (
        <path d={`M${n.x - r * 0.45} ${n.y - r * 0.45}l${r * 0.9} ${r * 0.9}M${n.x + r * 0.45} ${n.y - r * 0.45}l${-r * 0.9} ${r * 0.9}`} stroke={stroke} strokeWidth={1.8} strokeLinecap="round" />
      ) : look.icon === "warn" ? (
        <path d={`M${n.x} ${n.y - r * 0.5}v${r * 0.55}M${n.x} ${n.y + r * 0.45}v0.1`} stroke={stroke} strokeWidth={1.8} strokeLinecap="round" />
      ) : null}
      {big ? (
        <text x={n.x} y={n.y - r - 7} textAnchor="middle" className={`text-[11px] font-bold ${n.role === "origin" ? "fill-[var(--fb-bad)]" : "fill-[var(--fb-accent)]"}`} stroke="var(--fb-bg)" strokeWidth={3} paintOrder="stroke">
          {n.role === "origin" ? "ORIGIN" : "THIS RECORD"}
        </text>
      ) : null}
    </a>
  );
}

function BucketMark({ b, maxCount, selected, onSelect, zone }: { b: PlacedBucket; maxCount: number; selected: boolean; onSelect: (bucket: PlacedBucket) => void; zone: string }) {
  // Height by count on a log scale, so one busy minute does not flatten the rest.
  const h = 6 + 16 * (Math.log1p(b.count) / Math.log1p(maxCount));
  const w = Math.max(3, b.x1 - b.x0 - 2);
  const taintedW = b.count > 0 ? (w * b.tainted) / b.count : 0;
  const label = `${formatCount(b.count)} records between ${axisLabel(b.from, 0, zone, true)} and ${axisLabel(b.to, 0, zone, true)}: ${formatCount(b.tainted)} tainted, ${formatCount(b.flagged)} suspect, ${formatCount(b.decisions)} decisions`;
  return (
    <g
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      data-bucket={b.key}
      onClick={() => onSelect(b)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onSelect(b);
        }
      }}
      className="cursor-pointer outline-none [&:focus-visible>.ring]:opacity-100"
    >
      <title>{label}</title>
      <rect className="ring" x={b.x0 - 1} y={b.y - h / 2 - 3} width={w + 4} height={h + 6} rx={3} fill="none" stroke="var(--fb-accent)" strokeWidth={2} opacity={selected ? 1 : 0} />
      <rect x={b.x0 + 1} y={b.y - h / 2} width={w} height={h} rx={2} fill="var(--fb-neutral-soft)" stroke="var(--fb-muted)" strokeWidth={1} />
      {taintedW > 0 ? <rect x={b.x0 + 1} y={b.y - h / 2} width={taintedW} height={h} rx={2} fill="var(--fb-warn)" opacity={0.55} /> : null}
      {b.flagged > 0 ? <path d={`M${b.x0 + w / 2 - 3} ${b.y - h / 2 - 9}l6 6m0 -6l-6 6`} stroke="var(--fb-bad)" strokeWidth={1.8} strokeLinecap="round" /> : null}
      {w >= 18 ? (
        <text x={b.x0 + 1 + w / 2} y={b.y + h / 2 + 11} textAnchor="middle" className="fill-[var(--fb-muted)] text-[9px] tabular-nums">
          {b.count >= 1000 ? `${(b.count / 1000).toFixed(1)}k` : b.count}
        </text>
      ) : null}
    </g>
  );
}
