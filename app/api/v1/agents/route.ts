import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { AgentsListQuery, JsonBody } from "@/lib/api/params.ts";
import { created } from "@/lib/api/reply.ts";
import { db } from "@/lib/db/client.ts";
import { listAgents, registerAgent } from "@/lib/registry/service.ts";
import { registryConfigFromEnv } from "@/lib/config/registry-config.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";

// GET /api/v1/agents — registry entries, optionally by label
export const GET = route({ auth: "viewer", query: AgentsListQuery }, ({ query, principal }) => listAgents(db(), projectOf(principal), query));

// POST /api/v1/agents — register a new agent
export const POST = route({ auth: "admin", body: JsonBody }, async ({ body, principal }) =>
  created(await registerAgent(db(), projectOf(principal), body, registryConfigFromEnv(), actorOf(principal))),
);
