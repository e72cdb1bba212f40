import type { ReactNode } from "react";
import { ApiError } from "../api-error.ts";
import { CrossIcon } from "./icons.tsx";

export function LoadingRows({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2 px-5 py-4">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-8 animate-pulse rounded-md bg-raised" />
      ))}
    </div>
  );
}

/** The API's own message (it says what to fix), with the status for a bug report. */
export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : "something went wrong";
  const status = error instanceof ApiError && error.status > 0 ? ` (HTTP ${error.status}${error.code ? `, ${error.code}` : ""})` : "";
  return (
    <div role="alert" className="m-5 flex items-start gap-3 rounded-lg border border-bad/40 bg-bad-soft px-4 py-3 text-sm">
      <CrossIcon className="mt-0.5 shrink-0 text-bad" />
      <div className="min-w-0">
        <p className="font-semibold text-bad">{title}</p>
        <p className="mt-0.5 break-words text-fg" data-testid="error-message">
          {message}
          <span className="text-muted">{status}</span>
        </p>
        {onRetry ? (
          <button type="button" onClick={onRetry} className="mt-2 rounded-md border border-line bg-panel px-2 py-1 text-xs font-medium hover:bg-raised">
            Try again
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-10 text-center">
      {icon ? <div className="text-2xl text-muted">{icon}</div> : null}
      <p className="font-medium">{title}</p>
      {children ? <div className="max-w-xl text-sm text-muted">{children}</div> : null}
    </div>
  );
}
