"use client";

import Link from "next/link";
import { agentHref } from "../fleet/fleet-style.ts";
import { useQuery } from "@tanstack/react-query";
import { windowPhrase, type WindowKey } from "@/lib/view/window.ts";
import { agentsSummaryQuery } from "../queries.ts";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useNow } from "../ui/use-now.ts";
import { VerificationCells } from "../ui/verification-cells.tsx";
import { AgentBadges } from "./agent-badges.tsx";
import { NoRecordsYet } from "../overview/no-records-yet.tsx";

export function AgentsTable({ window, collectorUrl }: { window: WindowKey; collectorUrl: string }) {
  const q = useQuery(agentsSummaryQuery(window));
  const now = useNow();
  return (
    <Panel id="agents" title="Agents" description={`Records each agent sent ${windowPhrase(window)}, and how they fared at the door.`}>
      {q.isPending ? (
        <LoadingRows label="Loading agents" />
      ) : q.isError ? (
        <ErrorState title="Could not load the agents" error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        q.data.hasRecords ? (
          <EmptyState title={`No agent sent records ${windowPhrase(window)}`}>Choose a wider window to look further back.</EmptyState>
        ) : (
          <NoRecordsYet collectorUrl={collectorUrl} />
        )
      ) : (
        <>
        {q.data.hasRecords ? null : <NoRecordsYet collectorUrl={collectorUrl} />}
        <Table label="Agents">
          <thead>
            <tr>
              <Th>Agent</Th>
              <Th>Status</Th>
              <Th className="text-right">Sent</Th>
              <Th>Verified</Th>
              <Th>Failures by verdict</Th>
              <Th>Last seen</Th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((a) => (
              <tr key={a.id} data-agent={a.id} className="hover:bg-raised/60">
                <Td>
                  <Link href={agentHref(a.id)} className="block whitespace-nowrap font-mono text-sm font-medium text-accent underline-offset-2 hover:underline">
                    {a.id}
                  </Link>
                  <span className="block text-xs text-muted">{a.displayName ?? "not in the registry"}</span>
                </Td>
                <Td>
                  <AgentBadges registered={a.registered} attested={a.attested} />
                </Td>
                <VerificationCells count={a.sent} verifiedShare={a.verifiedShare} byVerdict={a.byVerdict} lastSeen={a.lastSeen} now={now} />
              </tr>
            ))}
          </tbody>
        </Table>
        </>
      )}
    </Panel>
  );
}
