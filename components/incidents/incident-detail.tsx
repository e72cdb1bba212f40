"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { FindingView } from "@/lib/api/engine-views.ts";
import { IncidentNoteView, IncidentSummaryView, type IncidentDetail } from "@/lib/api/incident-views.ts";
import { formatCount } from "@/lib/view/format.ts";
import { apiRequest } from "../api-client.ts";
import { ApiError } from "../api-error.ts";
import { axisLabel } from "../lineage/axis-label.ts";
import { lineageHref } from "../lineage/lineage-model.ts";
import { LineageView } from "../lineage/lineage-view.tsx";
import { LookBadge } from "../lineage/look-icon.tsx";
import { detectorLabel, severityLook, statusLook } from "../lineage/styles.ts";
import { IdLinks, recordHref } from "../records/record-detail.tsx";
import { WarnIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { AgentLinks } from "./agent-links.tsx";
import { incidentQuery } from "./incident-queries.ts";
import { IncidentTimeline } from "./incident-timeline.tsx";
import { formatSpan } from "./timeline-math.ts";

const linkClass = "text-accent underline-offset-2 hover:underline";

export function IncidentDetailScreen({ id }: { id: string }) {
  const q = useQuery(incidentQuery(id));
  if (q.isPending) return <LoadingRows label={`Loading incident ${id}`} rows={8} />;
  if (q.isError && !q.data) {
    return (
      <div className="rounded-xl border border-line bg-panel">
        {q.error instanceof ApiError && q.error.status === 404 ? (
          <EmptyState title={`No incident has the id ${id}`} icon={<WarnIcon />}>
            {q.error.message}. <Link href="/incidents" className={linkClass}>Back to the incidents</Link>
          </EmptyState>
        ) : (
          <ErrorState title="Could not load the incident" error={q.error} onRetry={() => void q.refetch()} />
        )}
      </div>
    );
  }
  const d = q.data;
  return (
    <div className="flex flex-col gap-4" data-testid="incident-detail" data-incident={d.incident.id}>
      {q.isError ? (
        <p role="alert" className="rounded-lg bg-bad-soft px-3 py-2 text-sm text-bad">
          Refresh failed: {q.error.message}; showing the last answer.
        </p>
      ) : null}
      <Header d={d} />
      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <Panel id="timeline" title="Timeline" description="Findings, breaker transitions on links among its agents, and what people and the engine did, on one time axis.">
            <IncidentTimeline entries={d.timeline} />
          </Panel>
          <Findings findings={d.findings} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Actions d={d} />
          <Notes d={d} />
          <Panel title="Agents involved" description="Each finding's agent and those on its lineage path. Opens the graph focused on the agent.">
            <div className="px-5 py-4">
              <AgentLinks agents={d.agents} at={Date.parse(d.incident.firstAt)} />
            </div>
          </Panel>
          {d.related.length > 0 ? <Related d={d} /> : null}
        </div>
      </div>
      <LineageSection d={d} />
    </div>
  );
}

function Header({ d }: { d: IncidentDetail }) {
  const i = d.incident;
  const now = useNow();
  return (
    <section aria-label="Incident" className="rounded-xl border border-line bg-panel px-5 py-4 shadow-sm">
      <div className="flex flex-wrap items-center gap-2">
        <LookBadge look={severityLook(i.severity)} testId="incident-severity" />
        <LookBadge look={statusLook(i.status)} testId="incident-status" />
        <span className="font-mono text-sm text-muted">#{i.id}</span>
      </div>
      <h2 className="mt-2 text-xl font-semibold break-words" data-testid="incident-title">
        {i.title}
      </h2>
      {i.status === "merged" && i.mergedInto ? (
        <p className="mt-2 rounded-lg border border-line bg-raised px-3 py-2 text-sm">
          Merged: its findings are now in{" "}
          <Link href={`/incidents/${i.mergedInto}`} className={linkClass}>
            incident {i.mergedInto}
          </Link>
          . Act there.
        </p>
      ) : null}
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <div>
          <dt className="text-xs text-muted">First seen</dt>
          <dd>
            <TimeCell iso={i.firstAt} now={now} />
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Last seen</dt>
          <dd>
            <TimeCell iso={i.lastAt} now={now} />
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Spread over</dt>
          <dd className="tabular-nums">{formatSpan(Date.parse(i.lastAt) - Date.parse(i.firstAt))}</dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Findings</dt>
          <dd className="tabular-nums">{formatCount(i.findingCount)}</dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Largest impact</dt>
          <dd className="tabular-nums" title="deviation x (1 + downstream reach)">
            {i.maxImpact === null ? "not scored" : formatCount(Math.round(i.maxImpact))}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Origins</dt>
          <dd>{i.originIds.length === 0 ? <span className="text-muted">none found</span> : <IdLinks ids={i.originIds.slice(0, 3)} />}</dd>
        </div>
      </dl>
    </section>
  );
}

function useIncidentAction<T>(id: string, run: () => Promise<T>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ["incident", id] }), client.invalidateQueries({ queryKey: ["incidents"] })]),
  });
}

