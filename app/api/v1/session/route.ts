import { SignInBody } from "@/lib/api/account-views.ts";
import { signedIn } from "@/lib/api/auth.ts";
import { route } from "@/lib/api/handler.ts";
import { principalView, signIn, signOut } from "@/lib/api/sign-in.ts";

// GET /api/v1/session — who is calling: name, role, and how they signed in
export const GET = route({ auth: "viewer" }, ({ principal }) => principalView(signedIn(principal)));

// POST /api/v1/session — sign in with a user name and password, or the admin token
export const POST = route({ auth: "none", body: SignInBody }, ({ request, body }) => signIn(request, body));

// DELETE /api/v1/session — sign out: the server forgets this browser's session
export const DELETE = route({ auth: "none" }, ({ request }) => signOut(request));
