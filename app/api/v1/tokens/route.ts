import { CreateTokenBody } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { created } from "@/lib/api/reply.ts";
import { pool } from "@/lib/db/pool.ts";
import { createToken, listTokens } from "@/lib/db/tokens-store.ts";

// GET /api/v1/tokens — every API token and ingest key, live first
export const GET = route({ auth: "admin" }, async () => ({ items: await listTokens(pool()) }));

// POST /api/v1/tokens — create a token; its secret is in this answer only
export const POST = route({ auth: "admin", body: CreateTokenBody }, async ({ body, principal }) => created(await createToken(pool(), body, signedIn(principal))));
