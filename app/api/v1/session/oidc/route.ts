import { route } from "@/lib/api/handler.ts";
import { startOidcSignIn } from "@/lib/api/oidc-sign-in.ts";

// GET /api/v1/session/oidc — single sign-on: to the identity provider's sign-in page (302)
export const GET = route({ auth: "none" }, ({ request }) => startOidcSignIn(request));
