import { OverviewQuery } from "@/lib/api/fleet-views.ts";
import { route } from "@/lib/api/handler.ts";
import { projectOf } from "@/lib/api/auth.ts";
import { fleetOverview } from "@/lib/db/fleet-query.ts";
import { pool } from "@/lib/db/pool.ts";

// GET /api/v1/overview — fleet health: breakers by state, open incidents by severity, verdict and anomaly rates, widest blast radius
export const GET = route({ auth: "viewer", query: OverviewQuery }, ({ query, principal }) => fleetOverview(pool(), projectOf(principal), query));
