"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import type { BlastRadiusView, OriginView } from "@/lib/api/engine-views.ts";
import { formatCount, formatPercent } from "@/lib/view/format.ts";
import { ApiError } from "../api-error.ts";
import { VirtualList } from "../graph/virtual-list.tsx";
import { recordHref, traceHref } from "../records/record-detail.tsx";
import { recordQuery } from "../records/record-detail-screen.tsx";
import { ArrowRightIcon, OverviewIcon, WarnIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { formatSpan } from "../incidents/timeline-math.ts";
import { axisLabel, zoneName } from "./axis-label.ts";
import type { PlacedBucket } from "./dag-math.ts";
import { LineageDag } from "./lineage-dag.tsx";
import { agentFocusHref, lineageHref, lineageModel, windowFor, type LineageModel } from "./lineage-model.ts";
import { blastRadiusQuery, originQuery } from "./lineage-queries.ts";
import { LookBadge, LookIcon } from "./look-icon.tsx";
import { decisionShareText, nodeLook, roleWord, suspicionLook } from "./styles.ts";

const linkClass = "text-accent underline-offset-2 hover:underline";
const buttonClass = "inline-flex items-center gap-1.5 rounded-lg border border-line bg-panel px-3 py-1.5 text-sm font-medium hover:bg-raised";

/**
 * Where the trouble around one record started and how far it went: the
 * origin first (one click to its agent on the graph), then the share of
 * downstream decisions it tainted, the DAG, and exact counts per agent.
 */
export function LineageView({ record, selected, onSelect, compact = false }: { record: string; selected: string | null; onSelect: (key: string | null) => void; compact?: boolean }) {
  const origin = useQuery(originQuery(record));
  const blast = useQuery(blastRadiusQuery(record));
  const model = useMemo(() => lineageModel(origin.data ?? null, blast.data ?? null), [origin.data, blast.data]);

  if (origin.isPending || blast.isPending) {
    if (origin.isError || blast.isError) return <LineageError record={record} error={origin.error ?? blast.error} onRetry={() => void Promise.all([origin.refetch(), blast.refetch()])} />;
    return <LoadingRows label={`Walking the lineage of ${record}`} rows={6} />;
  }
  if (origin.isError && !origin.data) return <LineageError record={record} error={origin.error} onRetry={() => void origin.refetch()} />;
  if (blast.isError && !blast.data) return <LineageError record={record} error={blast.error} onRetry={() => void blast.refetch()} />;
  const o = origin.data;
  const b = blast.data;
  return (
    <div className="flex flex-col gap-4" data-testid="lineage-view" data-record={record}>
      <OriginCard origin={o} />
      <Summary blast={b} origin={o} />
      <DagPanel model={model} origin={o} blast={b} selected={selected} onSelect={onSelect} compact={compact} />
      <div className={`grid gap-4 ${compact ? "" : "xl:grid-cols-2"}`}>
        <AgentCounts blast={b} />
        <SuspectList model={model} />
      </div>
    </div>
  );
}

function LineageError({ record, error, onRetry }: { record: string; error: unknown; onRetry: () => void }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="rounded-xl border border-line bg-panel">
        <EmptyState title={`No record has the id ${record}`} icon={<OverviewIcon />}>
          {error.message}. Check the id on the <Link href="/records" className={linkClass}>records</Link> screen.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="rounded-xl border border-line bg-panel">
      <ErrorState title={`Could not walk the lineage of ${record}`} error={error} onRetry={onRetry} />
    </div>
  );
}

