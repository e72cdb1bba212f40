import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { SpanIdParams } from "@/lib/api/trace-views.ts";
import { db } from "@/lib/db/client.ts";
import { getSpanDetail } from "@/lib/db/trace-query.ts";

// GET /api/v1/traces/:traceId/spans/:spanId — one span's attributes, and its record with payload and verdict details
export const GET = route({ auth: "viewer", params: SpanIdParams }, ({ params, principal }) => getSpanDetail(db(), projectOf(principal), params.traceId, params.spanId));
