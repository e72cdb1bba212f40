// The sidebar's screens, in order. Later screens add a line here.
export type NavIcon = "overview" | "records";

export interface NavItem {
  href: string;
  label: string;
  description: string;
  icon: NavIcon;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Overview", description: "Agents & edges", icon: "overview" },
  { href: "/records", label: "Records", description: "Every record and its verdicts", icon: "records" },
  { href: "/graph", label: "Agent graph", description: "Links, breakers, replay", icon: "overview" },
  { href: "/control", label: "Control", description: "Kill switches, forced breakers", icon: "records" },
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
