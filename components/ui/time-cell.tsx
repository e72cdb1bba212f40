"use client";

import { formatRelativeTime, formatTimestamp } from "@/lib/view/format.ts";
import { browserTimeZone } from "./use-now.ts";

/** Relative time on top, the exact instant with its zone below. */
export function TimeCell({ iso, now }: { iso: string | null; now: Date }) {
  if (!iso) return <span className="text-sm text-muted">never</span>;
  const exact = formatTimestamp(iso, browserTimeZone());
  return (
    <span className="flex flex-col leading-tight">
      <time dateTime={iso} title={exact} className="whitespace-nowrap text-sm">
        {formatRelativeTime(iso, now)}
      </time>
      <span className="whitespace-nowrap text-xs text-muted tabular-nums">{exact}</span>
    </span>
  );
}
