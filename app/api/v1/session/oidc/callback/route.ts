import { route } from "@/lib/api/handler.ts";
import { finishOidcSignIn } from "@/lib/api/oidc-sign-in.ts";

// GET /api/v1/session/oidc/callback — the identity provider sends the browser back here; signs it in
export const GET = route({ auth: "none" }, ({ request }) => finishOidcSignIn(request));