function Actions({ d }: { d: IncidentDetail }) {
  const i = d.incident;
  const zone = browserTimeZone();
  const [reason, setReason] = useState("");
  const ack = useIncidentAction(i.id, () => apiRequest("POST", `/api/v1/incidents/${encodeURIComponent(i.id)}/acknowledge`, IncidentSummaryView));
  const resolve = useIncidentAction(i.id, () => apiRequest("POST", `/api/v1/incidents/${encodeURIComponent(i.id)}/resolve`, IncidentSummaryView, { body: { reason: reason.trim() } }));
  const canAck = i.status === "open";
  const canResolve = i.status === "open" || i.status === "acknowledged";
  return (
    <Panel id="incident-actions" title="Status" description="Acknowledge to say you are on it; resolve with how it was dealt with. Both are recorded with your name.">
      <div className="flex flex-col gap-3 px-5 py-4 text-sm">
        {i.acknowledgedBy ? (
          <p>
            <LookBadge look={statusLook("acknowledged")} /> by <b>{i.acknowledgedBy}</b>
            {i.acknowledgedAt ? <span className="text-muted tabular-nums"> · {axisLabel(Date.parse(i.acknowledgedAt), 0, zone, true)}</span> : null}
          </p>
        ) : null}
        {i.status === "resolved" ? (
          <div data-testid="resolution">
            <p>
              <LookBadge look={statusLook("resolved")} /> by <b>{i.resolvedBy ?? "?"}</b>
              {i.resolvedAt ? <span className="text-muted tabular-nums"> · {axisLabel(Date.parse(i.resolvedAt), 0, zone, true)}</span> : null}
            </p>
            {i.resolution ? <p className="mt-1 rounded-md bg-raised px-3 py-2 break-words whitespace-pre-wrap">{i.resolution}</p> : null}
            <p className="mt-1 text-xs text-muted">New findings open a new incident; notes are still welcome here.</p>
          </div>
        ) : null}
        {canAck ? (
          <button type="button" onClick={() => ack.mutate()} disabled={ack.isPending} className="self-start rounded-lg bg-accent px-4 py-2 font-semibold text-white hover:opacity-90 disabled:opacity-60 dark:text-black">
            {ack.isPending ? "Acknowledging…" : "Acknowledge"}
          </button>
        ) : null}
        {ack.isError ? <ActionError error={ack.error} /> : null}
        {canResolve ? (
          <form
            className="flex flex-col gap-2 border-t border-line pt-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim() !== "") resolve.mutate(undefined, { onSuccess: () => setReason("") });
            }}
          >
            <label htmlFor="resolve-reason" className="font-medium">
              Resolve: how was it dealt with?
            </label>
            <textarea
              id="resolve-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={3}
              required
              maxLength={4000}
              placeholder="Revoked planner's key k1, replayed the orders it tainted…"
              className="rounded-lg border border-line bg-bg px-3 py-2 focus:border-accent focus:outline-none"
            />
            <button type="submit" disabled={reason.trim() === "" || resolve.isPending} className="self-start rounded-lg border border-line bg-panel px-4 py-2 font-semibold hover:bg-raised disabled:opacity-50">
              {resolve.isPending ? "Resolving…" : "Resolve incident"}
            </button>
            {reason.trim() === "" ? <p className="text-xs text-muted">A reason is required: it is stored with your name.</p> : null}
            {resolve.isError ? <ActionError error={resolve.error} /> : null}
          </form>
        ) : null}
      </div>
    </Panel>
  );
}

