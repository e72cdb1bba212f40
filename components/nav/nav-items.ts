// The sidebar's screens, in order. Later screens add a line here.
import type { Role } from "@/lib/accounts/roles.ts";

export type NavIcon = "overview" | "records" | "timeline" | "admin" | "incidents" | "lineage";

export interface NavItem {
  href: string;
  label: string;
  description: string;
  icon: NavIcon;
  /** Shown only to roles that include this one; everyone signed in when absent. */
  minRole?: Role;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Overview", description: "Agents & edges", icon: "overview" },
  { href: "/incidents", label: "Incidents", description: "Findings grouped by lineage", icon: "incidents" },
  { href: "/graph", label: "Agent graph", description: "Links, breakers, replay", icon: "overview" },
  { href: "/timeline", label: "Timeline", description: "Findings and breakers over time", icon: "timeline" },
  { href: "/lineage", label: "Lineage", description: "Origin and blast radius", icon: "lineage" },
  { href: "/records", label: "Records", description: "Every record and its verdicts", icon: "records" },
  { href: "/control", label: "Control", description: "Kill switches, forced breakers", icon: "records" },
  { href: "/approvals", label: "Approvals", description: "Red actions waiting for a human", icon: "records" },
  { href: "/audit", label: "Audit trail", description: "Who did what, tamper-evident", icon: "records" },
  { href: "/settings/webhooks", label: "Webhooks", description: "Alert destinations", icon: "records" },
  { href: "/admin", label: "Admin", description: "Users and API tokens", icon: "admin", minRole: "admin" },
];

/** The item a path belongs to: the longest href that prefixes it. */
export function activeNavHref(pathname: string): string | null {
  let best: string | null = null;
  for (const item of NAV_ITEMS) {
    const match = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
    if (match && (best === null || item.href.length > best.length)) best = item.href;
  }
  return best;
}
