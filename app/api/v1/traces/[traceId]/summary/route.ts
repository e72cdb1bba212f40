import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { TraceIdParams } from "@/lib/api/trace-views.ts";
import { TraceSummaryQuery } from "@/lib/api/trace-summary-views.ts";
import { db } from "@/lib/db/client.ts";
import { getTraceSummaryJson } from "@/lib/db/trace-summary-query.ts";

// GET /api/v1/traces/:traceId/summary?bins= — the whole trace's counts and binned density, however little of it the waterfall has loaded (TraceSummaryView)
export const GET = route({ auth: "viewer", params: TraceIdParams, query: TraceSummaryQuery }, async ({ params, query, principal }) =>
  new Response(await getTraceSummaryJson(db(), projectOf(principal), params.traceId, query.bins), { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } }),
);
