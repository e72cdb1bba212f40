import { QuarantineIdParams, QuarantineReasonBody } from "@/lib/api/containment-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { liftQuarantineById } from "@/lib/db/quarantine-store.ts";

// POST /api/v1/quarantines/:id/lift — an on-call lifts a quarantine once the value is repaired (audited)
export const POST = route({ auth: "oncall", params: QuarantineIdParams, body: QuarantineReasonBody }, ({ params, body, principal }) =>
  liftQuarantineById(pool(), projectOf(principal), params.id, actorOf(principal), body.reason),
);
