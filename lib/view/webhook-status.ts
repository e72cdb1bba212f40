// Prepare, then draw: how a webhook's deliveries and attempts read on the
// settings screen. Pure, so the unit tests pin every word and tone.
import type { Tone } from "./format.ts";

const DELIVERY: Record<string, { label: string; tone: Tone }> = {
  delivered: { label: "Delivered", tone: "ok" },
  pending: { label: "Retrying", tone: "info" },
  failed: { label: "Failed", tone: "bad" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

/** A delivery's status as a word and a tone; a pending one that has not been tried yet is Queued. */
export function deliveryBadge(status: string, attempts = 1): { label: string; tone: Tone } {
  if (status === "pending" && attempts === 0) return { label: "Queued", tone: "info" };
  return DELIVERY[status] ?? { label: status.charAt(0).toUpperCase() + status.slice(1), tone: "neutral" };
}

/** One attempt in a line: `#2 HTTP 500 · 120 ms`, or its error. */
export function attemptLine(a: { attempt: number; statusCode: number | null; latencyMs: number; error: string | null }): string {
  const what = a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? "no answer");
  return `#${a.attempt} ${what} · ${formatLatency(a.latencyMs)}`;
}

export function attemptTone(a: { statusCode: number | null }): Tone {
  return a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300 ? "ok" : "bad";
}

export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export const EVENT_LABELS: Record<string, string> = {
  "incident.opened": "Incident opened",
  "breaker.tripped": "Breaker tripped",
  "kill_switch.changed": "Kill switch changed",
};
