"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ThemeToggle } from "../theme/theme-toggle.tsx";
import { SignOutButton } from "../auth/sign-out-button.tsx";
import { roleAllows } from "@/lib/accounts/roles.ts";
import { useSession } from "../auth/session-context.tsx";
import { ClockIcon, FlameIcon, ListIcon, OverviewIcon, ShieldIcon, WarnIcon } from "../ui/icons.tsx";
import { LookIcon } from "../lineage/look-icon.tsx";
import { NAV_ITEMS, activeNavHref, type NavIcon } from "./nav-items.ts";
import { ProjectSwitcher } from "./project-switcher.tsx";

const ICONS: Record<NavIcon, React.ReactNode> = {
  overview: <OverviewIcon />,
  records: <ListIcon />,
  timeline: <ClockIcon />,
  admin: <ShieldIcon />,
  incidents: <WarnIcon />,
  lineage: <LookIcon icon="merge" />,
};

export function Sidebar() {
  const active = activeNavHref(usePathname());
  const session = useSession();
  const items = NAV_ITEMS.filter((item) => item.minRole === undefined || (session !== null && roleAllows(session.role, item.minRole)));
  return (
    // The column fills the page height; its content sticks to the viewport.
    <aside className="shrink-0 border-b border-line bg-panel md:w-60 md:border-r md:border-b-0">
      <div className="flex flex-col md:sticky md:top-0 md:h-screen">
      <div className="flex items-center gap-2 px-5 py-4">
        <FlameIcon className="text-2xl text-accent" />
        <span className="text-lg font-semibold tracking-tight">Firebreak</span>
      </div>
      <nav aria-label="Main" className="flex gap-1 overflow-x-auto px-3 md:flex-col md:overflow-visible">
        {items.map((item) => {
          const current = item.href === active;
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`flex shrink-0 items-center gap-3 whitespace-nowrap rounded-lg px-3 py-2 text-sm ${current ? "bg-accent-soft font-semibold text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
            >
              <span className="text-base">{ICONS[item.icon]}</span>
              <span className="flex flex-col leading-tight">
                <span>{item.label}</span>
                <span className={`hidden text-xs font-normal md:block ${current ? "text-accent/80" : "text-muted"}`}>{item.description}</span>
              </span>
            </Link>
          );
        })}
      </nav>
      <div className="flex flex-wrap items-center gap-2 border-t border-line p-3 md:mt-auto md:flex-col md:flex-nowrap md:items-stretch">
        {session ? <ProjectSwitcher /> : null}
        {session ? (
          <p className="min-w-0 flex-1 px-1 text-sm leading-tight md:flex-none" data-testid="signed-in-as">
            <span className="block truncate font-medium" title={session.name}>
              {session.name}
            </span>
            <span className="text-xs text-muted">Role: {session.role}</span>
          </p>
        ) : null}
        <ThemeToggle />
        <SignOutButton />
      </div>
      </div>
    </aside>
  );
}
