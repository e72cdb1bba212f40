import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Sidebar } from "@/components/nav/sidebar.tsx";
import { hasValidSession } from "@/lib/api/auth.ts";
import { SESSION_COOKIE } from "@/lib/api/session.ts";
import { safeNextPath } from "@/lib/view/safe-next.ts";

// Every dashboard screen needs a signed-in browser; the check runs on the
// server for each request, before anything is rendered.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!hasValidSession(session)) {
    const next = safeNextPath((await headers()).get("x-fb-path"));
    const query = new URLSearchParams();
    if (next !== "/") query.set("next", next);
    if (session !== undefined) query.set("expired", "1");
    const qs = query.toString();
    redirect(qs === "" ? "/login" : `/login?${qs}`);
  }
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <Sidebar />
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
    </div>
  );
}
