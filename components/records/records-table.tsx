"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { recordsQuery, type RecordFilters } from "../queries.ts";
import { ArrowRightIcon } from "../ui/icons.tsx";
import { anyFilterSet, PagedListPanel } from "../ui/paged-list-panel.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { VerdictChip } from "../ui/verdict-chip.tsx";

export function RecordsTable({ filters }: { filters: RecordFilters }) {
  // Paged lists refresh on demand: refetching every loaded page every few seconds would be most of the server's work.
  const q = useInfiniteQuery({ ...recordsQuery(filters), refetchInterval: false });
  const now = useNow();
  return (
    <PagedListPanel
      id="records"
      title="Records"
      description="Newest first by the record's own timestamp. Failed records are kept as evidence."
      query={q}
      filtered={anyFilterSet(filters)}
      words={{
        loading: "Loading records",
        failed: "Could not load the records",
        noMatch: "No records match these filters",
        none: { title: "No records yet", body: "Records appear here as agents send them to the collector — see the README." },
        shown: (n) => `${n} record${n === 1 ? "" : "s"} shown`,
        end: "End of the list",
      }}
    >
      {(items) => (
      <Table label="Records">
        <thead>
          <tr>
            <Th>Time</Th>
            <Th>Kind</Th>
            <Th>Sender → receivers</Th>
            <Th>Intent</Th>
            <Th>Verdicts</Th>
            <Th>Record id</Th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.seq} data-record={r.id} className="hover:bg-raised/60">
              <Td>
                <TimeCell iso={r.timestamp} now={now} />
              </Td>
              <Td className="whitespace-nowrap font-mono text-xs">{r.kind}</Td>
              <Td>
                <span className="inline-flex flex-wrap items-center gap-1.5 font-mono text-sm">
                  <span className="font-medium">{r.agent}</span>
                  {r.receivers.length > 0 ? (
                    <>
                      <ArrowRightIcon className="shrink-0 text-muted" />
                      <span className="sr-only">to</span>
                      <span>{r.receivers.join(", ")}</span>
                    </>
                  ) : null}
                </span>
              </Td>
              <Td className="font-mono text-xs">{r.intent ?? <span className="text-muted">—</span>}</Td>
              <Td>
                <span className="flex flex-wrap gap-1">
                  {r.verdictDetails.map((v) => (
                    <span key={`${v.verdict}:${v.detail ?? ""}`} title={v.detail}>
                      <VerdictChip verdict={v.verdict} />
                    </span>
                  ))}
                </span>
              </Td>
              <Td className="max-w-48 truncate font-mono text-xs text-muted" title={r.id}>
                <Link href={`/traces/${r.traceId}?span=${r.spanId}`} className="text-accent underline-offset-2 hover:underline" aria-label={`${r.id}: open in its trace`}>
                  {r.id}
                </Link>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      )}
    </PagedListPanel>
  );
}
