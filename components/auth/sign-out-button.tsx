"use client";

import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { apiRequest } from "../api-client.ts";
import { SignOutIcon } from "../ui/icons.tsx";

const SignedOut = z.object({ signedOut: z.literal(true) });

export function SignOutButton() {
  const m = useMutation({
    mutationFn: () => apiRequest("DELETE", "/api/v1/session", SignedOut),
    // A full load, not a client navigation: nothing of the signed-in session stays in memory.
    onSettled: () => window.location.assign("/login"),
  });
  return (
    <button
      type="button"
      onClick={() => m.mutate()}
      disabled={m.isPending}
      className="flex items-center justify-center gap-2 rounded-lg border border-line px-3 py-1.5 text-sm font-medium text-muted hover:bg-raised hover:text-fg disabled:opacity-60"
    >
      <SignOutIcon />
      {m.isPending ? "Signing out…" : "Sign out"}
    </button>
  );
}
