import { describe, expect, it } from "vitest";
import { afterFailure, claimAttempt, refund, retryAfterMs, retryMessage, type ThrottlePolicy, type ThrottleState } from "@/lib/accounts/login-throttle.ts";

const POLICY: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };
const T0 = Date.parse("2026-12-05T10:00:00Z");

function fail(times: number, start: ThrottleState | null = null, at = T0): ThrottleState | null {
  let s = start;
  for (let i = 0; i < times; i++) s = afterFailure(s, at, POLICY);
  return s;
}

describe("login throttle", () => {
  it("allows attempts until the limit, then locks for lockMs", () => {
    const two = fail(2);
    expect(retryAfterMs(two, T0)).toBe(0);
    const three = fail(1, two);
    expect(three?.lockedUntil).toBe(T0 + POLICY.lockMs);
    expect(retryAfterMs(three, T0 + 1000)).toBe(POLICY.lockMs - 1000);
    expect(retryAfterMs(three, T0 + POLICY.lockMs)).toBe(0);
  });

  it("counts afresh once the window has passed", () => {
    const two = fail(2);
    const later = afterFailure(two, T0 + POLICY.windowMs, POLICY);
    expect(later).toEqual({ failures: 1, windowStart: T0 + POLICY.windowMs, lockedUntil: null });
  });

  it("counts afresh once a lock has run out", () => {
    const locked = fail(3);
    const after = afterFailure(locked, T0 + POLICY.lockMs + 1, POLICY);
    expect(after.failures).toBe(1);
    expect(after.lockedUntil).toBeNull();
  });

  it("claims an attempt before the password check, refuses while locked", () => {
    const claim = claimAttempt(null, T0, POLICY);
    expect(claim).toEqual({ allowed: true, next: { failures: 1, windowStart: T0, lockedUntil: null } });
    const refused = claimAttempt(fail(3), T0 + 10_000, POLICY);
    expect(refused).toEqual({ allowed: false, retryAfterMs: POLICY.lockMs - 10_000 });
  });

  it("parallel claims cannot exceed the limit: the claim that reaches it locks the key", () => {
    let s: ThrottleState | null = null;
    const allowed: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const c = claimAttempt(s, T0, POLICY);
      allowed.push(c.allowed);
      if (c.allowed) s = c.next;
    }
    expect(allowed.filter(Boolean)).toHaveLength(POLICY.maxFailures);
  });

  it("a correct password gives its claim back, lifting a lock that claim set", () => {
    const two = fail(2)!;
    const claim = claimAttempt(two, T0, POLICY);
    if (!claim.allowed) throw new Error("expected the third attempt to be allowed");
    expect(claim.next.lockedUntil).not.toBeNull();
    expect(refund(claim.next, POLICY)).toEqual({ failures: 2, windowStart: T0, lockedUntil: null });
    expect(refund({ failures: 0, windowStart: T0, lockedUntil: null }, POLICY).failures).toBe(0);
  });

  it("says when to retry in seconds or minutes, with the time in UTC", () => {
    expect(retryMessage(30_500, T0)).toEqual({ seconds: 31, message: "too many failed sign-ins: try again in 31 seconds (after 2026-12-05 10:00:31 UTC)" });
    expect(retryMessage(15 * 60_000, T0).message).toBe("too many failed sign-ins: try again in 15 minutes (after 2026-12-05 10:15:00 UTC)");
    expect(retryMessage(0, T0).seconds).toBe(1);
  });
});
