import { Suspense } from "react";
import { TimelineClient } from "./timeline-client.tsx";

export const metadata = { title: "Anomaly timeline" };

export default function TimelinePage() {
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Anomaly timeline</p>
        <h1 className="text-2xl font-semibold tracking-tight">What went wrong, where, and in what order</h1>
      </header>
      {/* The view state (window, brush, lanes, chosen finding) is read from the URL on the client. */}
      <Suspense fallback={<div className="h-[560px] animate-pulse rounded-xl bg-raised" />}>
        <TimelineClient />
      </Suspense>
    </div>
  );
}