function ActionError({ error }: { error: unknown }) {
  return (
    <p role="alert" className="flex items-start gap-2 rounded-lg bg-bad-soft px-3 py-2 text-bad" data-testid="action-error">
      <WarnIcon className="mt-0.5 shrink-0" />
      <span>
        {error instanceof Error ? error.message : "the action failed"}
        {error instanceof ApiError && error.status > 0 ? ` (HTTP ${error.status})` : ""}
      </span>
    </p>
  );
}

function Notes({ d }: { d: IncidentDetail }) {
  const i = d.incident;
  const zone = browserTimeZone();
  const [text, setText] = useState("");
  const add = useIncidentAction(i.id, () => apiRequest("POST", `/api/v1/incidents/${encodeURIComponent(i.id)}/notes`, IncidentNoteView, { body: { text: text.trim() } }));
  return (
    <Panel id="incident-notes" title="Notes" description="What you found and did, for the next person on call and the post-mortem.">
      <div className="flex flex-col gap-3 px-5 py-4 text-sm">
        {d.notes.length === 0 ? <p className="text-muted">No notes yet.</p> : null}
        <ol className="flex flex-col gap-2" aria-label="Notes, oldest first" data-testid="incident-notes">
          {d.notes.map((n) => (
            <li key={n.id} className="rounded-lg bg-raised px-3 py-2">
              <p className="text-xs text-muted">
                <b className="text-fg">{n.author}</b> · <time dateTime={n.at}>{axisLabel(Date.parse(n.at), 0, zone, true)}</time>
              </p>
              <p className="mt-0.5 break-words whitespace-pre-wrap">{n.text}</p>
            </li>
          ))}
        </ol>
        {i.status === "merged" ? (
          <p className="text-muted">Merged incidents take no notes: write on incident {i.mergedInto}.</p>
        ) : (
          <form
            className="flex flex-col gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (text.trim() !== "") add.mutate(undefined, { onSuccess: () => setText("") });
            }}
          >
            <label htmlFor="note-text" className="font-medium">
              Add a note
            </label>
            <textarea id="note-text" value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={10000} className="rounded-lg border border-line bg-bg px-3 py-2 focus:border-accent focus:outline-none" />
            <button type="submit" disabled={text.trim() === "" || add.isPending} className="self-start rounded-lg border border-line bg-panel px-4 py-2 font-semibold hover:bg-raised disabled:opacity-50">
              {add.isPending ? "Saving…" : "Add note"}
            </button>
            {add.isError ? <ActionError error={add.error} /> : null}
          </form>
        )}
      </div>
    </Panel>
  );
}

