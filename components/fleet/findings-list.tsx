"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { FindingView } from "@/lib/api/engine-views.ts";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { agentFindingsQuery } from "./fleet-queries.ts";
import { impactPhrase, lineageHref, recordHref } from "./fleet-style.ts";

/** "semantic_deviation" -> "Semantic deviation". */
export const detectorLabel = (d: string): string => {
  const w = d.replace(/^cap_/, "cap: ").replace(/_/g, " ");
  return w.charAt(0).toUpperCase() + w.slice(1);
};

export function FindingRow({ f, now }: { f: Pick<FindingView, "id" | "detector" | "recordId" | "subject" | "explanation" | "at" | "impact" | "reach">; now: Date }) {
  return (
    <li data-finding={f.id} className="flex flex-col gap-1 px-5 py-3 sm:flex-row sm:items-start sm:gap-4">
      <div className="w-40 shrink-0">
        <TimeCell iso={f.at} now={now} />
      </div>
      <div className="min-w-0 flex-1">
        <p className="text-sm">
          <span className="font-semibold">{detectorLabel(f.detector)}</span>
          <span className="ml-2 font-mono text-xs text-muted">{f.subject}</span>
        </p>
        <p className="text-sm">{f.explanation}</p>
        <p className="text-xs text-muted">{impactPhrase(f.impact, f.reach)}</p>
      </div>
      {f.recordId ? (
        <div className="flex shrink-0 gap-3 text-xs">
          <Link href={recordHref(f.recordId)} className="text-accent underline-offset-2 hover:underline">
            Record
          </Link>
          <Link href={lineageHref(f.recordId)} className="text-accent underline-offset-2 hover:underline">
            Lineage
          </Link>
        </div>
      ) : null}
    </li>
  );
}

/** The agent's latest findings, newest first, each with its explanation and the way to its record. */
export function AgentFindings({ agent }: { agent: string }) {
  const q = useQuery(agentFindingsQuery(agent));
  const now = useNow();
  return (
    <Panel id="findings" title="Recent findings" description="What the detectors and caps found about this agent, newest first.">
      {q.isPending ? (
        <LoadingRows label="Loading findings" />
      ) : q.isError && !q.data ? (
        <ErrorState title="Could not load the findings" error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title="No findings about this agent">Nothing it sent looked out of the ordinary.</EmptyState>
      ) : (
        <ul className="divide-y divide-line" aria-label="Findings">
          {q.data.items.map((f) => (
            <FindingRow key={f.id} f={f} now={now} />
          ))}
        </ul>
      )}
    </Panel>
  );
}
