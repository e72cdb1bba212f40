import { AuditFiltersForm } from "@/components/audit/audit-filters.tsx";
import { AuditIntegrity } from "@/components/audit/audit-integrity.tsx";
import type { AuditFilters } from "@/components/audit/audit-queries.ts";
import { AuditTable } from "@/components/audit/audit-table.tsx";

export const metadata = { title: "Audit trail" };

const first = (v: string | string[] | undefined): string | undefined => {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s === "" ? undefined : s;
};

export default async function AuditScreen({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const filters: AuditFilters = { actor: first(sp.actor), action: first(sp.action), target: first(sp.target) };
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header>
        <p className="text-sm font-medium text-accent">Accountability</p>
        <h1 className="text-2xl font-semibold tracking-tight">Audit trail</h1>
      </header>
      <AuditIntegrity />
      <AuditFiltersForm filters={filters} />
      <AuditTable filters={filters} />
    </div>
  );
}
