"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { incidentsQuery } from "../incidents/incident-queries.ts";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { lineageHref } from "./lineage-model.ts";
import { LookBadge } from "./look-icon.tsx";
import { severityLook, statusLook } from "./styles.ts";

const inputClass = "w-full rounded-lg border border-line bg-bg px-3 py-2 font-mono text-sm focus:border-accent focus:outline-none";

/** Lineage without a record yet: look one up, or start from where the latest incidents began. */
export function LineageStart() {
  const router = useRouter();
  const [record, setRecord] = useState("");
  const [key, setKey] = useState("");
  const [at, setAt] = useState("");
  const [atError, setAtError] = useState<string | null>(null);
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)]">
      <div className="flex flex-col gap-4">
        <Panel title="Start from a record" description="Paste a firebreak record id from a finding, a trace or an alert.">
          <form
            role="search"
            className="flex flex-col gap-2 p-4 sm:flex-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (record.trim() !== "") router.push(lineageHref(record.trim()));
            }}
          >
            <label htmlFor="lineage-record" className="sr-only">
              Record id
            </label>
            <input id="lineage-record" value={record} onChange={(e) => setRecord(e.target.value)} placeholder="msg-planner-0001" className={inputClass} autoComplete="off" spellCheck={false} />
            <button type="submit" disabled={record.trim() === ""} className="shrink-0 rounded-lg bg-accent px-4 py-2 text-sm font-semibold whitespace-nowrap text-white disabled:opacity-50 dark:text-black">
              Trace lineage
            </button>
          </form>
        </Panel>
        <Panel title="Start from a state key" description="Which write put the current value there, and where that came from. Leave the time empty for the latest version.">
          <form
            className="flex flex-col gap-2 p-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (key.trim() === "") return;
              const q = new URLSearchParams({ key: key.trim() });
              if (at.trim() !== "") {
                const t = Date.parse(at.trim());
                if (Number.isNaN(t)) {
                  setAtError("the time must read like 2026-11-21T09:30:00Z");
                  return;
                }
                q.set("at", new Date(t).toISOString());
              }
              setAtError(null);
              router.push(`/lineage?${q.toString()}`);
            }}
          >
            <label htmlFor="lineage-key" className="text-sm font-medium">
              State key
            </label>
            <input id="lineage-key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="inventory/sku-123" className={inputClass} autoComplete="off" spellCheck={false} />
            <label htmlFor="lineage-at" className="text-sm font-medium">
              Current at (optional, RFC 3339)
            </label>
            <input id="lineage-at" value={at} onChange={(e) => setAt(e.target.value)} placeholder="2026-11-21T09:30:00Z" className={inputClass} aria-invalid={atError !== null} aria-describedby={atError ? "lineage-at-error" : undefined} />
            {atError ? (
              <p id="lineage-at-error" role="alert" className="text-sm text-bad">
                {atError}
              </p>
            ) : null}
            <button type="submit" disabled={key.trim() === ""} className="self-start rounded-lg border border-line bg-panel px-4 py-2 text-sm font-semibold hover:bg-raised disabled:opacity-50">
              Trace the version
            </button>
          </form>
        </Panel>
      </div>
      <RecentOrigins />
    </div>
  );
}

function RecentOrigins() {
  const q = useInfiniteQuery(incidentsQuery({ status: null, severity: null, window: null }, 10));
  const now = useNow();
  const items = q.data?.pages[0]?.items ?? [];
  return (
    <Panel title="Where the latest incidents started" description="Each incident's lineage origins: open one to see its path and blast radius.">
      {q.isPending ? (
        <LoadingRows label="Loading recent incidents" />
      ) : q.isError ? (
        <ErrorState title="Could not load incidents" error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No incidents yet">When findings are grouped into incidents, their origins appear here as starting points.</EmptyState>
      ) : (
        <ul className="divide-y divide-line" data-testid="recent-origins">
          {items.map((i) => (
            <li key={i.id} className="flex flex-col gap-1.5 px-5 py-3">
              <div className="flex flex-wrap items-center gap-2">
                <LookBadge look={severityLook(i.severity)} />
                <LookBadge look={statusLook(i.status)} />
                <Link href={`/incidents/${i.id}`} className="min-w-0 truncate font-medium text-accent underline-offset-2 hover:underline">
                  {i.title}
                </Link>
              </div>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <span className="text-muted">Origins:</span>
                {i.originIds.length === 0 ? <span className="text-muted">none found</span> : null}
                {i.originIds.slice(0, 4).map((o) => (
                  <Link key={o} href={lineageHref(o)} className="font-mono text-accent underline-offset-2 hover:underline" data-origin={o}>
                    {o}
                  </Link>
                ))}
                {i.originIds.length > 4 ? <span className="text-muted">+{i.originIds.length - 4} more</span> : null}
                <span className="ml-auto">
                  <TimeCell iso={i.lastAt} now={now} />
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
