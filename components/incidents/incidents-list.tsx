"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { SEVERITIES } from "@/lib/engine/incidents/severity.ts";
import { INCIDENT_STATUSES } from "@/lib/engine/incidents/status.ts";
import { formatCount } from "@/lib/view/format.ts";
import { WINDOW_KEYS, WINDOW_LABELS } from "@/lib/view/window.ts";
import { LIVE_REFETCH_MS } from "../query-client.ts";
import { LookBadge } from "../lineage/look-icon.tsx";
import { severityLook, statusLook } from "../lineage/styles.ts";
import { WarnIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { axisLabel, zoneName } from "../lineage/axis-label.ts";
import { incidentsQuery } from "./incident-queries.ts";
import { AgentLinks } from "./agent-links.tsx";
import { incidentFiltersSearch, parseIncidentFilters, type IncidentFilters } from "./incidents-url.ts";

const field = "h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg";

export function IncidentsList() {
  const params = useSearchParams();
  const pathname = usePathname();
  const filters = useMemo(() => parseIncidentFilters(params), [params]);
  const change = useCallback(
    (patch: Partial<IncidentFilters>) => {
      window.history.pushState(null, "", `${pathname}${incidentFiltersSearch({ ...parseIncidentFilters(new URLSearchParams(window.location.search)), ...patch })}`);
    },
    [pathname],
  );
  // Live: every loaded page is refetched in place, so the rows, the scroll position and the focus stay where they were.
  const q = useInfiniteQuery(incidentsQuery(filters));
  const now = useNow();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filters.status !== null || filters.severity !== null || filters.window !== null;
  const updated = q.dataUpdatedAt > 0 ? new Date(q.dataUpdatedAt) : null;
  const zone = browserTimeZone();

  return (
    <div className="flex flex-col gap-4">
      <form aria-label="Filter incidents" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Status
          <select value={filters.status ?? ""} onChange={(e) => change({ status: (e.target.value || null) as IncidentFilters["status"] })} className={field}>
            <option value="">all but merged</option>
            {INCIDENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLook(s).word}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Severity
          <select value={filters.severity ?? ""} onChange={(e) => change({ severity: (e.target.value || null) as IncidentFilters["severity"] })} className={field}>
            <option value="">any</option>
            {[...SEVERITIES].reverse().map((s) => (
              <option key={s} value={s}>
                {severityLook(s).word}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Active
          <select value={filters.window ?? ""} onChange={(e) => change({ window: (e.target.value || null) as IncidentFilters["window"] })} className={field}>
            <option value="">any time</option>
            {WINDOW_KEYS.map((w) => (
              <option key={w} value={w}>
                {WINDOW_LABELS[w].toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        {filtered ? (
          <button type="button" onClick={() => change({ status: null, severity: null, window: null })} className="flex h-9 items-center px-1 text-sm text-muted underline-offset-2 hover:text-fg hover:underline">
            Clear filters
          </button>
        ) : null}
        <p className="ml-auto text-xs text-muted" aria-live="polite" data-testid="incidents-status">
          {updated ? `Live · refreshes every ${LIVE_REFETCH_MS / 1000} s · updated ${axisLabel(updated.getTime(), 0, zone)} ${zoneName(zone)}` : "Loading…"}
          {q.isFetching && !q.isPending ? " · updating…" : ""}
        </p>
      </form>
      <Panel id="incidents" title="Incidents" description="Open first, then the most severe, then the latest activity. Findings that share lineage are one incident.">
        {q.isError && q.data ? (
          <p role="alert" className="flex items-center gap-2 border-b border-line bg-bad-soft px-5 py-2 text-sm text-bad">
            <WarnIcon /> Refresh failed: {q.error.message}; showing the last answer.
          </p>
        ) : null}
        {q.isPending ? (
          <LoadingRows label="Loading incidents" rows={6} />
        ) : q.isError && !q.data ? (
          <ErrorState title="Could not load the incidents" error={q.error} onRetry={() => void q.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={filtered ? "No incidents match these filters" : "No incidents"} icon={<WarnIcon />}>
            {filtered ? "Clear a filter to widen the list." : "Nothing has been grouped into an incident: findings from the detectors, caps and verification open one here."}
          </EmptyState>
        ) : (
          <>
            <Table label="Incidents">
              <thead>
                <tr>
                  <Th>Severity</Th>
                  <Th>Status</Th>
                  <Th>Incident</Th>
                  <Th>Agents</Th>
                  <Th>First seen</Th>
                  <Th>Last seen</Th>
                  <Th className="text-right">Findings</Th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.id} data-incident={i.id} className="hover:bg-raised/60">
                    <Td>
                      <LookBadge look={severityLook(i.severity)} />
                    </Td>
                    <Td>
                      <LookBadge look={statusLook(i.status)} title={i.status === "merged" && i.mergedInto ? `merged into incident ${i.mergedInto}` : undefined} />
                    </Td>
                    <Td className="max-w-md">
                      <Link href={`/incidents/${i.id}`} className="font-medium text-accent underline-offset-2 hover:underline">
                        {i.title}
                      </Link>
                      <span className="block text-xs text-muted">
                        #{i.id}
                        {i.maxImpact !== null ? ` · impact ${formatCount(Math.round(i.maxImpact))}` : ""}
                        {i.acknowledgedBy && i.status === "acknowledged" ? ` · on it: ${i.acknowledgedBy}` : ""}
                      </span>
                    </Td>
                    <Td>
                      <AgentLinks agents={i.agents} max={3} at={Date.parse(i.firstAt)} />
                    </Td>
                    <Td>
                      <TimeCell iso={i.firstAt} now={now} />
                    </Td>
                    <Td>
                      <TimeCell iso={i.lastAt} now={now} />
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(i.findingCount)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {q.hasNextPage ? (
              <div className="flex justify-center border-t border-line p-3">
                <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage} className="rounded-lg border border-line px-3 py-1.5 text-sm hover:bg-raised disabled:opacity-60">
                  {q.isFetchingNextPage ? "Loading…" : "Show more"}
                </button>
              </div>
            ) : null}
          </>
        )}
      </Panel>
    </div>
  );
}
