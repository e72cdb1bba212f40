import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { GraphQuery } from "@/lib/api/graph-views.ts";
import { agentGraphAnswer } from "@/lib/db/graph-query.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/graph — agents as nodes, sender -> receiver links with verification counts and breaker states, over a window (or a replayed one)
export const GET = route({ auth: "viewer", query: GraphQuery }, ({ query, principal }) => agentGraphAnswer(pool(), projectOf(principal), query));
