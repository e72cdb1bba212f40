import { Suspense } from "react";
import { GraphClient } from "./graph-client.tsx";

export const metadata = { title: "Agent graph" };

export default function GraphPage() {
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Agent graph</p>
        <h1 className="text-2xl font-semibold tracking-tight">Who talks to whom, and which breakers are open</h1>
      </header>
      {/* The view state is read from the URL on the client. */}
      <Suspense fallback={<div className="h-[560px] animate-pulse rounded-xl bg-raised" />}>
        <GraphClient />
      </Suspense>
    </div>
  );
}
