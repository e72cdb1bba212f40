import { ControlPolicyQuery } from "@/lib/api/control-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { policyHub } from "@/lib/db/policy-hub.ts";
import { policyAfter } from "@/lib/control/policy-stream.ts";

// GET /api/v1/control/policy — the enforcement policy guards obey; with ?after=<version>&wait=25, a long poll for the next one
export const GET = route({ auth: "viewer", query: ControlPolicyQuery }, ({ query, request, principal }) => policyAfter(policyHub(projectOf(principal)), query, request.signal));
