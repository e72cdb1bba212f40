import { describe, expect, it } from "vitest";
import { findingSeverity, HIGH_IMPACT, impactOf, MEDIUM_IMPACT, type SeverityFacts } from "@/lib/engine/incidents/severity.ts";
import { LEGAL_MOVES, moveIncident, type StatusFacts } from "@/lib/engine/incidents/status.ts";

const facts = (spec: Partial<SeverityFacts> = {}): SeverityFacts => ({
  detector: "semantic_deviation",
  score: 4,
  reach: 0,
  impact: null,
  redActionTainted: false,
  identityReachesDecision: false,
  ...spec,
});

describe("findingSeverity", () => {
  it("a tainted red action or a forged identity reaching a decision is critical whatever the impact", () => {
    expect(findingSeverity(facts({ impact: 0.1, redActionTainted: true }))).toBe("critical");
    expect(findingSeverity(facts({ impact: 0.1, identityReachesDecision: true, detector: "verification" }))).toBe("critical");
  });

  it("otherwise the impact decides, at 50 and 10", () => {
    expect(findingSeverity(facts({ impact: HIGH_IMPACT }))).toBe("high");
    expect(findingSeverity(facts({ impact: HIGH_IMPACT - 0.01 }))).toBe("medium");
    expect(findingSeverity(facts({ impact: MEDIUM_IMPACT }))).toBe("medium");
    expect(findingSeverity(facts({ impact: MEDIUM_IMPACT - 0.01 }))).toBe("low");
  });

  it("a verification failure is never below medium", () => {
    expect(findingSeverity(facts({ detector: "verification", score: null, impact: 1 }))).toBe("medium");
  });

  it("without a stored impact: deviation x (1 + reach), deviation capped, NaN and null scores count as 1", () => {
    expect(impactOf(facts({ score: -5, reach: 3 }))).toBe(20);
    expect(impactOf(facts({ score: 1e9, reach: 0 }))).toBe(1000);
    expect(impactOf(facts({ score: Number.NaN, reach: 2 }))).toBe(3);
    expect(impactOf(facts({ score: null, reach: null }))).toBe(1);
    expect(impactOf(facts({ impact: Number.NaN, score: 2, reach: 0 }))).toBe(2);
  });
});

describe("moveIncident", () => {
  const base: StatusFacts = { id: "7", status: "open", acknowledgedBy: null, acknowledgedAt: null, resolvedBy: null, resolvedAt: null, mergedInto: null };
  const at = new Date("2026-11-22T09:00:00Z");

  it("allows exactly the legal moves", () => {
    for (const m of LEGAL_MOVES) expect(moveIncident({ ...base, status: m.from }, m.move)).toEqual({ ok: true, to: m.to });
  });

  it("refuses the rest with what to do instead", () => {
    const resolved = { ...base, status: "resolved" as const, resolvedBy: "admin", resolvedAt: at };
    expect(moveIncident(resolved, "resolve")).toEqual({ ok: false, reason: "incident 7 is already resolved by admin at 2026-11-22T09:00:00.000Z: add a note to say more" });
    expect(moveIncident(resolved, "acknowledge")).toMatchObject({ ok: false, reason: expect.stringMatching(/resolved .* cannot be acknowledged: add a note/) });
    expect(moveIncident({ ...base, status: "acknowledged", acknowledgedBy: "admin", acknowledgedAt: at }, "acknowledge")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("resolve it when it is dealt with"),
    });
    expect(moveIncident({ ...base, status: "merged", mergedInto: "3" }, "resolve")).toMatchObject({ ok: false, reason: expect.stringContaining("act on incident 3 instead") });
    expect(moveIncident({ ...base, status: "acknowledged" }, "merge")).toMatchObject({ ok: false, reason: expect.stringContaining("never merged") });
  });
});
