import { route } from "@/lib/api/handler.ts";
import { ProjectIdParams, RetentionBody } from "@/lib/api/retention-views.ts";
import { storageConfig } from "@/lib/config/storage-config.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { changeProjectRetention, readProjectRetention } from "@/lib/db/retention-store.ts";

// The project is the path's, not the caller's: admins manage every project, and no API token reaches the admin role (its ceiling is oncall).

// GET /api/v1/projects/:id/retention — days the project keeps its records and spans, its own or the instance default
export const GET = route({ auth: "admin", params: ProjectIdParams }, ({ params }) => readProjectRetention(pool(), params.id, storageConfig().retentionDays));

// PUT /api/v1/projects/:id/retention — set the period (null: back to the default); audited, applied at the maintainer's next pass
export const PUT = route({ auth: "admin", params: ProjectIdParams, body: RetentionBody }, ({ params, body, principal }) =>
  changeProjectRetention(pool(), params.id, body.retentionDays, actorOf(principal), storageConfig().retentionDays),
);
