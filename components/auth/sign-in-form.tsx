"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { SignInView, type SignInBody } from "@/lib/api/account-views.ts";
import { apiRequest } from "../api-client.ts";
import { CrossIcon, FlameIcon } from "../ui/icons.tsx";

const inputClass = "mt-1.5 w-full rounded-lg border border-line bg-bg px-3 py-2 text-sm outline-none focus:border-accent";

/** User name and password; or, for the first start and break-glass use, the admin token. */
export function SignInForm({
  next,
  expired,
  withToken,
  sso,
  ssoError,
}: {
  next: string;
  expired: boolean;
  withToken: boolean;
  /** Single sign-on, when configured: what its button says. */
  sso: { label: string } | null;
  /** Why the last single sign-on was refused (fixed text, lib/view/sso-errors.ts). */
  ssoError: string | null;
}) {
  const [mode, setMode] = useState<"password" | "token">(withToken ? "token" : "password");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const m = useMutation({
    mutationFn: (body: SignInBody) => apiRequest("POST", "/api/v1/session", SignInView, { body }),
    // A full load so the server layout sees the new cookie; `next` was checked on the server.
    onSuccess: () => window.location.assign(next),
  });
  const ready = mode === "token" ? token.trim() !== "" : name.trim() !== "" && password !== "";
  const described = (hint: string) => (m.isError ? `${hint} sign-in-error` : hint);
  const switchTo = (to: "password" | "token") => {
    m.reset();
    setMode(to);
  };
  return (
    <form
      className="w-full max-w-md rounded-2xl border border-line bg-panel p-8 shadow-sm"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(mode === "token" ? { token } : { name, password });
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
      {ssoError ? (
        <p role="alert" className="mb-4 flex items-start gap-2 rounded-lg bg-bad-soft px-3 py-2 text-sm text-bad">
          <CrossIcon className="mt-0.5 shrink-0" />
          {ssoError}
        </p>
      ) : null}
      {sso ? (
        <>
          {/* A plain link: the server answers with a redirect to the identity provider. */}
          <a
            href={`/api/v1/session/oidc?next=${encodeURIComponent(next)}`}
            className="block w-full rounded-lg bg-accent px-4 py-2 text-center text-sm font-semibold text-white hover:opacity-90 dark:text-bg"
          >
            Sign in with {sso.label}
          </a>
          <p className="my-5 flex items-center gap-3 text-xs uppercase tracking-wide text-muted">
            <span className="h-px flex-1 bg-line" aria-hidden="true" />
            or with a Firebreak account
            <span className="h-px flex-1 bg-line" aria-hidden="true" />
          </p>
        </>
      ) : null}
      {mode === "password" ? (
        <div className="space-y-4">
          <div>
            <label htmlFor="name" className="block text-sm font-medium">
              User name
            </label>
            <input
              id="name"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby={described("password-hint")}
              aria-invalid={m.isError || undefined}
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="password" className="block text-sm font-medium">
              Password
            </label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={described("password-hint")}
              aria-invalid={m.isError || undefined}
              className={inputClass}
            />
            <p id="password-hint" className="mt-1.5 text-sm text-muted">
              At the first start <code className="font-mono">npm start</code> creates the user <code className="font-mono">admin</code> and prints its password (kept in{" "}
              <code className="font-mono">.firebreak/admin-password</code>).
            </p>
          </div>
        </div>
      ) : (
        <div>
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
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-describedby={described("token-hint")}
            aria-invalid={m.isError || undefined}
            className={`${inputClass} mt-3 font-mono`}
            placeholder="fbk_…"
          />
        </div>
      )}
      {m.isError ? (
        <p id="sign-in-error" role="alert" className="mt-3 flex items-start gap-2 text-sm text-bad">
          <CrossIcon className="mt-0.5 shrink-0" />
          {m.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={m.isPending || !ready}
        className="mt-6 w-full rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-white hover:opacity-90 disabled:opacity-50 dark:text-bg"
      >
        {m.isPending || m.isSuccess ? "Signing in…" : "Sign in"}
      </button>
      <button
        type="button"
        onClick={() => switchTo(mode === "password" ? "token" : "password")}
        className="mt-4 w-full text-center text-sm text-muted underline-offset-2 hover:text-fg hover:underline"
      >
        {mode === "password" ? "Use the admin token instead" : "Use a user name and password"}
      </button>
    </form>
  );
}
