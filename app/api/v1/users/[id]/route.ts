import { IdParams, UpdateUserBody } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { pool } from "@/lib/db/pool.ts";
import { getUser, updateUser } from "@/lib/db/users-store.ts";

// GET /api/v1/users/:id — one account
export const GET = route({ auth: "admin", params: IdParams }, ({ params }) => getUser(pool(), params.id));

// PATCH /api/v1/users/:id — change the role, disable (signs out everywhere) or enable
export const PATCH = route({ auth: "admin", params: IdParams, body: UpdateUserBody }, ({ params, body, principal }) => updateUser(pool(), params.id, body, signedIn(principal).actor));
