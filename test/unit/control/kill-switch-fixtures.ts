// Kill switches as the store hands them to the pure functions.
import type { KillSwitch } from "@/lib/control/kill-switch.ts";

export const T0 = Date.UTC(2026, 11, 5, 3, 0, 0);

let next = 1;
export function killSwitch(over: Partial<KillSwitch> = {}): KillSwitch {
  return {
    id: String(next++),
    scope: "agent",
    target: "pricer",
    state: "active",
    requestedBy: "alice",
    reason: "pricer is quoting from a poisoned feed",
    requestedAt: T0,
    expiresAt: null,
    confirmedBy: null,
    confirmReason: null,
    confirmedAt: null,
    liftedBy: null,
    liftReason: null,
    liftedAt: null,
    ...over,
  };
}

export const pendingKillAll = (over: Partial<KillSwitch> = {}): KillSwitch =>
  killSwitch({ scope: "all", target: "", state: "pending", reason: "every agent is exfiltrating", expiresAt: T0 + 300_000, ...over });
