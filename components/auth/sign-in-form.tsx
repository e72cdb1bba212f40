"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { SignInView } from "@/lib/api/views.ts";
import { apiRequest } from "../api-client.ts";
import { CrossIcon, FlameIcon } from "../ui/icons.tsx";

export function SignInForm({ next, expired }: { next: string; expired: boolean }) {
  const [token, setToken] = useState("");
  const m = useMutation({
    mutationFn: (t: string) => apiRequest("POST", "/api/v1/session", SignInView, { body: { token: t } }),
    // A full load so the server layout sees the new cookie; `next` was checked on the server.
    onSuccess: () => window.location.assign(next),
  });
  return (
    <form
      className="w-full max-w-md rounded-2xl border border-line bg-panel p-8 shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(token);
      }}
    >
      <div className="mb-6 flex items-center gap-2">
        <FlameIcon className="text-3xl text-accent" />
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to Firebreak</h1>
      </div>
      {expired ? (
        <p role="status" className="mb-4 rounded-lg bg-warn-soft px-3 py-2 text-sm text-warn">
          Your session ended. Sign in again to continue.
        </p>
      ) : null}
      <label htmlFor="token" className="block text-sm font-medium">
        Admin token
      </label>
      <p id="token-hint" className="mt-1 text-sm text-muted">
        <code className="font-mono">npm start</code> prints it at the first start and keeps it in <code className="font-mono">.firebreak/admin-token</code>, unless{" "}
        <code className="font-mono">FIREBREAK_TOKEN</code> sets it.
      </p>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="current-password"
        spellCheck={false}
        required
        value={token}
        onChange={(e) => setToken(e.target.value)}
        aria-describedby={m.isError ? "token-hint sign-in-error" : "token-hint"}
        aria-invalid={m.isError || undefined}
        className="mt-3 w-full rounded-lg border border-line bg-bg px-3 py-2 font-mono text-sm outline-none focus:border-accent"
        placeholder="fbk_…"
      />
      {m.isError ? (
        <p id="sign-in-error" role="alert" className="mt-3 flex items-start gap-2 text-sm text-bad">
          <CrossIcon className="mt-0.5 shrink-0" />
          {m.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={m.isPending || token.trim() === ""}
        className="mt-6 w-full rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-white hover:opacity-90 disabled:opacity-50 dark:text-bg"
      >
        {m.isPending || m.isSuccess ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
