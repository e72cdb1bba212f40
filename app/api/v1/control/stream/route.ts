import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { policyHub } from "@/lib/db/policy-hub.ts";
import { policyStream } from "@/lib/control/policy-stream.ts";

// GET /api/v1/control/stream — server-sent events: the whole policy on connect and every new version, heartbeats between
export const GET = route({ auth: "viewer" }, ({ request, principal }) => policyStream(policyHub(projectOf(principal)), request));
