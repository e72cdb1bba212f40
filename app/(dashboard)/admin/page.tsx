import { cookies } from "next/headers";
import { ProjectsPanel } from "@/components/admin/projects-panel.tsx";
import { TokensPanel } from "@/components/admin/tokens-panel.tsx";
import { UsersPanel } from "@/components/admin/users-panel.tsx";
import { Panel } from "@/components/ui/panel.tsx";
import { roleAllows } from "@/lib/accounts/roles.ts";
import { sessionPrincipal } from "@/lib/api/auth.ts";
import { SESSION_COOKIE } from "@/lib/api/session.ts";

export const metadata = { title: "Admin" };

// Users and API tokens. The layout has checked the session; the role is
// checked here too, so a viewer who types /admin sees why, not a broken table.
export default async function AdminPage() {
  const principal = await sessionPrincipal((await cookies()).get(SESSION_COOKIE)?.value);
  const admin = principal !== null && roleAllows(principal.role, "admin");
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header>
        <p className="text-sm font-medium text-accent">Administration</p>
        <h1 className="text-2xl font-semibold tracking-tight">Projects, users and API tokens</h1>
      </header>
      {admin ? (
        <>
          <ProjectsPanel />
          <UsersPanel />
          <TokensPanel />
        </>
      ) : (
        <Panel title="Admins only" description={`You are signed in as ${principal?.actor ?? "someone"} with the ${principal?.role ?? "viewer"} role.`}>
          <p className="px-5 py-4 text-sm">Managing users and tokens needs the admin role. Ask an admin to change your role if you need it.</p>
        </Panel>
      )}
    </div>
  );
}
