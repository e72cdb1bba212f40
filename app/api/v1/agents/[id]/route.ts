import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { AgentIdParams, JsonBody } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { getAgent, updateAgent } from "@/lib/registry/service.ts";
import { registryConfigFromEnv } from "@/lib/config/registry-config.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";

// GET /api/v1/agents/:id — one registry entry
export const GET = route({ auth: "viewer", params: AgentIdParams }, ({ params, principal }) => getAgent(db(), projectOf(principal), params.id));

// PUT /api/v1/agents/:id — replace a registry entry
export const PUT = route({ auth: "admin", params: AgentIdParams, body: JsonBody }, ({ params, body, principal }) =>
  updateAgent(db(), projectOf(principal), params.id, body, registryConfigFromEnv(), actorOf(principal)),
);
