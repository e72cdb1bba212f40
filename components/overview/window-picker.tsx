import Link from "next/link";
import { WINDOW_KEYS, WINDOW_LABELS, type WindowKey } from "@/lib/view/window.ts";

/** Links, not state: the window lives in the URL so a view can be pasted into an incident ticket. */
export function WindowPicker({ current, basePath = "/" }: { current: WindowKey; basePath?: string }) {
  return (
    <nav aria-label="Time window" className="inline-flex rounded-lg border border-line bg-panel p-0.5 text-sm shadow-sm">
      {WINDOW_KEYS.map((key) => {
        const active = key === current;
        return (
          <Link
            key={key}
            href={`${basePath}?window=${key}`}
            aria-current={active ? "page" : undefined}
            title={WINDOW_LABELS[key]}
            scroll={false}
            className={`rounded-md px-3 py-1 font-medium tabular-nums ${active ? "bg-accent-soft text-accent" : "text-muted hover:bg-raised hover:text-fg"}`}
          >
            {key}
          </Link>
        );
      })}
    </nav>
  );
}
