import { KillSwitchIdParams, KillSwitchReasonBody } from "@/lib/api/control-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { liftKillSwitch } from "@/lib/db/kill-switch-store.ts";
import { pool } from "@/lib/db/pool.ts";

// POST /api/v1/kill-switches/:id/lift — lift a switch in force, or cancel a pending kill-all
export const POST = route({ auth: "oncall", params: KillSwitchIdParams, body: KillSwitchReasonBody }, ({ params, body, principal }) =>
  liftKillSwitch(pool(), projectOf(principal), params.id, actorOf(principal), body.reason),
);
