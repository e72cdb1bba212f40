import { RecordsChildHeader } from "@/components/records/record-detail-header.tsx";
import { headers } from "next/headers";
import { preload } from "react-dom";
import { TraceWaterfall } from "@/components/waterfall/trace-waterfall.tsx";
import { TRACE_PAINT_SCRIPT } from "@/components/waterfall/trace-paint-script.ts";
import { traceFirstWindow } from "@/lib/api/trace-first-window.ts";
import { traceHeadUrl } from "@/lib/api/trace-views.ts";
import { NONCE_HEADER } from "@/lib/security/csp.ts";

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }) {
  return { title: `Trace ${(await params).traceId.slice(0, 8)}…` };
}

// The selected span lives in the URL (?span=), read by the client component,
// so a link to a span in an incident ticket opens the same view.
export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  const requestHeaders = await headers();
  // The first window is read here and rendered into the HTML (ADR 0039): its rows are on screen before the page's code has loaded.
  const first = await traceFirstWindow(requestHeaders, traceId);
  // Without it (no such trace, or it could not be read), the browser starts on the API's answer while the page's code loads; the query's fetch picks it up.
  if (!first) preload(traceHeadUrl(traceId), { as: "fetch", crossOrigin: "anonymous" });
  return (
    <div className="mx-auto flex max-w-[110rem] flex-col gap-4">
      <RecordsChildHeader>
        Trace <span className="font-mono text-lg break-all text-muted">{traceId}</span>
      </RecordsChildHeader>
      {/* No Suspense boundary: React would send a boundary this big (the rows) after the page's shell and reveal it at least
          300 ms after the shell's first paint (React 19.2 batches reveals; ADR 0034). Nothing in it waits: the first window is read. */}
      <TraceWaterfall traceId={traceId} first={first ?? undefined} />
      {first ? <script nonce={requestHeaders.get(NONCE_HEADER) ?? undefined} dangerouslySetInnerHTML={{ __html: TRACE_PAINT_SCRIPT }} /> : null}
    </div>
  );
}
