import Link from "next/link";
import { ActivityPanel } from "@/components/fleet/activity-panel.tsx";
import { AgentEdges } from "@/components/fleet/agent-edges.tsx";
import { AgentFindings } from "@/components/fleet/findings-list.tsx";
import { AgentIdentity } from "@/components/fleet/agent-identity.tsx";
import { WindowPicker } from "@/components/overview/window-picker.tsx";
import { WINDOW_LABELS, parseWindowParam } from "@/lib/view/window.ts";

// Next may hand the segment over still percent-encoded; an id with a stray "%" stays as it is.
const decoded = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Agent ${decoded((await params).id)}` };
}

export default async function AgentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const id = decoded((await params).id);
  const window = parseWindowParam((await searchParams).window);
  const link = "rounded-md border border-line bg-panel px-2.5 py-1 text-sm font-medium hover:bg-raised";
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm font-medium text-accent">
            <Link href="/" className="hover:underline">
              Overview
            </Link>{" "}
            / Agent
          </p>
          <h1 className="truncate font-mono text-2xl font-semibold tracking-tight">{id}</h1>
          <p className="mt-1 text-sm text-muted">{WINDOW_LABELS[window]} · refreshes every 5 s</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Link href={`/records?agent=${encodeURIComponent(id)}`} className={link}>
            Its records
          </Link>
          <Link href={`/graph?agent=${encodeURIComponent(id)}&hops=1`} className={link}>
            On the graph
          </Link>
          <Link href={`/timeline?window=${window}`} className={link}>
            Timeline
          </Link>
          <WindowPicker current={window} basePath={`/agents/${encodeURIComponent(id)}`} />
        </div>
      </header>
      <AgentIdentity id={id} />
      <ActivityPanel window={window} subject={{ agent: id }} noun="records sent" />
      <AgentEdges id={id} window={window} />
      <AgentFindings agent={id} />
    </div>
  );
}
