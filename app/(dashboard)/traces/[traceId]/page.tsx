import { RecordsChildHeader } from "@/components/records/record-detail-header.tsx";
import { Suspense } from "react";
import { preload } from "react-dom";
import { TraceWaterfall } from "@/components/waterfall/trace-waterfall.tsx";
import { LoadingRows } from "@/components/ui/states.tsx";
import { traceHeadUrl } from "@/lib/api/trace-views.ts";

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }) {
  return { title: `Trace ${(await params).traceId.slice(0, 8)}…` };
}

// The selected span lives in the URL (?span=), read by the client component,
// so a link to a span in an incident ticket opens the same view.
export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  // The browser starts on the trace's first window while the page's code loads, instead of after hydration; the query's fetch picks it up.
  preload(traceHeadUrl(traceId), { as: "fetch", crossOrigin: "anonymous" });
  return (
    <div className="mx-auto flex max-w-[110rem] flex-col gap-4">
      <RecordsChildHeader>
        Trace <span className="font-mono text-lg break-all text-muted">{traceId}</span>
      </RecordsChildHeader>
      <Suspense fallback={<LoadingRows label="Loading the trace" rows={8} />}>
        <TraceWaterfall traceId={traceId} />
      </Suspense>
    </div>
  );
}
