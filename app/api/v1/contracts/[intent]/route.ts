import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { ContractIntentParams } from "@/lib/api/params.ts";
import { db } from "@/lib/db/client.ts";
import { getContract } from "@/lib/registry/service.ts";

// GET /api/v1/contracts/:intent — one contract
export const GET = route({ auth: "viewer", params: ContractIntentParams }, ({ params, principal }) => getContract(db(), projectOf(principal), params.intent));
