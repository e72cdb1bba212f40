import { signIn, signOut } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { SignInBody } from "@/lib/api/views.ts";

// POST /api/v1/session — exchange the admin token for session cookies
export const POST = route({ auth: "none", body: SignInBody }, ({ request, body }) => signIn(request, body.token));

// DELETE /api/v1/session — sign this browser out
export const DELETE = route({ auth: "none" }, ({ request }) => signOut(request));
