import { Suspense } from "react";
import { IncidentsList } from "@/components/incidents/incidents-list.tsx";
import { LoadingRows } from "@/components/ui/states.tsx";

export const metadata = { title: "Incidents" };

export default function IncidentsPage() {
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Incidents</p>
        <h1 className="text-2xl font-semibold tracking-tight">What needs a person now</h1>
      </header>
      {/* Filters are read from the URL on the client. */}
      <Suspense fallback={<LoadingRows label="Loading incidents" rows={6} />}>
        <IncidentsList />
      </Suspense>
    </div>
  );
}
