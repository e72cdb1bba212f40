import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { JsonBody } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { listContracts, putContract } from "@/lib/registry/service.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";

// GET /api/v1/contracts — every message contract
export const GET = route({ auth: "viewer" }, ({ principal }) => listContracts(db(), projectOf(principal)));

// PUT /api/v1/contracts — create or replace the contract of an intent
export const PUT = route({ auth: "admin", body: JsonBody }, ({ body, principal }) => putContract(db(), projectOf(principal), body, actorOf(principal)));
