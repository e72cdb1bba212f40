import { KillSwitchBody } from "@/lib/api/control-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { createKillSwitch, listKillSwitches } from "@/lib/db/kill-switch-store.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/kill-switches — the switches in force, a kill-all awaiting its second on-call, and the last ones lifted
export const GET = route({ auth: "viewer" }, ({ principal }) => listKillSwitches(pool(), projectOf(principal)));

// POST /api/v1/kill-switches — kill an agent, an edge or a label now, or request a kill-all for a second on-call to confirm
export const POST = route({ auth: "oncall", body: KillSwitchBody }, async ({ body, principal }) => created(await createKillSwitch(pool(), projectOf(principal), body, actorOf(principal))));
