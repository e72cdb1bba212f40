"use client";

import { useState, type ReactNode } from "react";

/**
 * A fixed-row-height list that renders only the rows in view (plus a few):
 * a thousand agents or ten thousand links stay cheap to scroll and to
 * re-render on every live refresh.
 */
export function VirtualList<T>({ items, rowHeight, height, label, renderRow, getKey }: { items: readonly T[]; rowHeight: number; height: number; label: string; renderRow: (item: T) => ReactNode; getKey: (item: T) => string }) {
  const [scrollTop, setScrollTop] = useState(0);
  const overscan = 6;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return (
    <div className="overflow-y-auto" style={{ height }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul aria-label={label} className="relative" style={{ height: items.length * rowHeight }}>
        {items.slice(first, last).map((item, i) => (
          <li key={getKey(item)} className="absolute inset-x-0" style={{ top: (first + i) * rowHeight, height: rowHeight }}>
            {renderRow(item)}
          </li>
        ))}
      </ul>
    </div>
  );
}
