import type { AuditFilters } from "./audit-queries.ts";

/** A plain GET form: the filters live in the URL, so a filtered trail can be linked in a ticket. */
export function AuditFiltersForm({ filters }: { filters: AuditFilters }) {
  const field = "h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg";
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-3" aria-label="Filter the audit trail">
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Who
        <input name="actor" defaultValue={filters.actor ?? ""} placeholder="anyone" className={`${field} w-44`} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Action
        <input name="action" defaultValue={filters.action ?? ""} placeholder="any, e.g. incident.resolve" className={`${field} w-64 font-mono`} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        Target
        <input name="target" defaultValue={filters.target ?? ""} placeholder="any, e.g. incident:*" className={`${field} w-56 font-mono`} />
      </label>
      <button type="submit" className="h-9 rounded-lg bg-accent px-3 text-sm font-semibold text-white hover:opacity-90 dark:text-bg">
        Apply
      </button>
      <a href="/audit" className="flex h-9 items-center px-1 text-sm text-muted underline-offset-2 hover:text-fg hover:underline">
        Clear
      </a>
    </form>
  );
}
