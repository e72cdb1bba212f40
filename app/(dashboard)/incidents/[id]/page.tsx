import Link from "next/link";
import { IncidentDetailScreen } from "@/components/incidents/incident-detail.tsx";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Incident ${(await params).id}` };
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <nav aria-label="Breadcrumb" className="text-sm font-medium text-accent">
          <Link href="/incidents" className="underline-offset-2 hover:underline">
            Incidents
          </Link>
        </nav>
        <h1 className="sr-only">Incident {id}</h1>
      </header>
      <IncidentDetailScreen id={id} />
    </div>
  );
}
