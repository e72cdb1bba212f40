// How an approval request reads on screen, decided by pure functions the
// tests call: its state as a tone and a word (the icon follows the tone), and
// the two clocks an on-call watches: until a decision is allowed, and until
// the request expires. Times are counted on the server's clock, corrected by
// the offset seen when the answer arrived, so a laptop with a wrong clock
// does not show a wrong countdown.
import type { Tone } from "./format.ts";

export interface StatusLook {
  tone: Tone;
  label: string;
  /** One short sentence for the detail header. */
  meaning: string;
}

export function approvalStatusLook(status: string): StatusLook {
  switch (status) {
    case "pending":
      return { tone: "warn", label: "Waiting", meaning: "The agent's guard is holding the action until someone decides." };
    case "approved":
      return { tone: "ok", label: "Approved", meaning: "Approved: the signed approval joined the action's authority and the guard released it." };
    case "denied":
      return { tone: "bad", label: "Denied", meaning: "Denied: the guard refused the action." };
    case "expired":
      return { tone: "neutral", label: "Expired", meaning: "Nobody decided in time: the guard refused the action." };
    default:
      return { tone: "neutral", label: status, meaning: "" };
  }
}

/** "14 min 05 s", "42 s", "now". */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "now";
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}

export interface ApprovalClock {
  /** ms until a decision is allowed; 0 when it is. */
  untilDecidable: number;
  /** ms until the request expires; 0 when it has. */
  untilExpiry: number;
  /** Share of the waiting time used up, 0..1, for a bar. */
  elapsed: number;
}

/**
 * `clientNow` is the browser's clock; `offsetMs` is server minus client at
 * the time of the answer (serverTime - receivedAt).
 */
export function approvalClock(a: { requestedAt: string; decidableAt: string; expiresAt: string }, clientNow: number, offsetMs: number): ApprovalClock {
  const now = clientNow + (Number.isFinite(offsetMs) ? offsetMs : 0);
  const requested = Date.parse(a.requestedAt);
  const decidable = Date.parse(a.decidableAt);
  const expires = Date.parse(a.expiresAt);
  const span = expires - requested;
  return {
    untilDecidable: Math.max(0, decidable - now),
    untilExpiry: Math.max(0, expires - now),
    elapsed: span > 0 ? Math.min(1, Math.max(0, (now - requested) / span)) : 1,
  };
}

/** Pretty JSON for reading, or the text as it came when it is not JSON. */
export function prettyJson(text: string | null): string {
  if (text === null) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A request record's words: its payload's `text`, or the whole payload. */
export function requestText(payload: string | null): string {
  if (payload === null) return "";
  try {
    const v: unknown = JSON.parse(payload);
    if (v !== null && typeof v === "object" && "text" in v && typeof v.text === "string") return v.text;
  } catch {
    return payload;
  }
  return prettyJson(payload);
}
