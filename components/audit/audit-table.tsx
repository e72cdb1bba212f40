"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { auditActionLabel } from "@/lib/view/export-href.ts";
import { anyFilterSet, PagedListPanel } from "../ui/paged-list-panel.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { auditEntriesQuery, type AuditFilters } from "./audit-queries.ts";

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

export function AuditTable({ filters }: { filters: AuditFilters }) {
  const q = useInfiniteQuery({ ...auditEntriesQuery(filters), refetchInterval: false });
  const now = useNow();
  return (
    <PagedListPanel
      id="audit-entries"
      title="Audit trail"
      description="Every human action, newest first. Each entry's hash covers the one before it."
      query={q}
      filtered={anyFilterSet(filters)}
      words={{
        loading: "Loading the audit trail",
        failed: "Could not load the audit trail",
        noMatch: "No entries match these filters",
        none: { title: "No audit entries yet", body: "Sign-ins, kill switches, approvals, notes and exports appear here as people act." },
        shown: (n) => `${n} entr${n === 1 ? "y" : "ies"} shown`,
        end: "End of the trail",
      }}
    >
      {(items) => (
      <Table label="Audit entries">
        <thead>
          <tr>
            <Th className="w-16">#</Th>
            <Th>When</Th>
            <Th>Who</Th>
            <Th>What</Th>
            <Th>Target</Th>
            <Th>Detail</Th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.seq} data-audit-seq={e.seq} className="hover:bg-raised/60">
              <Td className="font-mono text-xs text-muted tabular-nums">{e.seq}</Td>
              <Td>
                <TimeCell iso={e.at} now={now} />
              </Td>
              <Td className="whitespace-nowrap font-medium">{e.actor}</Td>
              <Td>
                <span className="flex flex-col leading-tight">
                  <span className="text-sm">{auditActionLabel(e.action)}</span>
                  <span className="font-mono text-xs text-muted">{e.action}</span>
                </span>
              </Td>
              <Td className="font-mono text-xs">{e.target || <span className="text-muted">—</span>}</Td>
              <Td className="max-w-md truncate text-xs text-muted" title={detailText(e.detail)}>
                {detailText(e.detail) || "—"}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      )}
    </PagedListPanel>
  );
}
