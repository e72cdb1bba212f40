import { CreateUserBody } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { created } from "@/lib/api/reply.ts";
import { pool } from "@/lib/db/pool.ts";
import { createUser, listUsers } from "@/lib/db/users-store.ts";

// GET /api/v1/users — every account, active first
export const GET = route({ auth: "admin" }, async () => ({ items: await listUsers(pool()) }));

// POST /api/v1/users — create an account with a role and a first password
export const POST = route({ auth: "admin", body: CreateUserBody }, async ({ body, principal }) => created(await createUser(pool(), body, signedIn(principal).actor)));
