import { Suspense } from "react";
import { WebhooksClient } from "./webhooks-client.tsx";

export const metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <header>
        <p className="text-sm font-medium text-accent">Settings</p>
        <h1 className="text-2xl font-semibold tracking-tight">Alert webhooks</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Incident openings, breaker trips and kill-switch changes, POSTed to Slack or any HTTP endpoint. Prometheus metrics are on the collector port at
          /metrics; see docs/integrations.md.
        </p>
      </header>
      {/* The open log is read from the URL on the client. */}
      <Suspense fallback={<div className="h-64 animate-pulse rounded-xl bg-raised" />}>
        <WebhooksClient />
      </Suspense>
    </div>
  );
}
