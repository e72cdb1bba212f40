"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { makeQueryClient } from "./query-client.ts";

// The page's CSP has no 'unsafe-eval' (lib/security/csp.ts): in the browser
// zod must not even probe `new Function` for its fast path, since the probe
// alone is reported as a violation. The server keeps the fast path.
if (typeof window !== "undefined") z.config({ jitless: true });

function signInAgain(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(here)}&expired=1`);
}

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab, made once: useState's initializer, not module scope, so server renders never share one.
  const [client] = useState(() => makeQueryClient({ onUnauthorized: signInAgain }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
