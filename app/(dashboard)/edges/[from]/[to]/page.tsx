import Link from "next/link";
import { ActivityPanel } from "@/components/fleet/activity-panel.tsx";
import { EdgeBreakerHistory, EdgeBreakerNow } from "@/components/fleet/edge-breaker.tsx";
import { agentHref } from "@/components/fleet/fleet-style.ts";
import { WindowPicker } from "@/components/overview/window-picker.tsx";
import { WINDOW_LABELS, parseWindowParam } from "@/lib/view/window.ts";

const decoded = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export async function generateMetadata({ params }: { params: Promise<{ from: string; to: string }> }) {
  const p = await params;
  return { title: `Edge ${decoded(p.from)} → ${decoded(p.to)}` };
}

export default async function EdgePage({ params, searchParams }: { params: Promise<{ from: string; to: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const p = await params;
  const sender = decoded(p.from);
  const receiver = decoded(p.to);
  const window = parseWindowParam((await searchParams).window);
  const base = `/edges/${encodeURIComponent(sender)}/${encodeURIComponent(receiver)}`;
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm font-medium text-accent">
            <Link href="/" className="hover:underline">
              Overview
            </Link>{" "}
            / Edge
          </p>
          <h1 className="flex flex-wrap items-center gap-2 font-mono text-2xl font-semibold tracking-tight">
            <Link href={agentHref(sender)} className="hover:underline">
              {sender}
            </Link>
            <span aria-hidden className="text-muted">→</span>
            <span className="sr-only">to</span>
            <Link href={agentHref(receiver)} className="hover:underline">
              {receiver}
            </Link>
          </h1>
          <p className="mt-1 text-sm text-muted">{WINDOW_LABELS[window]} · refreshes every 5 s</p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Link href={`/graph?edge=${encodeURIComponent(`${sender}->${receiver}`)}`} className="rounded-md border border-line bg-panel px-2.5 py-1 text-sm font-medium hover:bg-raised">
            On the graph
          </Link>
          <WindowPicker current={window} basePath={base} />
        </div>
      </header>
      <EdgeBreakerNow sender={sender} receiver={receiver} />
      <ActivityPanel window={window} subject={{ sender, receiver }} noun="messages" />
      <EdgeBreakerHistory sender={sender} receiver={receiver} />
    </div>
  );
}
