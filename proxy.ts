import { NextResponse, type NextRequest } from "next/server";

// Layouts cannot see the URL. The dashboard layout needs it to send a
// signed-out visitor to /login?next=<the page they asked for>, so every page
// request carries its path and query in x-fb-path (overwriting any such
// header a client sent). Authentication itself happens in the layout.
export const PATH_HEADER = "x-fb-path";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's assets, or files with an extension.
  matcher: ["/((?!api/|_next/|login|.*\\.[A-Za-z0-9]+$).*)"],
};
