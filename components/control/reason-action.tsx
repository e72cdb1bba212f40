"use client";

import { useState } from "react";
import type { Tone } from "@/lib/view/format.ts";

const BUTTON: Record<"bad" | "ok" | "neutral", string> = {
  bad: "bg-bad text-white hover:opacity-90",
  ok: "bg-ok text-white hover:opacity-90",
  neutral: "border border-line bg-panel hover:bg-raised",
};

/**
 * A button that first asks why: the reason is required (the API refuses
 * without one) and is stored with the caller's name. Opening it shows the
 * reason field and the real button; nothing happens on the first click.
 */
export function ReasonAction({
  label,
  confirmLabel,
  tone,
  placeholder,
  busy,
  onSubmit,
  testId,
}: {
  label: string;
  confirmLabel: string;
  tone: Extract<Tone, "bad" | "ok" | "neutral">;
  placeholder: string;
  busy: boolean;
  onSubmit: (reason: string) => void;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  if (!open) {
    return (
      <button type="button" data-testid={testId} onClick={() => setOpen(true)} className={`rounded-md px-3 py-1.5 text-sm font-semibold ${BUTTON[tone]}`}>
        {label}
      </button>
    );
  }
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() !== "") onSubmit(reason.trim());
      }}
    >
      <label className="sr-only" htmlFor={`${testId ?? label}-reason`}>
        Reason
      </label>
      <input
        id={`${testId ?? label}-reason`}
        autoFocus
        required
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={placeholder}
        className="min-w-56 flex-1 rounded-md border border-line bg-panel px-2 py-1.5 text-sm"
      />
      <button type="submit" disabled={busy || reason.trim() === ""} className={`rounded-md px-3 py-1.5 text-sm font-semibold disabled:opacity-50 ${BUTTON[tone]}`}>
        {busy ? "Working…" : confirmLabel}
      </button>
      <button type="button" onClick={() => setOpen(false)} className="rounded-md px-2 py-1.5 text-sm text-muted hover:text-fg">
        Back
      </button>
    </form>
  );
}
