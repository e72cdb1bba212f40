// The server's approval queue as a state machine: legal transitions, the
// cooling-off delay, expiry, the agent that may not decide on itself.
import { describe, expect, it } from "vitest";
import {
  APPROVAL_STATUSES,
  approvalTransition,
  checkDecision,
  effectiveStatus,
  expiryFor,
  queueOrder,
  secondsUntil,
  type ApprovalEvent,
  type DecisionFacts,
} from "@/lib/approvals/approval-state.ts";

const T0 = Date.UTC(2026, 11, 5, 3, 0, 0);
const facts = (over: Partial<DecisionFacts> = {}): DecisionFacts => ({ status: "pending", agent: "order-executor", decidableAt: T0 + 10_000, expiresAt: T0 + 900_000, ...over });

describe("approval transitions", () => {
  it("pending moves once to approved, denied or expired; nothing leaves a final state", () => {
    const events: ApprovalEvent[] = ["approve", "deny", "expire"];
    expect(events.map((e) => approvalTransition("pending", e))).toEqual(["approved", "denied", "expired"]);
    for (const s of APPROVAL_STATUSES.filter((x) => x !== "pending")) for (const e of events) expect(approvalTransition(s, e)).toBeNull();
  });
});

describe("checkDecision", () => {
  it("allows an on-call to approve or deny once the delay has passed", () => {
    expect(checkDecision(facts(), "approve", "oncall.dana", T0 + 10_000)).toEqual({ ok: true, to: "approved" });
    expect(checkDecision(facts(), "deny", "oncall.dana", T0 + 899_999)).toEqual({ ok: true, to: "denied" });
  });

  it("refuses a decision before the minimum delay, with the seconds left rounded up", () => {
    const early = checkDecision(facts(), "approve", "oncall.dana", T0 + 1_500);
    expect(early).toMatchObject({ ok: false, problem: "too_early", secondsLeft: 9 });
    expect(checkDecision(facts(), "deny", "oncall.dana", T0 + 9_999)).toMatchObject({ problem: "too_early", secondsLeft: 1 });
  });

  it("treats a request past its expiry as expired, even before the sweep wrote it down", () => {
    expect(checkDecision(facts(), "approve", "oncall.dana", T0 + 900_000)).toMatchObject({ ok: false, problem: "expired" });
    expect(effectiveStatus(facts(), T0 + 900_000)).toBe("expired");
    expect(effectiveStatus(facts(), T0 + 899_999)).toBe("pending");
    expect(effectiveStatus(facts({ status: "approved" }), T0 + 10_000_000)).toBe("approved");
  });

  it("never lets a decision change", () => {
    for (const status of ["approved", "denied", "expired"] as const) {
      const check = checkDecision(facts({ status }), "approve", "oncall.dana", T0 + 20_000);
      expect(check.ok).toBe(false);
    }
    expect(checkDecision(facts({ status: "denied" }), "approve", "x", T0 + 20_000)).toMatchObject({ problem: "decided", message: expect.stringContaining("already denied") });
  });

  it("never lets the agent decide on its own action, whatever the timing", () => {
    expect(checkDecision(facts(), "approve", "order-executor", T0 + 20_000)).toMatchObject({ ok: false, problem: "self" });
    expect(checkDecision(facts(), "deny", "order-executor", T0)).toMatchObject({ ok: false, problem: "self" });
  });
});

describe("expiry and timing helpers", () => {
  it("expires at the server's limit, or sooner when the guard stops waiting sooner", () => {
    expect(expiryFor(T0, 900_000, null)).toBe(T0 + 900_000);
    expect(expiryFor(T0, 900_000, T0 + 60_000)).toBe(T0 + 60_000);
    expect(expiryFor(T0, 900_000, T0 + 7 * 86_400_000)).toBe(T0 + 900_000);
    expect(expiryFor(T0, 900_000, Number.NaN)).toBe(T0 + 900_000);
  });

  it("counts seconds up and never below zero", () => {
    expect(secondsUntil(T0 + 1, T0)).toBe(1);
    expect(secondsUntil(T0, T0)).toBe(0);
    expect(secondsUntil(T0 - 5_000, T0)).toBe(0);
  });

  it("orders the queue pending first by soonest expiry, then decided ones latest first", () => {
    const item = (id: string, status: DecisionFacts["status"], expiresAt: number, decidedAt: number | null) => ({ id, status, expiresAt, decidedAt, requestedAt: T0 });
    const order = queueOrder([item("d-old", "denied", T0, T0 + 1), item("p-late", "pending", T0 + 900, null), item("a-new", "approved", T0, T0 + 50), item("p-soon", "pending", T0 + 100, null)]);
    expect(order.map((i) => i.id)).toEqual(["p-soon", "p-late", "a-new", "d-old"]);
  });
});
