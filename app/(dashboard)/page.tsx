import { headers } from "next/headers";
import { AgentsTable } from "@/components/agents/agents-table.tsx";
import { EdgesTable } from "@/components/edges/edges-table.tsx";
import { FleetHealth } from "@/components/overview/fleet-health.tsx";
import { OverviewStats } from "@/components/overview/overview-stats.tsx";
import { WindowPicker } from "@/components/overview/window-picker.tsx";
import { collectorEndpoint } from "@/lib/view/collector-endpoint.ts";
import { WINDOW_LABELS, parseWindowParam } from "@/lib/view/window.ts";

export const metadata = { title: "Overview" };

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const window = parseWindowParam((await searchParams).window);
  const collectorUrl = collectorEndpoint((await headers()).get("host"), process.env.FIREBREAK_COLLECTOR_PORT);
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm font-medium text-accent">Overview</p>
          <h1 className="text-2xl font-semibold tracking-tight">Agents &amp; edges</h1>
          <p className="mt-1 text-sm text-muted">
            {WINDOW_LABELS[window]} · every record judged at the door · refreshes every 5 s
          </p>
        </div>
        <WindowPicker current={window} />
      </header>
      <OverviewStats window={window} />
      <FleetHealth window={window} />
      <AgentsTable window={window} collectorUrl={collectorUrl} />
      <EdgesTable window={window} />
    </div>
  );
}
