import { IdParams, ResetPasswordBody } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { pool } from "@/lib/db/pool.ts";
import { resetPassword } from "@/lib/db/users-store.ts";

// PUT /api/v1/users/:id/password — set a new password; the user's sessions end
export const PUT = route({ auth: "admin", params: IdParams, body: ResetPasswordBody }, ({ params, body, principal }) =>
  resetPassword(pool(), params.id, body.password, signedIn(principal).actor),
);
