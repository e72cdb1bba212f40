import { Suspense } from "react";
import { LoadingRows } from "@/components/ui/states.tsx";
import { LineageClient } from "./lineage-client.tsx";

export const metadata = { title: "Lineage" };

export default function LineagePage() {
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Lineage</p>
        <h1 className="text-2xl font-semibold tracking-tight">Where did it start, and how far did it spread?</h1>
      </header>
      {/* The record, state key and selection are read from the URL on the client. */}
      <Suspense fallback={<LoadingRows label="Loading the lineage" rows={6} />}>
        <LineageClient />
      </Suspense>
    </div>
  );
}
