import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SessionProvider } from "@/components/auth/session-context.tsx";
import { Sidebar } from "@/components/nav/sidebar.tsx";
import { sessionPrincipal } from "@/lib/api/auth.ts";
import { SESSION_COOKIE } from "@/lib/api/session.ts";
import { principalView } from "@/lib/api/sign-in.ts";
import { safeNextPath } from "@/lib/view/safe-next.ts";

// Every dashboard screen needs a live session; the check runs on the server
// for each request, before anything is rendered. The principal goes to the
// client so screens can hide controls the role may not use.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  const principal = await sessionPrincipal(session);
  if (!principal) {
    const next = safeNextPath((await headers()).get("x-fb-path"));
    const query = new URLSearchParams();
    if (next !== "/") query.set("next", next);
    if (session !== undefined) query.set("expired", "1");
    const qs = query.toString();
    redirect(qs === "" ? "/login" : `/login?${qs}`);
  }
  return (
    <SessionProvider initial={principalView(principal)}>
      <div className="flex min-h-screen flex-col md:flex-row">
        <Sidebar />
        <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
      </div>
    </SessionProvider>
  );
}
