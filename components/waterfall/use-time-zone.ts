"use client";

import { useSyncExternalStore } from "react";
import { browserTimeZone } from "../ui/use-now.ts";

// The trace page is rendered on the server with its first window (ADR 0039),
// where the browser's time zone is unknown: a time written in another zone
// there would not match the browser's first render, and React would throw
// the server's HTML away. The server's render and the hydrating render write
// UTC; React then renders again at once in the browser's zone.

const unchanging = () => () => {};
const serverZone = () => "UTC";

/** The browser's IANA time zone, UTC while the server's HTML is being hydrated. */
export function useTimeZone(): string {
  return useSyncExternalStore(unchanging, browserTimeZone, serverZone);
}
