import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { GraphQuery } from "@/lib/api/graph-views.ts";
import { db } from "@/lib/db/client.ts";
import { agentGraphAnswer } from "@/lib/db/graph-query.ts";

// GET /api/v1/graph — agents as nodes, sender -> receiver links with verification counts and breaker states, over a window (or a replayed one)
export const GET = route({ auth: "viewer", query: GraphQuery }, ({ query, principal }) => agentGraphAnswer(db(), projectOf(principal), query));
