import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { WindowQuery } from "@/lib/api/params.ts";
import { agentsSummary } from "@/lib/db/agents-summary-query.ts";
import { db } from "@/lib/db/client.ts";

// GET /api/v1/agents/summary — per agent: records sent and verdicts in a window, registry fields
export const GET = route({ auth: "viewer", query: WindowQuery }, ({ query, principal }) => agentsSummary(db(), projectOf(principal), query));
