import "server-only";
import { db } from "../db/client.ts";
import { getTraceJson } from "../db/trace-query.ts";
import { authenticate } from "./auth.ts";
import { FirebreakError } from "./errors.ts";
import { TRACE_HEAD_SPANS, TraceIdParams, type TraceView } from "./trace-views.ts";

// The trace page puts the waterfall's first window in its first HTML (ADR
// 0039): the rows are on screen when the page arrives, not after the page's
// code has loaded, hydrated and asked for them.

/**
 * The first window of `traceId` for the caller these request headers carry
 * (session and project cookies), exactly as `GET /api/v1/traces/{traceId}?limit=TRACE_HEAD_SPANS&total=lower-bound`
 * answers it: the same sign-in, role and project checks, the same statement.
 * Null when there is nothing to show or the caller may not see it: the
 * waterfall then asks the API itself, and shows the API's message.
 */
export async function traceFirstWindow(requestHeaders: Headers, traceId: string): Promise<TraceView | null> {
  const id = TraceIdParams.safeParse({ traceId });
  if (!id.success) return null;
  try {
    // A GET with the page's cookies: authenticate applies the API's rules (no CSRF check for a read).
    const principal = await authenticate(new Request("http://dashboard.invalid/", { headers: { cookie: requestHeaders.get("cookie") ?? "" } }), "viewer");
    return JSON.parse(await getTraceJson(db(), principal.project, id.data.traceId, TRACE_HEAD_SPANS, undefined, "lower-bound")) as TraceView;
  } catch (e) {
    // Not found, signed out, another project's trace: the API says so in the browser. Anything else too, where Retry can ask again.
    if (!(e instanceof FirebreakError)) console.error(`trace page: the first window of ${traceId} was not read on the server`, e);
    return null;
  }
}
