import { FindingsQuery } from "@/lib/api/engine-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { findingsPage } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/findings — anomaly and cap findings, newest or highest impact first, keyset-paginated
export const GET = route({ auth: "viewer", query: FindingsQuery }, ({ query, principal }) => findingsPage(pool(), projectOf(principal), query));
