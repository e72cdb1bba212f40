"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { makeQueryClient } from "./query-client.ts";

function signInAgain(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(here)}&expired=1`);
}

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab, made once: useState's initializer, not module scope, so server renders never share one.
  const [client] = useState(() => makeQueryClient({ onUnauthorized: signInAgain }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
