"use client";

import { useState } from "react";
import type { KillSwitchBody } from "@/lib/api/control-views.ts";
import type { KillScope } from "@/lib/control/kill-switch.ts";
import { killQuestion, SCOPE_WORDS } from "@/lib/view/control.ts";
import { StopIcon } from "./control-icons.tsx";

const SCOPES: readonly KillScope[] = ["agent", "edge", "label", "all"];

const input = "w-full rounded-md border border-line bg-panel px-3 py-2 text-sm";

/** What to kill and why, then a second step that names exactly what will stop. */
export function KillForm({ busy, error, onKill }: { busy: boolean; error: string | null; onKill: (body: KillSwitchBody) => void }) {
  const [scope, setScope] = useState<KillScope>("agent");
  const [agent, setAgent] = useState("");
  const [sender, setSender] = useState("");
  const [receiver, setReceiver] = useState("");
  const [label, setLabel] = useState("");
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);

  const target = scope === "agent" ? agent.trim() : scope === "edge" ? `${sender.trim()}->${receiver.trim()}` : scope === "label" ? label.trim() : "";
  const complete = reason.trim() !== "" && (scope === "agent" ? agent.trim() !== "" : scope === "edge" ? sender.trim() !== "" && receiver.trim() !== "" : scope === "label" ? label.trim() !== "" : true);
  const body = (): KillSwitchBody => {
    const why = reason.trim();
    if (scope === "agent") return { scope, agent: agent.trim(), reason: why };
    if (scope === "edge") return { scope, sender: sender.trim(), receiver: receiver.trim(), reason: why };
    if (scope === "label") return { scope, label: label.trim(), reason: why };
    return { scope, reason: why };
  };

  return (
    <form
      data-testid="kill-form"
      className="space-y-4 px-5 py-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!complete) return;
        if (!asking) setAsking(true);
        else onKill(body());
      }}
    >
      <fieldset disabled={asking}>
        <legend className="mb-2 text-sm font-medium">What to stop</legend>
        <div className="flex flex-wrap gap-2">
          {SCOPES.map((s) => (
            <label key={s} className={`flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm ${scope === s ? "border-accent bg-accent-soft font-semibold text-accent" : "border-line"}`}>
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} className="sr-only" />
              {SCOPE_WORDS[s]}
            </label>
          ))}
        </div>
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          {scope === "agent" ? (
            <label className="text-sm">
              Agent id
              <input className={input} value={agent} onChange={(e) => setAgent(e.target.value)} placeholder="demo.pricer" name="agent" />
            </label>
          ) : null}
          {scope === "edge" ? (
            <>
              <label className="text-sm">
                From (sender)
                <input className={input} value={sender} onChange={(e) => setSender(e.target.value)} placeholder="demo.planner" name="sender" />
              </label>
              <label className="text-sm">
                To (receiver)
                <input className={input} value={receiver} onChange={(e) => setReceiver(e.target.value)} placeholder="demo.buyer" name="receiver" />
              </label>
            </>
          ) : null}
          {scope === "label" ? (
            <label className="text-sm">
              Label (key=value, or key for any value)
              <input className={input} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="cluster=eu" name="label" />
            </label>
          ) : null}
          {scope === "all" ? (
            <p className="text-sm text-muted sm:col-span-2">Kill-all stops every agent. It takes two people: you request it here, and a different on-call confirms it within 5 minutes.</p>
          ) : null}
        </div>
        <label className="mt-3 block text-sm">
          Reason (required: stored with your name, shown to the next on-call)
          <textarea className={`${input} min-h-16`} required value={reason} onChange={(e) => setReason(e.target.value)} placeholder="What you saw, and the incident or ticket" name="reason" />
        </label>
      </fieldset>
      {asking ? (
        <div role="alertdialog" aria-labelledby="kill-question" className="flex flex-wrap items-center gap-3 rounded-lg border border-bad/50 bg-bad-soft px-4 py-3">
          <StopIcon className="shrink-0 text-2xl text-bad" />
          <p id="kill-question" className="min-w-0 flex-1 text-sm font-semibold text-fg">
            {killQuestion(scope, target)} <span className="font-normal text-muted">Guards refuse within a second.</span>
          </p>
          <button type="submit" disabled={busy} className="rounded-md bg-bad px-4 py-2 text-sm font-bold text-white disabled:opacity-50">
            {busy ? "Working…" : scope === "all" ? "Yes, request kill-all" : `Yes, kill ${SCOPE_WORDS[scope].toLowerCase()}`}
          </button>
          <button type="button" onClick={() => setAsking(false)} className="rounded-md border border-line bg-panel px-3 py-2 text-sm">
            No, go back
          </button>
        </div>
      ) : (
        <button type="submit" disabled={!complete} className="inline-flex items-center gap-2 rounded-md bg-bad px-4 py-2 text-sm font-bold text-white disabled:opacity-40">
          <StopIcon /> {scope === "all" ? "Request kill-all…" : `Kill ${SCOPE_WORDS[scope].toLowerCase()}…`}
        </button>
      )}
      {error ? (
        <p role="alert" data-testid="kill-error" className="text-sm font-medium text-bad">
          {error}
        </p>
      ) : null}
    </form>
  );
}
