// A quarantined state key: guards neither read nor write it (the policy's
// quarantinedKeys; lib/guard/decisions.ts) until an on-call lifts it. The
// engine opens one when a state.write descends from a record it contained
// (lib/engine/containment/contained-state.ts), a person may open one by
// hand, and only a person lifts one, once the value is repaired: a
// quarantine exists because the value can no longer be trusted, and no
// timer makes it trustworthy again. A small state machine: active -> lifted.

export const QUARANTINE_STATES = ["active", "lifted"] as const;
export type QuarantineState = (typeof QUARANTINE_STATES)[number];

export interface Quarantine {
  id: string;
  key: string;
  state: QuarantineState;
  recordId: string | null;
  reason: string;
  openedBy: string;
  openedAt: number;
  liftedBy: string | null;
  liftReason: string | null;
  liftedAt: number | null;
}

export type LiftOutcome = { ok: true; next: Quarantine } | { ok: false; reason: string };

export function liftQuarantine(q: Quarantine, actor: string, reason: string, now: number): LiftOutcome {
  if (q.state !== "active") {
    return { ok: false, reason: `the quarantine of ${q.key} was already lifted by ${q.liftedBy ?? "someone"} (${q.liftReason ?? "no reason"}); guards read and write it again` };
  }
  return { ok: true, next: { ...q, state: "lifted", liftedBy: actor, liftReason: reason, liftedAt: now } };
}

/** The audit entry's target for a key. */
export const quarantineTarget = (key: string): string => `state:${key}`;
