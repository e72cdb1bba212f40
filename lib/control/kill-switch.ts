// Kill switches as a state machine: a typed state, the legal transitions,
// and pure functions that take one act and say what it does or why it is
// refused. The database (lib/db/kill-switch-store.ts) stores each act as an
// event and caches the state; the guards only ever see the merged policy
// (policy-document.ts).
//
// Killing one agent, edge or label takes one on-call. Killing everything
// takes two: the first requests it, and a different on-call confirms within
// KILL_ALL_CONFIRM_MS, or it lapses. Nobody confirms their own request.

export const KILL_SCOPES = ["agent", "edge", "label", "all"] as const;
export type KillScope = (typeof KILL_SCOPES)[number];

export const KILL_SWITCH_STATES = ["pending", "active", "lifted", "cancelled", "expired"] as const;
export type KillSwitchState = (typeof KILL_SWITCH_STATES)[number];

/** What is stored in kill_switch_events.action. */
export const KILL_ACTS = ["kill", "request_kill_all", "confirm_kill_all", "lift", "cancel", "expire"] as const;
export type KillAct = (typeof KILL_ACTS)[number];

/** Every legal transition; `null` is a switch that does not exist yet. */
export const KILL_TRANSITIONS: readonly { from: KillSwitchState | null; to: KillSwitchState; act: KillAct }[] = [
  { from: null, to: "active", act: "kill" },
  { from: null, to: "pending", act: "request_kill_all" },
  { from: "pending", to: "active", act: "confirm_kill_all" },
  { from: "pending", to: "cancelled", act: "cancel" },
  { from: "pending", to: "expired", act: "expire" },
  { from: "active", to: "lifted", act: "lift" },
];

/** A pending kill-all lapses after this unless a second on-call confirms it. */
export const KILL_ALL_CONFIRM_MS = 5 * 60_000;

export interface KillSwitch {
  id: string;
  scope: KillScope;
  /** Agent id, "from->to", "key=value" or "key"; "" for all. */
  target: string;
  state: KillSwitchState;
  requestedBy: string;
  reason: string;
  requestedAt: number;
  expiresAt: number | null;
  confirmedBy: string | null;
  confirmReason: string | null;
  confirmedAt: number | null;
  liftedBy: string | null;
  liftReason: string | null;
  liftedAt: number | null;
}

/** What a kill names, before it is a switch. */
export type KillTarget = { scope: "agent"; agent: string } | { scope: "edge"; sender: string; receiver: string } | { scope: "label"; label: string } | { scope: "all" };

export function targetText(t: KillTarget): string {
  switch (t.scope) {
    case "agent":
      return t.agent;
    case "edge":
      return `${t.sender}->${t.receiver}`;
    case "label":
      return t.label;
    case "all":
      return "";
  }
}

/** How the audit trail names what was killed: `agent:<id>`, `edge:<from>-><to>`, `label:<k=v>`, `*`. */
export function auditTarget(scope: KillScope, target: string): string {
  return scope === "all" ? "*" : `${scope}:${target}`;
}

/** A sentence for people: "agent pricer", "edge a -> b", "every agent labelled cluster=eu", "every agent". */
export function describeTarget(scope: KillScope, target: string): string {
  switch (scope) {
    case "agent":
      return `agent ${target}`;
    case "edge":
      return `edge ${target.replace("->", " -> ")}`;
    case "label":
      return `every agent labelled ${target}`;
    case "all":
      return "every agent";
  }
}

export type Outcome = { ok: true; next: KillSwitch; act: KillAct } | { ok: false; reason: string };

/** Is a pending kill-all past its deadline at `now`? */
export function hasLapsed(sw: KillSwitch, now: number): boolean {
  return sw.state === "pending" && sw.expiresAt !== null && now >= sw.expiresAt;
}

/** The second on-call confirms a pending kill-all. */
export function confirmKillAll(sw: KillSwitch, actor: string, reason: string, now: number): Outcome {
  if (sw.scope !== "all") return { ok: false, reason: `switch ${sw.id} kills ${describeTarget(sw.scope, sw.target)} and is already in force: only a kill-all needs confirming` };
  if (sw.state !== "pending") return { ok: false, reason: `the kill-all ${sw.id} is ${sw.state}, not awaiting confirmation: request a new one if it is still needed` };
  if (hasLapsed(sw, now)) {
    return { ok: false, reason: `the kill-all ${sw.id} requested by ${sw.requestedBy} lapsed unconfirmed at ${new Date(sw.expiresAt ?? now).toISOString()}: request it again` };
  }
  if (actor === sw.requestedBy) {
    return { ok: false, reason: `${actor} requested this kill-all and cannot also confirm it: a second, different on-call must confirm` };
  }
  return { ok: true, act: "confirm_kill_all", next: { ...sw, state: "active", confirmedBy: actor, confirmReason: reason, confirmedAt: now } };
}

/** Lifting an active switch ends it; "lifting" a pending kill-all cancels the request. */
export function liftSwitch(sw: KillSwitch, actor: string, reason: string, now: number): Outcome {
  if (sw.state === "pending") {
    if (hasLapsed(sw, now)) return { ok: false, reason: `the kill-all ${sw.id} already lapsed unconfirmed: there is nothing to cancel` };
    return { ok: true, act: "cancel", next: { ...sw, state: "cancelled", liftedBy: actor, liftReason: reason, liftedAt: now } };
  }
  if (sw.state !== "active") return { ok: false, reason: `switch ${sw.id} on ${describeTarget(sw.scope, sw.target)} is already ${sw.state}` };
  return { ok: true, act: "lift", next: { ...sw, state: "lifted", liftedBy: actor, liftReason: reason, liftedAt: now } };
}

/** A pending kill-all past its deadline, marked expired. */
export function expire(sw: KillSwitch): KillSwitch {
  return { ...sw, state: "expired" };
}

export function isLegalKillTransition(from: KillSwitchState | null, to: KillSwitchState, act: KillAct): boolean {
  return KILL_TRANSITIONS.some((t) => t.from === from && t.to === to && t.act === act);
}
