// The server's approval queue as a state machine: a typed state, the legal
// transitions, and one pure function that says whether a decision may be
// taken now (and if not, why, in words an on-call can act on). The guard's
// own hold (lib/guard/approvals.ts) mirrors it: pending, then exactly one of
// approved, denied or expired, and nothing after that.

export const APPROVAL_STATUSES = ["pending", "approved", "denied", "expired"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type ApprovalEvent = "approve" | "deny" | "expire";

export const APPROVAL_TRANSITIONS: readonly (readonly [ApprovalStatus, ApprovalEvent, ApprovalStatus])[] = [
  ["pending", "approve", "approved"],
  ["pending", "deny", "denied"],
  ["pending", "expire", "expired"],
];

export function approvalTransition(status: ApprovalStatus, event: ApprovalEvent): ApprovalStatus | null {
  for (const [from, on, to] of APPROVAL_TRANSITIONS) if (from === status && on === event) return to;
  return null;
}

/** What the decision rules need to know about a request. */
export interface DecisionFacts {
  status: ApprovalStatus;
  agent: string;
  /** Epoch ms: no decision before this. */
  decidableAt: number;
  /** Epoch ms: the request is expired from this instant on. */
  expiresAt: number;
}

export type DecisionCheck =
  | { ok: true; to: ApprovalStatus }
  | { ok: false; problem: "expired"; message: string }
  | { ok: false; problem: "decided"; message: string }
  | { ok: false; problem: "too_early"; secondsLeft: number; message: string }
  | { ok: false; problem: "self"; message: string };

/** An expired request reads as expired even before a sweep has written it down. */
export function effectiveStatus(facts: Pick<DecisionFacts, "status" | "expiresAt">, now: number): ApprovalStatus {
  return facts.status === "pending" && now >= facts.expiresAt ? "expired" : facts.status;
}

/** Seconds until a decision is allowed, rounded up; 0 when it already is. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * May `actor` take `event` on this request at `now`? Order matters: a
 * request that has expired or been decided says so first (nothing else can
 * change that), then the agent may never approve its own action, then the
 * cooling-off delay.
 */
export function checkDecision(facts: DecisionFacts, event: "approve" | "deny", actor: string, now: number): DecisionCheck {
  const status = effectiveStatus(facts, now);
  if (status === "expired") return { ok: false, problem: "expired", message: "the request expired before anyone decided: the guard has refused the action; the agent must ask again" };
  const to = approvalTransition(status, event);
  if (to === null) return { ok: false, problem: "decided", message: `the request was already ${status}: a decision cannot be changed` };
  if (actor === facts.agent) return { ok: false, problem: "self", message: `${actor} is the agent that asked: an agent can never decide on its own action; another on-call must` };
  if (now < facts.decidableAt) {
    const secondsLeft = secondsUntil(facts.decidableAt, now);
    return { ok: false, problem: "too_early", secondsLeft, message: `too early: a decision is allowed in ${secondsLeft} s (read the request in full meanwhile)` };
  }
  return { ok: true, to };
}

/** When a new request expires: the server's limit, or sooner when the guard itself will stop waiting. */
export function expiryFor(now: number, ttlMs: number, guardExpiresAt: number | null): number {
  const server = now + ttlMs;
  return guardExpiresAt !== null && Number.isFinite(guardExpiresAt) && guardExpiresAt < server ? guardExpiresAt : server;
}

/** Queue order: pending first (soonest expiry first), then the rest, latest decision first. */
export function queueOrder<T extends { status: ApprovalStatus; expiresAt: number; decidedAt: number | null; requestedAt: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const pa = a.status === "pending" ? 0 : 1;
    const pb = b.status === "pending" ? 0 : 1;
    if (pa !== pb) return pa - pb;
    if (pa === 0) return a.expiresAt - b.expiresAt;
    return (b.decidedAt ?? b.requestedAt) - (a.decidedAt ?? a.requestedAt);
  });
}
