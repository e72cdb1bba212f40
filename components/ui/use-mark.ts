"use client";

import { useEffect } from "react";

/**
 * Puts `name` on the page's performance timeline the first time `when` holds
 * after a commit (once per page load): the UI benchmark reads these marks to
 * split a screen's first render into page load, data and drawing.
 */
export function useMarkOnce(name: string, when = true): void {
  useEffect(() => {
    if (when && typeof performance !== "undefined" && performance.getEntriesByName(name, "mark").length === 0) performance.mark(name);
  }, [name, when]);
}
