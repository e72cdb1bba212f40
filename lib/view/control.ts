// The control screen's words, tones and icons, decided here so tests can
// call them: the banner an on-call sees first at 3 a.m., and how each kill
// switch and scope is named. Colour is never the only signal: every state
// has a word and an icon too.
import type { KillScope } from "../control/kill-switch.ts";
import type { Tone } from "./format.ts";

export type ControlIcon = "stop" | "hourglass" | "warn" | "ok";

export interface ControlBanner {
  tone: Tone;
  icon: ControlIcon;
  /** One or two words, in capitals on screen. */
  word: string;
  sentence: string;
}

export interface ControlSummary {
  killAll: boolean;
  pendingKillAll: { requestedBy: string; expiresAt: string | null } | null;
  activeCount: number;
  forcedCount: number;
  /** State keys guards neither read nor write until lifted. */
  quarantinedCount: number;
}

export function controlBanner(s: ControlSummary): ControlBanner {
  if (s.killAll) return { tone: "bad", icon: "stop", word: "ALL STOPPED", sentence: "Kill-all is on: every guard refuses every agent's traffic until it is lifted." };
  const held = s.activeCount + s.forcedCount;
  const heldText = held === 0 ? "" : ` ${plural(s.activeCount, "kill switch", "kill switches")} and ${plural(s.forcedCount, "forced breaker", "forced breakers")} in force.`;
  if (s.pendingKillAll) {
    return { tone: "warn", icon: "hourglass", word: "CONFIRM NEEDED", sentence: `${s.pendingKillAll.requestedBy} asked to kill every agent. A second, different on-call must confirm it, or it lapses.${heldText}` };
  }
  const quarantined = plural(s.quarantinedCount, "state key", "state keys");
  if (held > 0) {
    const keys = s.quarantinedCount === 0 ? "" : ` and ${quarantined} quarantined`;
    return { tone: "bad", icon: "warn", word: "PARTLY STOPPED", sentence: `${plural(s.activeCount, "kill switch", "kill switches")} and ${plural(s.forcedCount, "forced breaker", "forced breakers")} in force${keys}; everything else flows.` };
  }
  // Not "all flowing": agents that need a quarantined key are stopped at it.
  if (s.quarantinedCount > 0) {
    return { tone: "warn", icon: "warn", word: "STATE QUARANTINED", sentence: `${quarantined} quarantined: guards refuse to read or write ${s.quarantinedCount === 1 ? "it" : "them"} until an on-call repairs the value and lifts the quarantine. Everything else flows.` };
  }
  return { tone: "ok", icon: "ok", word: "ALL FLOWING", sentence: "No kill switch, forced breaker or quarantined state key is in force. Breakers the engine trips still apply." };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export const SCOPE_WORDS: Record<KillScope, string> = { agent: "Agent", edge: "Edge", label: "Label", all: "Everything" };

/** What the target reads as: "planner → buyer" for an edge, "every agent" for all. */
export function targetLabel(scope: KillScope, target: string): string {
  if (scope === "all") return "every agent";
  if (scope === "edge") return target.replace("->", " → ");
  return target;
}

/** "4:59" left on a pending kill-all; "lapsed" at or after the deadline. */
export function timeLeft(expiresAt: string | null, now: Date): string {
  if (expiresAt === null) return "";
  const ms = Date.parse(expiresAt) - now.getTime();
  if (ms <= 0) return "lapsed";
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The question the confirmation step asks, naming exactly what stops. */
export function killQuestion(scope: KillScope, target: string): string {
  switch (scope) {
    case "agent":
      return `Stop every message to and from agent ${target}?`;
    case "edge":
      return `Stop every message from ${target.replace("->", " to ")}?`;
    case "label":
      return `Stop every agent labelled ${target}, and every message to or from them?`;
    case "all":
      return "Ask for a kill-all? Once a second on-call confirms, every agent stops.";
  }
}
