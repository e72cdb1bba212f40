import { CreateProjectBody } from "@/lib/accounts/project.ts";
import { route } from "@/lib/api/handler.ts";
import { created } from "@/lib/api/reply.ts";
import { actorOf } from "@/lib/db/engine-queries.ts";
import { pool } from "@/lib/db/pool.ts";
import { createProject, listProjects } from "@/lib/db/projects-store.ts";

// GET /api/v1/projects — every project (tenant), by id
export const GET = route({ auth: "viewer" }, async () => ({ items: await listProjects(pool()) }));

// POST /api/v1/projects — create a project (audited); its tokens, agents and records start empty
export const POST = route({ auth: "admin", body: CreateProjectBody }, async ({ body, principal }) => created(await createProject(pool(), body, actorOf(principal))));
