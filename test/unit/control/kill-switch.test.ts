// The kill switch's rules, without a database: two people for a kill-all,
// a request that lapses, what lifting does in each state, and that every
// outcome is a listed transition.
import { describe, expect, it } from "vitest";
import {
  auditTarget,
  confirmKillAll,
  describeTarget,
  hasLapsed,
  isLegalKillTransition,
  KILL_SWITCH_STATES,
  liftSwitch,
  targetText,
  type Outcome,
} from "@/lib/control/kill-switch.ts";
import { killSwitch, pendingKillAll, T0 } from "./kill-switch-fixtures.ts";

const reason = (o: Outcome): string => (o.ok ? "ok" : o.reason);

describe("kill-all needs two different on-calls", () => {
  it("a second on-call confirms within the time limit, and the switch becomes active with both names", () => {
    const out = confirmKillAll(pendingKillAll(), "bob", "confirmed on the bridge call", T0 + 60_000);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.act).toBe("confirm_kill_all");
    expect(out.next).toMatchObject({ state: "active", requestedBy: "alice", confirmedBy: "bob", confirmReason: "confirmed on the bridge call", confirmedAt: T0 + 60_000 });
  });

  it("the requester cannot confirm their own kill-all, and is told a different on-call must", () => {
    const out = confirmKillAll(pendingKillAll(), "alice", "me again", T0 + 1000);
    expect(out.ok).toBe(false);
    expect(reason(out)).toMatch(/alice requested this kill-all and cannot also confirm it: a second, different on-call must confirm/);
  });

  it("a confirmation at or after the deadline is refused and says to request again", () => {
    const sw = pendingKillAll();
    expect(confirmKillAll(sw, "bob", "late", T0 + 299_999).ok).toBe(true);
    const late = confirmKillAll(sw, "bob", "late", T0 + 300_000);
    expect(reason(late)).toMatch(/lapsed unconfirmed at 2026-12-05T03:05:00.000Z: request it again/);
    expect(hasLapsed(sw, T0 + 300_000)).toBe(true);
    expect(hasLapsed(sw, T0 + 299_999)).toBe(false);
  });

  it("only a pending kill-all can be confirmed", () => {
    expect(reason(confirmKillAll(killSwitch(), "bob", "x", T0))).toMatch(/only a kill-all needs confirming/);
    expect(reason(confirmKillAll(pendingKillAll({ state: "active" }), "bob", "x", T0))).toMatch(/is active, not awaiting confirmation/);
    expect(reason(confirmKillAll(pendingKillAll({ state: "cancelled" }), "bob", "x", T0))).toMatch(/is cancelled/);
  });
});

describe("lifting", () => {
  it("lifts an active switch with who and why", () => {
    const out = liftSwitch(killSwitch(), "carol", "feed fixed and replayed", T0 + 5000);
    expect(out.ok && out.act).toBe("lift");
    expect(out.ok && out.next).toMatchObject({ state: "lifted", liftedBy: "carol", liftReason: "feed fixed and replayed", liftedAt: T0 + 5000 });
  });

  it("cancels a pending kill-all (the requester may withdraw it), but not one that already lapsed", () => {
    const out = liftSwitch(pendingKillAll(), "alice", "false alarm", T0 + 1000);
    expect(out.ok && out.act).toBe("cancel");
    expect(out.ok && out.next.state).toBe("cancelled");
    expect(reason(liftSwitch(pendingKillAll(), "alice", "x", T0 + 400_000))).toMatch(/already lapsed/);
  });

  it("refuses to lift what already ended", () => {
    for (const state of ["lifted", "cancelled", "expired"] as const) {
      expect(reason(liftSwitch(killSwitch({ state }), "carol", "x", T0))).toMatch(new RegExp(`already ${state}`));
    }
  });
});

describe("transitions", () => {
  it("every successful outcome is a listed transition, and nothing leaves an ended switch", () => {
    const outcomes: [Parameters<typeof isLegalKillTransition>[0], Outcome][] = [
      ["pending", confirmKillAll(pendingKillAll(), "bob", "x", T0)],
      ["pending", liftSwitch(pendingKillAll(), "bob", "x", T0)],
      ["active", liftSwitch(killSwitch(), "bob", "x", T0)],
    ];
    for (const [from, o] of outcomes) {
      expect(o.ok).toBe(true);
      if (o.ok) expect(isLegalKillTransition(from, o.next.state, o.act)).toBe(true);
    }
    for (const from of ["lifted", "cancelled", "expired"] as const) {
      for (const to of KILL_SWITCH_STATES) expect(isLegalKillTransition(from, to, "lift")).toBe(false);
    }
    expect(isLegalKillTransition(null, "active", "request_kill_all")).toBe(false);
  });
});

describe("targets", () => {
  it("names each scope for the store, the audit trail and people", () => {
    expect(targetText({ scope: "edge", sender: "a", receiver: "b" })).toBe("a->b");
    expect(targetText({ scope: "label", label: "cluster=eu" })).toBe("cluster=eu");
    expect(targetText({ scope: "all" })).toBe("");
    expect(auditTarget("edge", "a->b")).toBe("edge:a->b");
    expect(auditTarget("all", "")).toBe("*");
    expect(describeTarget("label", "cluster=eu")).toBe("every agent labelled cluster=eu");
    expect(describeTarget("edge", "a->b")).toBe("edge a -> b");
  });
});
