"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/integrations/webhooks/events.ts";
import { EVENT_LABELS } from "@/lib/view/webhook-status.ts";
import { createWebhook, webhooksQuery } from "./webhook-queries.ts";
import { ErrorState } from "../ui/states.tsx";

const field = "h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg";
const labelClass = "flex flex-col gap-1 text-xs font-medium text-muted";

type SecretMode = "generate" | "own" | "none";

/** A new destination. A generated secret is shown once, here, after creation. */
export function WebhookForm() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<"json" | "slack">("json");
  const [events, setEvents] = useState<WebhookEventType[]>(["incident.opened", "breaker.tripped", "kill_switch.changed"]);
  const [secretMode, setSecretMode] = useState<SecretMode>("generate");
  const [secret, setSecret] = useState("");
  const [shownSecret, setShownSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createWebhook,
    onSuccess: async (created) => {
      setShownSecret(created.secret);
      setName("");
      setUrl("");
      setSecret("");
      await qc.invalidateQueries({ queryKey: webhooksQuery().queryKey });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShownSecret(null);
    create.mutate({
      name,
      url,
      format,
      events,
      generateSecret: secretMode === "generate",
      ...(secretMode === "own" ? { secret } : {}),
    });
  };
  const toggle = (ev: WebhookEventType) => setEvents((cur) => (cur.includes(ev) ? cur.filter((x) => x !== ev) : [...cur, ev]));

  return (
    <form onSubmit={submit} aria-label="New webhook" className="flex flex-col gap-4 px-5 py-4">
      <div className="grid gap-3 md:grid-cols-[1fr_2fr_auto]">
        <label className={labelClass}>
          Name
          <input className={field} value={name} onChange={(e) => setName(e.target.value)} placeholder="#sec-oncall" required maxLength={200} />
        </label>
        <label className={labelClass}>
          URL (http or https, no user name or password)
          <input className={field} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.slack.com/services/…" required type="url" />
        </label>
        <label className={labelClass}>
          Format
          <select className={field} value={format} onChange={(e) => setFormat(e.target.value as "json" | "slack")}>
            <option value="json">JSON (generic)</option>
            <option value="slack">Slack-compatible</option>
          </select>
        </label>
      </div>
      <fieldset className="flex flex-wrap items-center gap-4 text-sm">
        <legend className="mb-1 text-xs font-medium text-muted">Events</legend>
        {WEBHOOK_EVENT_TYPES.map((ev) => (
          <label key={ev} className="flex items-center gap-2">
            <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} />
            {EVENT_LABELS[ev] ?? ev}
          </label>
        ))}
      </fieldset>
      <fieldset className="flex flex-wrap items-center gap-4 text-sm">
        <legend className="mb-1 text-xs font-medium text-muted">Signing secret (HMAC-SHA256, header x-firebreak-signature)</legend>
        {(
          [
            ["generate", "Generate one"],
            ["own", "Use my own"],
            ["none", "Unsigned"],
          ] as const
        ).map(([mode, label]) => (
          <label key={mode} className="flex items-center gap-2">
            <input type="radio" name="secret-mode" checked={secretMode === mode} onChange={() => setSecretMode(mode)} />
            {label}
          </label>
        ))}
        {secretMode === "own" ? (
          <input className={`${field} min-w-64`} aria-label="Secret" type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} minLength={16} required />
        ) : null}
      </fieldset>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={create.isPending || events.length === 0} className="rounded-lg bg-accent px-3 py-2 text-sm font-semibold text-white disabled:opacity-50">
          {create.isPending ? "Adding…" : "Add webhook"}
        </button>
        {events.length === 0 ? <span className="text-sm text-muted">Pick at least one event.</span> : null}
      </div>
      {create.isError ? <ErrorState title="Could not add the webhook" error={create.error} /> : null}
      {shownSecret ? (
        <div role="status" className="rounded-lg border border-warn/40 bg-warn-soft px-4 py-3 text-sm">
          <p className="font-semibold text-warn">Copy the signing secret now: it is not shown again.</p>
          <code data-testid="generated-secret" className="mt-1 block break-all font-mono text-fg">
            {shownSecret}
          </code>
        </div>
      ) : null}
    </form>
  );
}
