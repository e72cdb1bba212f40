import { QuarantineBody } from "@/lib/api/containment-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { createQuarantine, listQuarantines } from "@/lib/db/quarantine-store.ts";

// GET /api/v1/quarantines — state keys guards neither read nor write, and the last ones lifted
export const GET = route({ auth: "viewer" }, ({ principal }) => listQuarantines(pool(), projectOf(principal)));

// POST /api/v1/quarantines — quarantine a state key by hand (audited)
export const POST = route({ auth: "oncall", body: QuarantineBody }, async ({ body, principal }) => created(await createQuarantine(pool(), projectOf(principal), body, actorOf(principal))));
