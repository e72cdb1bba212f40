"use client";

import { useQuery } from "@tanstack/react-query";
import { overviewStats } from "@/lib/view/agent-status.ts";
import { formatCount, formatPercent, shareTone } from "@/lib/view/format.ts";
import type { WindowKey } from "@/lib/view/window.ts";
import { agentsSummaryQuery } from "../queries.ts";
import { TONE_TEXT, ToneIcon } from "../ui/tone.tsx";

function Stat({ label, value, hint }: { label: string; value: React.ReactNode; hint?: string }) {
  return (
    <div className="rounded-xl border border-line bg-panel px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-muted">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

/** Headline numbers for the window, from the same query as the agents table (one fetch). */
export function OverviewStats({ window }: { window: WindowKey }) {
  const q = useQuery(agentsSummaryQuery(window));
  const s = q.data ? overviewStats(q.data.items) : null;
  const tone = shareTone(s?.verifiedShare);
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-busy={q.isPending}>
      <Stat label="Records" value={s ? formatCount(s.records) : "…"} hint="sent in the window" />
      <Stat
        label="Verified"
        value={
          s ? (
            <span className="inline-flex items-center gap-2">
              {s.verifiedShare === null ? null : <ToneIcon tone={tone} className={`text-xl ${TONE_TEXT[tone]}`} />}
              {formatPercent(s.verifiedShare)}
            </span>
          ) : (
            "…"
          )
        }
        hint={s ? `${formatCount(s.verified)} of ${formatCount(s.records)} records` : undefined}
      />
      <Stat label="Active agents" value={s ? formatCount(s.activeAgents) : "…"} hint="sent at least one record" />
      <Stat label="Unregistered senders" value={s ? formatCount(s.unregisteredSenders) : "…"} hint="not in the registry" />
    </dl>
  );
}