function Related({ d }: { d: IncidentDetail }) {
  return (
    <Panel title="Related incidents" description="Tied by a finding: merged in, or linked because an analyst had already acted.">
      <ul className="divide-y divide-line text-sm">
        {d.related.map((r) => (
          <li key={`${r.relation}:${r.id}`} className="flex flex-wrap items-center gap-2 px-5 py-2">
            <LookBadge look={severityLook(r.severity)} />
            <Link href={`/incidents/${r.id}`} className={`min-w-0 truncate ${linkClass}`}>
              #{r.id} {r.title}
            </Link>
            <span className="text-xs text-muted">{r.relation === "merged_in" ? "merged in" : "linked"}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function Findings({ findings }: { findings: readonly FindingView[] }) {
  const zone = browserTimeZone();
  return (
    <Panel id="findings" title={`Findings (${formatCount(findings.length)})`} description="What each detector, cap or check saw, in plain words, with the numbers it used.">
      {findings.length === 0 ? (
        <EmptyState title="No findings">This incident holds no findings (they were merged elsewhere).</EmptyState>
      ) : (
        <ol className="divide-y divide-line">
          {findings.map((f) => (
            <li key={f.id} className="px-5 py-3" data-finding={f.id}>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span className="inline-flex items-center gap-1 font-semibold text-warn">
                  <WarnIcon /> {detectorLabel(f.detector)}
                </span>
                {f.agent ? <span className="font-mono">{f.agent}</span> : null}
                {f.recordId ? (
                  <Link href={recordHref(f.recordId)} className={`font-mono text-xs ${linkClass}`}>
                    {f.recordId}
                  </Link>
                ) : null}
                <time dateTime={f.at} className="ml-auto text-xs text-muted tabular-nums">
                  {axisLabel(Date.parse(f.at), 0, zone, true)}
                </time>
              </div>
              <p className="mt-1 text-sm break-words">{f.explanation}</p>
              <dl className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1 text-xs">
                <Param name="subject" value={f.subject} />
                {f.score !== null ? <Param name="score" value={round(f.score)} /> : null}
                {f.impact !== null ? <Param name="impact" value={round(f.impact)} /> : null}
                {f.reach !== null ? <Param name="reach" value={formatCount(f.reach)} /> : null}
                {Object.entries(f.params).map(([k, v]) => (
                  <Param key={k} name={k} value={v === null ? "null" : typeof v === "number" ? round(v) : String(v)} />
                ))}
              </dl>
              {f.evidence.length > 0 ? (
                <p className="mt-1 text-xs">
                  <span className="text-muted">Evidence: </span>
                  <IdLinks ids={f.evidence.slice(0, 8)} />
                  {f.evidence.length > 8 ? <span className="text-muted"> +{f.evidence.length - 8} more</span> : null}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

const round = (n: number): string => (Number.isInteger(n) ? formatCount(n) : n.toFixed(Math.abs(n) < 10 ? 2 : 1));

function Param({ name, value }: { name: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt className="text-muted">{name}</dt>
      <dd className="font-mono">{value}</dd>
    </div>
  );
}

/** The incident's origins, one at a time, with the full lineage view embedded. */
function LineageSection({ d }: { d: IncidentDetail }) {
  const origins = d.incident.originIds;
  const [chosen, setChosen] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const current = chosen !== null && origins.includes(chosen) ? chosen : (origins[0] ?? null);
  return (
    <section aria-labelledby="incident-lineage-title" className="flex flex-col gap-3" data-testid="incident-lineage">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="incident-lineage-title" className="text-lg font-semibold">
            Lineage
          </h2>
          <p className="text-sm text-muted">Where this incident started and everything downstream of it.</p>
        </div>
        {current ? (
          <Link href={lineageHref(current)} className="rounded-lg border border-line bg-panel px-3 py-1.5 text-sm font-medium hover:bg-raised" data-testid="open-lineage">
            Open the full lineage view
          </Link>
        ) : null}
      </div>
      {origins.length > 1 ? (
        <div role="tablist" aria-label="Origins" className="flex flex-wrap gap-2">
          {origins.map((o) => (
            <button
              key={o}
              type="button"
              role="tab"
              aria-selected={o === current}
              onClick={() => {
                setChosen(o);
                setSelected(null);
              }}
              className={`rounded-lg border px-3 py-1 font-mono text-sm ${o === current ? "border-accent bg-accent-soft text-accent" : "border-line bg-panel hover:bg-raised"}`}
            >
              {o}
            </button>
          ))}
        </div>
      ) : null}
      {current ? (
        <LineageView key={current} record={current} selected={selected} onSelect={setSelected} compact />
      ) : (
        <div className="rounded-xl border border-line bg-panel">
          <EmptyState title="No lineage origin found">Its findings have no record, or no origin was found within the grouping bounds. Look at each finding&apos;s record above.</EmptyState>
        </div>
      )}
    </section>
  );
}
