import { IdParams } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { pool } from "@/lib/db/pool.ts";
import { revokeUserSessions, userSessions } from "@/lib/db/sessions-store.ts";

// GET /api/v1/users/:id/sessions — where this user is signed in
export const GET = route({ auth: "admin", params: IdParams }, async ({ params }) => ({ items: await userSessions(pool(), params.id) }));

// DELETE /api/v1/users/:id/sessions — sign this user out everywhere
export const DELETE = route({ auth: "admin", params: IdParams }, ({ params, principal }) => revokeUserSessions(pool(), params.id, signedIn(principal).actor));
