import { IdParams } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { pool } from "@/lib/db/pool.ts";
import { revokeToken } from "@/lib/db/tokens-store.ts";

// DELETE /api/v1/tokens/:id — revoke a token (admins: any; others: their own)
export const DELETE = route({ auth: "viewer", params: IdParams }, ({ params, principal }) => revokeToken(pool(), params.id, signedIn(principal)));
