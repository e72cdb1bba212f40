"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo } from "react";
import type { BreakerView } from "@/lib/api/engine-views.ts";
import type { EdgeView } from "@/lib/api/views.ts";
import { formatCount, formatPercent } from "@/lib/view/format.ts";
import { STATE_RANK } from "@/lib/view/fleet-counts.ts";
import { windowPhrase, type WindowKey } from "@/lib/view/window.ts";
import { edgesQuery } from "../queries.ts";
import { ArrowRightIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { breakersQuery } from "./fleet-queries.ts";
import { agentHref, edgeHref, isBreakerState } from "./fleet-style.ts";
import { StateWord } from "./state-word.tsx";

export interface AgentEdgeRow {
  direction: "out" | "in";
  sender: string;
  receiver: string;
  traffic: EdgeView | null;
  breaker: BreakerView | null;
}

const rank = (s: string | undefined): number => (s !== undefined && isBreakerState(s) ? STATE_RANK[s] : 0);

/** Prepare: an agent's edges both ways, from traffic in the window and from breakers (an edge blocked all window has no traffic but matters most). Worst breaker first. */
export function agentEdgeRows(id: string, edges: readonly EdgeView[], breakers: readonly BreakerView[]): AgentEdgeRow[] {
  const rows = new Map<string, AgentEdgeRow>();
  const key = (s: string, r: string) => `${s}\u0000${r}`;
  const row = (sender: string, receiver: string): AgentEdgeRow | null => {
    if (sender !== id && receiver !== id) return null;
    const k = key(sender, receiver);
    let r = rows.get(k);
    if (!r) {
      r = { direction: sender === id ? "out" : "in", sender, receiver, traffic: null, breaker: null };
      rows.set(k, r);
    }
    return r;
  };
  for (const e of edges) {
    const r = row(e.sender, e.receiver);
    if (r) r.traffic = e;
  }
  for (const b of breakers) {
    const r = row(b.sender, b.receiver);
    if (r) r.breaker = b;
  }
  return [...rows.values()].sort(
    (a, b) =>
      rank(b.breaker?.state) - rank(a.breaker?.state) ||
      (a.direction === b.direction ? 0 : a.direction === "out" ? -1 : 1) ||
      (b.traffic?.total ?? 0) - (a.traffic?.total ?? 0) ||
      (a.sender + a.receiver < b.sender + b.receiver ? -1 : 1),
  );
}

export function AgentEdges({ id, window }: { id: string; window: WindowKey }) {
  const edges = useQuery(edgesQuery(window));
  const out = useQuery(breakersQuery({ sender: id }));
  const inc = useQuery(breakersQuery({ receiver: id }));
  const now = useNow();
  const rows = useMemo(
    () => agentEdgeRows(id, edges.data?.items ?? [], [...(out.data?.items ?? []), ...(inc.data?.items ?? [])]),
    [id, edges.data, out.data, inc.data],
  );
  const pending = edges.isPending || out.isPending || inc.isPending;
  const error = edges.error ?? out.error ?? inc.error;
  return (
    <Panel id="edges" title="Edges" description={`Messages to and from this agent ${windowPhrase(window)}, and the breaker on each edge now.`}>
      {pending ? (
        <LoadingRows label="Loading edges" />
      ) : error && rows.length === 0 ? (
        <ErrorState title="Could not load the edges" error={error} />
      ) : rows.length === 0 ? (
        <EmptyState title={`No messages to or from this agent ${windowPhrase(window)}`}>Choose a wider window to look further back.</EmptyState>
      ) : (
        <Table label="Edges of the agent">
          <thead>
            <tr>
              <Th>Direction</Th>
              <Th>Edge</Th>
              <Th>Breaker</Th>
              <Th className="text-right">Messages</Th>
              <Th>Verified</Th>
              <Th>Last message</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const peer = r.direction === "out" ? r.receiver : r.sender;
              return (
                <tr key={`${r.sender}\u0000${r.receiver}`} data-edge={`${r.sender}->${r.receiver}`} className="hover:bg-raised/60">
                  <Td className="text-xs text-muted">{r.direction === "out" ? "sends to" : "receives from"}</Td>
                  <Td>
                    <span className="flex items-center gap-2">
                      <Link href={edgeHref(r.sender, r.receiver)} className="inline-flex items-center gap-1 whitespace-nowrap font-mono text-sm text-accent underline-offset-2 hover:underline">
                        {r.sender}
                        <ArrowRightIcon className="text-muted" />
                        <span className="sr-only">to</span>
                        {r.receiver}
                      </Link>
                      <Link href={agentHref(peer)} className="text-xs text-muted hover:underline" title={`Open ${peer}'s page`}>
                        ({peer})
                      </Link>
                    </span>
                  </Td>
                  <Td>
                    <span className="flex flex-col items-start gap-0.5">
                      <StateWord state={r.breaker?.state ?? "CLOSED"} />
                      {r.breaker?.forced ? <span className="text-xs text-muted">{r.breaker.forced.actor}: {r.breaker.forced.reason}</span> : null}
                      {r.breaker?.awaitingReview ? <span className="text-xs text-bad">waiting for review</span> : null}
                    </span>
                  </Td>
                  <Td className="text-right tabular-nums">{formatCount(r.traffic?.total ?? 0)}</Td>
                  <Td className="tabular-nums">{r.traffic ? formatPercent(r.traffic.verifiedShare) : "—"}</Td>
                  <Td>
                    <TimeCell iso={r.traffic?.lastSeen ?? null} now={now} />
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