function OriginCard({ origin: o }: { origin: OriginView }) {
  const now = useNow(60_000);
  const zone = browserTimeZone();
  const first = o.origins[0];
  if (!first) {
    return (
      <section aria-label="Origin" data-testid="origin-card" className="rounded-xl border border-line bg-panel px-5 py-4 shadow-sm">
        <p className="text-xs font-semibold tracking-wide text-muted uppercase">Origin</p>
        <p className="mt-1 flex items-center gap-2 text-base font-semibold">
          <LookIcon icon="check" className="text-ok" /> Nothing suspect upstream of <span className="font-mono">{o.start}</span>
        </p>
        <p className="mt-1 text-sm text-muted">
          No record it depends on failed verification, drew a finding, or comes from a compromised agent or key{o.truncated.length > 0 ? " — as far as the walk went" : ""}. {formatCount(o.visited)} records looked at.
        </p>
      </section>
    );
  }
  const rest = o.origins.slice(1);
  const path = o.paths.find((p) => p.origin === first.id);
  const ts = first.ts ? Date.parse(first.ts) : null;
  return (
    <section aria-labelledby="origin-title" data-testid="origin-card" className="rounded-xl border-2 border-bad/50 bg-panel px-5 py-4 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-xs font-semibold tracking-wide text-bad uppercase">{o.origins.length > 1 ? `Origin 1 of ${o.origins.length}` : "Origin"} · where it started</p>
          <h2 id="origin-title" className="mt-1 flex flex-wrap items-baseline gap-x-2 text-xl font-semibold">
            <span>Agent</span>
            <span className="font-mono" data-testid="origin-agent">
              {first.agent ?? "unknown (record not stored)"}
            </span>
          </h2>
          <p className="mt-1 text-sm">
            Record{" "}
            <Link href={recordHref(first.id)} className={`font-mono ${linkClass}`} data-testid="origin-record">
              {first.id}
            </Link>
            {first.kind ? <span className="text-muted"> · {first.kind}</span> : null}
            {first.ts ? <span className="text-muted tabular-nums"> · {axisLabel(Date.parse(first.ts), 0, zone, true)}</span> : null}
            {path && path.hops > 0 ? (
              <span className="text-muted">
                {" "}
                · {path.hops} hop{path.hops === 1 ? "" : "s"} up from <span className="font-mono">{o.start}</span>
              </span>
            ) : null}
          </p>
          <OriginBecauseNote because={first.because} />
          <ul className="mt-2 flex flex-col gap-1">
            {first.reasons.map((r, i) => (
              <li key={i} className="flex flex-wrap items-baseline gap-2 text-sm">
                <LookBadge look={suspicionLook(r.kind)} />
                <span className="break-words">{r.detail}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="flex shrink-0 flex-col items-stretch gap-2">
          {first.agent ? (
            <Link href={agentFocusHref(first.agent, windowFor(ts, now.getTime()))} className="inline-flex items-center justify-center gap-2 rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-white shadow-sm hover:opacity-90 dark:text-black" data-testid="go-to-origin-agent">
              Go to origin agent <ArrowRightIcon />
            </Link>
          ) : null}
          <OriginTraceLink id={first.id} />
          {first.id !== o.start ? (
            <Link href={lineageHref(first.id)} className={buttonClass}>
              Blast radius of the origin
            </Link>
          ) : null}
        </div>
      </div>
      {rest.length > 0 ? (
        <div className="mt-3 border-t border-line pt-3 text-sm">
          <p className="font-medium">Also an origin:</p>
          <ul className="mt-1 flex flex-col gap-1">
            {rest.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-2">
                <Link href={recordHref(r.id)} className={`font-mono ${linkClass}`}>
                  {r.id}
                </Link>
                <span className="text-muted">by</span>
                {r.agent ? (
                  <Link href={agentFocusHref(r.agent, windowFor(r.ts ? Date.parse(r.ts) : null, now.getTime()))} className={`font-mono ${linkClass}`}>
                    {r.agent}
                  </Link>
                ) : (
                  <span className="text-muted">unknown</span>
                )}
                {r.reasons.map((x, i) => (
                  <LookBadge key={i} look={suspicionLook(x.kind)} title={x.detail} />
                ))}
                <span className="text-muted" data-testid="origin-because">
                  {BECAUSE_SHORT[r.because]}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

type Because = OriginView["origins"][number]["because"];

const BECAUSE_SHORT: Record<Because, string> = {
  nothing_flagged_upstream: "· nothing flagged upstream of it",
  loop_entry: "· a feedback loop entered here",
};

/** Why the first origin is one, when that is not the plain rule (ADR 0052). */
function OriginBecauseNote({ because }: { because: Because }) {
  if (because !== "loop_entry") return null;
  return (
    <p className="mt-2 max-w-prose text-sm" data-testid="origin-because">
      <span className="font-medium">A feedback loop entered here.</span> Its own inputs are clean: what is flagged further up reached it only through clean records and did not start the loop. The upstream-most flagged record is listed as an origin too.
    </p>
  );
}

/** The origin's trace: the record page knows its trace and span. */
function OriginTraceLink({ id }: { id: string }) {
  const q = useQuery({ ...recordQuery(id), refetchInterval: false });
  const r = q.data?.records[0];
  if (!r) return null;
  return (
    <Link href={traceHref(r.traceId, r.spanId)} className={buttonClass} data-testid="origin-trace">
      Open origin trace
    </Link>
  );
}

function Stat({ label, value, detail, testId, tone }: { label: string; value: string; detail?: string; testId?: string; tone?: "bad" | "warn" }) {
  return (
    <div className="min-w-0 rounded-xl border border-line bg-panel px-4 py-3 shadow-sm" data-testid={testId}>
      <p className="text-xs font-semibold tracking-wide text-muted uppercase">{label}</p>
      <p className={`mt-1 flex items-center gap-1.5 text-2xl font-semibold tabular-nums ${tone === "bad" ? "text-bad" : tone === "warn" ? "text-warn" : ""}`}>
        {tone ? <WarnIcon className="shrink-0 text-lg" /> : null}
        {value}
      </p>
      {detail ? <p className="mt-0.5 text-xs text-muted">{detail}</p> : null}
    </div>
  );
}

function Summary({ blast: b, origin: o }: { blast: BlastRadiusView; origin: OriginView }) {
  const zone = browserTimeZone();
  const d = b.decisions;
  const truncated = [...new Set([...o.truncated, ...b.truncated])];
  return (
    <div className="flex flex-col gap-3">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Downstream decisions tainted"
          value={d.share === null ? "—" : formatPercent(d.share)}
          detail={`${decisionShareText(d, formatPercent)}: actions and state writes`}
          testId="tainted-share"
          {...(d.tainted > 0 ? { tone: "bad" as const } : {})}
        />
        <Stat label="Records downstream" value={formatCount(b.counts.total)} detail={`${formatCount(b.counts.tainted)} tainted · ${formatCount(b.counts.redActions)} red actions`} testId="downstream-count" />
        <Stat label="Agents reached" value={formatCount(b.byAgent.length)} detail={b.byAgent.slice(0, 3).map((a) => a.agent).join(", ") || "none"} />
        <Stat
          label="Spread over"
          value={b.time.lastAfterStartMs === null ? "—" : formatSpan(b.time.lastAfterStartMs)}
          detail={b.time.last ? `last ${axisLabel(Date.parse(b.time.last), 0, zone, true)}` : "nothing downstream"}
        />
      </div>
      {truncated.length > 0 ? (
        <p role="note" className="flex items-start gap-2 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2 text-sm" data-testid="lineage-truncated">
          <WarnIcon className="mt-0.5 shrink-0 text-warn" />
          The walk stopped early ({truncated.join(", ")} limit): the counts cover the {formatCount(b.visited)} records it reached. Start from a record further down to see the rest.
        </p>
      ) : null}
      {o.missing.length > 0 ? (
        <p className="text-sm text-muted">
          Referenced but never stored: <span className="font-mono">{o.missing.slice(0, 5).join(", ")}</span>
          {o.missing.length > 5 ? ` and ${o.missing.length - 5} more` : ""}.
        </p>
      ) : null}
    </div>
  );
}

function DagPanel({ model, origin, blast, selected, onSelect, compact }: { model: LineageModel; origin: OriginView; blast: BlastRadiusView; selected: string | null; onSelect: (key: string | null) => void; compact: boolean }) {
  const zone = browserTimeZone();
  const count = model.nodes.length;
  // A time slice of many records is leaf state (its key depends on the drawing's width); a record is in the URL.
  const [bucket, setBucket] = useState<PlacedBucket | null>(null);
  const shown = bucket ? bucket.key : selected;
  return (
    <Panel
      id={compact ? undefined : "lineage-dag"}
      title="Upstream path and downstream spread"
      description={`Oldest on the left (${zoneName(zone)}), one lane per agent. Each record is drawn with the link that first reached it; arrows follow the taint.`}
      actions={<DagLegend />}
    >
      <div className={`flex flex-col gap-4 p-4 ${compact ? "" : "2xl:flex-row"}`}>
        <div className="max-h-[70vh] min-w-0 flex-1 overflow-auto rounded-lg border border-line bg-bg">
          {count === 0 ? <EmptyState title="Nothing to draw">No record upstream or downstream of this one.</EmptyState> : <LineageDag
              nodes={model.nodes}
              edges={model.edges}
              selected={shown}
              onSelect={(id) => {
                setBucket(null);
                onSelect(id);
              }}
              onSelectBucket={setBucket}
              recordHref={recordHref}
            />}
        </div>
        <div className={`w-full shrink-0 ${compact ? "" : "2xl:w-96"}`}>
          <SelectionCard
            model={model}
            selected={selected}
            bucket={bucket}
            onClear={() => {
              setBucket(null);
              onSelect(null);
            }}
            origin={origin}
            blast={blast}
          />
        </div>
      </div>
    </Panel>
  );
}

function DagLegend() {
  const items: { key: string; swatch: React.ReactNode; word: string }[] = [
    { key: "suspect", swatch: <LookIcon icon="cross" className="text-bad" />, word: "Suspect on its own (red, cross)" },
    { key: "tainted", swatch: <LookIcon icon="warn" className="text-warn" />, word: "Tainted from upstream (amber, dashed)" },
    { key: "clean", swatch: <LookIcon icon="check" className="text-muted" />, word: "Clean (grey)" },
    { key: "decision", swatch: <span className="inline-block h-2.5 w-2.5 rounded-[2px] border-2 border-muted" />, word: "Square: a decision (action, state write)" },
    { key: "cycle", swatch: <span className="font-bold text-bad">- -</span>, word: "Red dashes: a cycle (forged parent)" },
    { key: "back", swatch: <span className="font-bold text-muted">···</span>, word: "Dotted: parent later than child" },
    { key: "bucket", swatch: <span className="inline-block h-2.5 w-4 rounded-[2px] bg-warn/60 ring-1 ring-muted" />, word: "Bar: many records in a time slice; amber part tainted" },
  ];
  return (
    <ul aria-label="Legend" className="grid max-w-2xl grid-cols-1 gap-x-4 gap-y-0.5 text-xs sm:grid-cols-2">
      {items.map((i) => (
        <li key={i.key} className="flex items-center gap-1.5">
          <span className="inline-flex w-5 justify-center">{i.swatch}</span>
          {i.word}
        </li>
      ))}
    </ul>
  );
}

function SelectionCard({
  model,
  selected,
  bucket,
  onClear,
  origin,
  blast,
}: {
  model: LineageModel;
  selected: string | null;
  bucket: PlacedBucket | null;
  onClear: () => void;
  origin: OriginView;
  blast: BlastRadiusView;
}) {
  const zone = browserTimeZone();
  const now = useNow(60_000);
  const byId = useMemo(() => new Map(model.nodes.map((n) => [n.id, n])), [model]);
  if (selected === null && bucket === null) {
    return <p className="rounded-lg border border-dashed border-line px-3 py-2 text-sm text-muted">Choose a record or a bar in the drawing (click, or Tab and Enter) to see why it is there. Ctrl-click opens a record&apos;s page.</p>;
  }
  if (bucket) {
    const layoutIds = bucket.ids;
    return (
      <section aria-label="Selected records" data-testid="lineage-selection" className="rounded-xl border border-line bg-panel px-4 py-3">
        <div className="flex items-start justify-between gap-2">
          <div>
            <p className="text-sm font-semibold">{formatCount(layoutIds.length)} records in this slice</p>
            <p className="text-xs text-muted tabular-nums">
              {axisLabel(bucket.from, 0, zone, true)} – {axisLabel(bucket.to, 0, zone, true)} · {formatCount(bucket.tainted)} tainted · {formatCount(bucket.flagged)} suspect
            </p>
          </div>
          <button type="button" onClick={onClear} className="rounded-md border border-line px-2 py-0.5 text-xs hover:bg-raised">
            Clear
          </button>
        </div>
        <VirtualList
          items={layoutIds}
          rowHeight={30}
          height={Math.min(300, layoutIds.length * 30)}
          label="Records in the slice"
          getKey={(id) => id}
          renderRow={(id) => {
            const n = byId.get(id);
            return (
              <span className="flex items-center gap-2 text-sm">
                {n ? <LookIcon icon={nodeLook(n).icon} className={nodeLook(n).tone === "bad" ? "text-bad" : nodeLook(n).tone === "warn" ? "text-warn" : "text-muted"} /> : null}
                <Link href={recordHref(id)} className={`truncate font-mono ${linkClass}`}>
                  {id}
                </Link>
                <span className="truncate text-xs text-muted">{n?.kind}</span>
              </span>
            );
          }}
        />
      </section>
    );
  }
  const n = selected === null ? undefined : byId.get(selected);
  if (!n) return <p className="rounded-lg border border-dashed border-line px-3 py-2 text-sm text-muted">Record {selected} is not in this drawing.</p>;
  const look = nodeLook(n);
  const reasons = model.reasons.get(n.id) ?? [];
  const why = (model.why.get(n.id) ?? []).filter((w) => !reasons.some((r) => w.includes(r.detail)));
  const desc = blast.descendants.find((d) => d.id === n.id);
  return (
    <section aria-label="Selected record" data-testid="lineage-selection" className="rounded-xl border border-line bg-panel px-4 py-3">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <Link href={recordHref(n.id)} className={`block truncate font-mono text-sm font-semibold ${linkClass}`}>
            {n.id}
          </Link>
          <p className="text-xs text-muted">
            {roleWord(n.role)}
            {desc ? ` · ${desc.depth} hop${desc.depth === 1 ? "" : "s"} down` : ""}
          </p>
        </div>
        <button type="button" onClick={onClear} className="rounded-md border border-line px-2 py-0.5 text-xs hover:bg-raised">
          Clear
        </button>
      </div>
      <dl className="mt-2 grid grid-cols-[5rem_minmax(0,1fr)] gap-x-2 gap-y-1 text-sm">
        <dt className="text-muted">State</dt>
        <dd>
          <LookBadge look={look} />
        </dd>
        <dt className="text-muted">Agent</dt>
        <dd className="truncate font-mono">
          {n.agent ? (
            <Link href={agentFocusHref(n.agent, windowFor(n.ts, now.getTime()))} className={linkClass}>
              {n.agent}
            </Link>
          ) : (
            "not stored"
          )}
        </dd>
        <dt className="text-muted">Kind</dt>
        <dd className="font-mono">
          {n.kind ?? "—"}
          {n.actionClass ? ` (${n.actionClass})` : ""}
        </dd>
        <dt className="text-muted">Time</dt>
        <dd className="tabular-nums">{n.ts === null ? "unknown" : axisLabel(n.ts, 0, zone, true)}</dd>
      </dl>
      {reasons.length > 0 || why.length > 0 ? (
        <ul className="mt-2 flex flex-col gap-1 border-t border-line pt-2 text-sm">
          {reasons.map((r, i) => (
            <li key={`r${i}`} className="flex flex-wrap items-baseline gap-1.5">
              <LookBadge look={suspicionLook(r.kind)} />
              <span className="break-words">{r.detail}</span>
            </li>
          ))}
          {why.map((w, i) => (
            <li key={`w${i}`} className="break-words text-muted">
              {w}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-2 flex flex-wrap gap-3 border-t border-line pt-2 text-sm">
        <Link href={recordHref(n.id)} className={linkClass}>
          Open record
        </Link>
        {n.id !== origin.start ? (
          <Link href={lineageHref(n.id)} className={linkClass}>
            Lineage from here
          </Link>
        ) : null}
      </p>
    </section>
  );
}

function AgentCounts({ blast: b }: { blast: BlastRadiusView }) {
  const now = useNow(60_000);
  return (
    <Panel title="Downstream by agent" description="Exact counts over every record the walk reached, not just what the drawing shows.">
      {b.byAgent.length === 0 ? (
        <EmptyState title="Nothing downstream">No record depends on this one yet.</EmptyState>
      ) : (
        <Table label="Downstream records by agent">
          <thead>
            <tr>
              <Th>Agent</Th>
              <Th className="text-right">Records</Th>
              <Th className="text-right">Tainted</Th>
              <Th className="text-right">Decisions</Th>
              <Th className="text-right">Tainted decisions</Th>
            </tr>
          </thead>
          <tbody>
            {b.byAgent.map((a) => (
              <tr key={a.agent} data-agent-count={a.agent}>
                <Td>
                  <Link href={agentFocusHref(a.agent, windowFor(b.time.first ? Date.parse(b.time.first) : null, now.getTime()))} className={`font-mono ${linkClass}`}>
                    {a.agent}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{formatCount(a.records)}</Td>
                <Td className={`text-right tabular-nums ${a.tainted > 0 ? "font-semibold text-warn" : ""}`}>{formatCount(a.tainted)}</Td>
                <Td className="text-right tabular-nums">{formatCount(a.decisions)}</Td>
                <Td className={`text-right tabular-nums ${a.taintedDecisions > 0 ? "font-semibold text-bad" : ""}`}>
                  {a.taintedDecisions > 0 ? <WarnIcon className="mr-1 inline align-[-2px]" aria-hidden /> : null}
                  {formatCount(a.taintedDecisions)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

const SUSPECT_LIMIT = 200;

function SuspectList({ model }: { model: LineageModel }) {
  const zone = browserTimeZone();
  const suspects = useMemo(() => {
    const seen = new Set<string>();
    return model.nodes
      .filter((n) => n.flagged && !seen.has(n.id) && seen.add(n.id))
      .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  }, [model]);
  return (
    <Panel title="Suspect records" description="Suspect on their own: failed verification, a finding, a compromised agent or key, or an analyst's mark.">
      {suspects.length === 0 ? (
        <EmptyState title="No suspect records">Nothing here failed verification or drew a finding.</EmptyState>
      ) : (
        <Table label="Suspect records">
          <thead>
            <tr>
              <Th>Record</Th>
              <Th>Agent</Th>
              <Th>Why</Th>
              <Th>Time</Th>
            </tr>
          </thead>
          <tbody>
            {suspects.slice(0, SUSPECT_LIMIT).map((n) => (
              <tr key={n.id} data-suspect={n.id}>
                <Td>
                  <Link href={recordHref(n.id)} className={`font-mono whitespace-nowrap ${linkClass}`}>
                    {n.id}
                  </Link>
                  <span className="block text-xs text-muted">{roleWord(n.role)}</span>
                </Td>
                <Td className="font-mono">{n.agent ?? "—"}</Td>
                <Td>
                  <span className="flex flex-wrap gap-1">
                    {(model.reasons.get(n.id) ?? []).map((r, i) => (
                      <LookBadge key={i} look={suspicionLook(r.kind)} title={r.detail} />
                    ))}
                  </span>
                </Td>
                <Td className="text-xs tabular-nums">{n.ts === null ? "—" : axisLabel(n.ts, 0, zone, true)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {suspects.length > SUSPECT_LIMIT ? <p className="px-4 py-2 text-sm text-muted">and {formatCount(suspects.length - SUSPECT_LIMIT)} more, in the drawing.</p> : null}
    </Panel>
  );
}
