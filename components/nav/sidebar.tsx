"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ThemeToggle } from "../theme/theme-toggle.tsx";
import { SignOutButton } from "../auth/sign-out-button.tsx";
import { FlameIcon, ListIcon, OverviewIcon } from "../ui/icons.tsx";
import { NAV_ITEMS, activeNavHref, type NavIcon } from "./nav-items.ts";

const ICONS: Record<NavIcon, React.ReactNode> = { overview: <OverviewIcon />, records: <ListIcon /> };

export function Sidebar() {
  const active = activeNavHref(usePathname());
  return (
    // The column fills the page height; its content sticks to the viewport.
    <aside className="shrink-0 border-b border-line bg-panel md:w-60 md:border-r md:border-b-0">
      <div className="flex flex-col md:sticky md:top-0 md:h-screen">
      <div className="flex items-center gap-2 px-5 py-4">
        <FlameIcon className="text-2xl text-accent" />
        <span className="text-lg font-semibold tracking-tight">Firebreak</span>
      </div>
      <nav aria-label="Main" className="flex flex-wrap gap-1 px-3 md:flex-col md:flex-nowrap">
        {NAV_ITEMS.map((item) => {
          const current = item.href === active;
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm ${current ? "bg-accent-soft font-semibold text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
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
      <div className="flex items-center gap-2 border-t border-line p-3 md:mt-auto md:flex-col md:items-stretch">
        <ThemeToggle />
        <SignOutButton />
      </div>
      </div>
    </aside>
  );
}
