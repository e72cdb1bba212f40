"use client";

import Link from "next/link";
import { edgeHref } from "../fleet/fleet-style.ts";
import { useQuery } from "@tanstack/react-query";
import { windowPhrase, type WindowKey } from "@/lib/view/window.ts";
import { edgesQuery } from "../queries.ts";
import { ArrowRightIcon, OverviewIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { useNow } from "../ui/use-now.ts";
import { VerificationCells } from "../ui/verification-cells.tsx";

export function EdgesTable({ window }: { window: WindowKey }) {
  const q = useQuery(edgesQuery(window));
  const now = useNow();
  return (
    <Panel id="edges" title="Edges" description={`Messages from one agent to another ${windowPhrase(window)}; a message to several receivers counts on each edge.`}>
      {q.isPending ? (
        <LoadingRows label="Loading edges" />
      ) : q.isError ? (
        <ErrorState title="Could not load the edges" error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title={`No messages between agents ${windowPhrase(window)}`} icon={<OverviewIcon />}>
          Edges appear when agents send <code className="font-mono">message</code> records to each other. Choose a wider window to look further back.
        </EmptyState>
      ) : (
        <Table label="Edges">
          <thead>
            <tr>
              <Th>Sender → receiver</Th>
              <Th className="text-right">Messages</Th>
              <Th>Verified</Th>
              <Th>Failures by verdict</Th>
              <Th>Last seen</Th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((e) => (
              <tr key={`${e.sender}\u0000${e.receiver}`} data-edge={`${e.sender}->${e.receiver}`} className="hover:bg-raised/60">
                <Td>
                  <Link href={edgeHref(e.sender, e.receiver)} className="inline-flex items-center gap-1.5 whitespace-nowrap font-mono text-sm text-accent underline-offset-2 hover:underline">
                    <span className="font-medium">{e.sender}</span>
                    <ArrowRightIcon className="shrink-0 text-muted" />
                    <span className="sr-only">to</span>
                    <span className="font-medium">{e.receiver}</span>
                  </Link>
                </Td>
                <VerificationCells count={e.total} verifiedShare={e.verifiedShare} byVerdict={e.byVerdict} lastSeen={e.lastSeen} now={now} />
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
