import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { TraceIdParams, TraceQuery } from "@/lib/api/trace-views.ts";
import { db } from "@/lib/db/client.ts";
import { getTraceJson } from "@/lib/db/trace-query.ts";

// GET /api/v1/traces/:traceId?limit=&after= — the trace's earliest spans (after a cursor) as columns (TraceView)
// The database writes the JSON; it is passed on as text, never parsed here.
export const GET = route({ auth: "viewer", params: TraceIdParams, query: TraceQuery }, async ({ params, query, principal }) =>
  new Response(await getTraceJson(db(), projectOf(principal), params.traceId, query.limit, query.after, query.total), { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } }),
);
