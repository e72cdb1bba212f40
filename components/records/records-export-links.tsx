import { recordsExportHref } from "@/lib/view/export-href.ts";
import type { RecordFilters } from "../queries.ts";

/** Downloads of every record matching the current filters; each export is audited. */
export function RecordsExportLinks({ filters }: { filters: RecordFilters }) {
  const link = "flex h-9 items-center rounded-lg border border-line px-3 text-sm font-medium text-fg hover:bg-raised";
  return (
    <div className="ml-auto flex items-end gap-2" role="group" aria-label="Export the filtered records">
      <a href={recordsExportHref({ ...filters }, "csv")} download className={link} title="Every matching record as CSV (recorded in the audit trail)">
        Export CSV
      </a>
      <a href={recordsExportHref({ ...filters }, "json")} download className={link} title="Every matching record as JSON (recorded in the audit trail)">
        Export JSON
      </a>
    </div>
  );
}
