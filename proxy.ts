import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, NONCE_HEADER } from "@/lib/security/csp.ts";

// Layouts cannot see the URL. The dashboard layout needs it to send a
// signed-out visitor to /login?next=<the page they asked for>, so every page
// request carries its path and query in x-fb-path (overwriting any such
// header a client sent). Authentication itself happens in the layout.
// Every page also gets a fresh CSP nonce (lib/security/csp.ts): Next reads
// it from the request's policy header, the layout from x-nonce.
export const PATH_HEADER = "x-fb-path";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set(NONCE_HEADER, nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only (the sign-in page included): not the API, Next's assets, or files with an extension.
  matcher: ["/((?!api/|_next/|.*\\.[A-Za-z0-9]+$).*)"],
};
