import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { pool } from "@/lib/db/pool.ts";
import { listTokens } from "@/lib/db/tokens-store.ts";

// GET /api/v1/session/tokens — the caller's own API tokens
export const GET = route({ auth: "viewer" }, async ({ principal }) => ({ items: await listTokens(pool(), signedIn(principal).userId) }));
