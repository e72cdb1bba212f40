import { RecordsFilters } from "@/components/records/records-filters.tsx";
import { RecordsTable } from "@/components/records/records-table.tsx";
import type { RecordFilters } from "@/components/queries.ts";

export const metadata = { title: "Records" };

const first = (v: string | string[] | undefined): string | undefined => {
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s === "" ? undefined : s;
};

export default async function RecordsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  // Passed through as typed; the API validates them and its message is shown if one is wrong.
  const filters: RecordFilters = { agent: first(sp.agent), kind: first(sp.kind), verdict: first(sp.verdict), intent: first(sp.intent) };
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header>
        <p className="text-sm font-medium text-accent">Forensics</p>
        <h1 className="text-2xl font-semibold tracking-tight">Records</h1>
      </header>
      <RecordsFilters filters={filters} />
      <RecordsTable filters={filters} />
    </div>
  );
}
