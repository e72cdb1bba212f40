import { RECORD_KINDS, VERDICTS } from "@/lib/protocol/record.ts";
import { verdictLabel } from "@/lib/view/format.ts";
import type { RecordFilters } from "../queries.ts";
import { RecordsExportLinks } from "./records-export-links.tsx";

/** A plain GET form: submitting it puts the filters in the URL, where view state belongs. */
export function RecordsFilters({ filters }: { filters: RecordFilters }) {
  const field = "h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg";
  return (
    <form method="get" action="/records" className="flex flex-wrap items-end gap-3" aria-label="Filter records">
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Agent
        <input name="agent" defaultValue={filters.agent ?? ""} placeholder="any" className={`${field} w-44 font-mono`} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Kind
        <select name="kind" defaultValue={filters.kind ?? ""} className={field}>
          <option value="">any</option>
          {RECORD_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Verdict
        <select name="verdict" defaultValue={filters.verdict ?? ""} className={field}>
          <option value="">any</option>
          {VERDICTS.map((v) => (
            <option key={v} value={v}>
              {verdictLabel(v)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Intent
        <input name="intent" defaultValue={filters.intent ?? ""} placeholder="any" className={`${field} w-40 font-mono`} />
      </label>
      <button type="submit" className="h-9 rounded-lg bg-accent px-3 text-sm font-semibold text-white hover:opacity-90 dark:text-bg">
        Apply
      </button>
      <a href="/records" className="flex h-9 items-center px-1 text-sm text-muted underline-offset-2 hover:text-fg hover:underline">
        Clear
      </a>
      <RecordsExportLinks filters={filters} />
    </form>
  );
}
