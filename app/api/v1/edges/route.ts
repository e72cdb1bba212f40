import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { WindowQuery } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { edgeSummary } from "@/lib/db/edges-query.ts";

// GET /api/v1/edges — sender -> receiver message counts and verdicts in a window
export const GET = route({ auth: "viewer", query: WindowQuery }, ({ query, principal }) => edgeSummary(db(), projectOf(principal), query));
