import { describe, expect, it } from "vitest";
import type { VerdictDetail } from "@/lib/protocol/record.ts";
import { combineVerdicts, isVerified } from "@/lib/verify/combine.ts";

describe("combineVerdicts", () => {
  it("turns nothing found into verified", () => {
    expect(combineVerdicts([])).toEqual([{ verdict: "verified" }]);
  });

  it("drops verified when anything else was found", () => {
    expect(combineVerdicts([{ verdict: "verified" }, { verdict: "stale", detail: "x" }])).toEqual([{ verdict: "stale", detail: "x" }]);
  });

  it("de-duplicates same verdict and detail, keeps different details, keeps first-seen order", () => {
    const list: VerdictDetail[] = [
      { verdict: "future", detail: "a" },
      { verdict: "capability_violation", detail: "to b" },
      { verdict: "future", detail: "a" },
      { verdict: "capability_violation", detail: "to c" },
      { verdict: "unsigned" },
      { verdict: "unsigned" },
    ];
    expect(combineVerdicts(list)).toEqual([
      { verdict: "future", detail: "a" },
      { verdict: "capability_violation", detail: "to b" },
      { verdict: "capability_violation", detail: "to c" },
      { verdict: "unsigned" },
    ]);
  });

  it("lets unattested_agent stand beside verified only when the registry allows unattested agents", () => {
    const note: VerdictDetail = { verdict: "unattested_agent", detail: "n" };
    expect(combineVerdicts([note], { allowUnattested: true })).toEqual([{ verdict: "verified" }, note]);
    expect(combineVerdicts([note], { allowUnattested: false })).toEqual([note]);
    expect(combineVerdicts([note, { verdict: "replay" }], { allowUnattested: true })).toEqual([note, { verdict: "replay" }]);
  });

  it("is idempotent", () => {
    const once = combineVerdicts([{ verdict: "unattested_agent" }], { allowUnattested: true });
    expect(combineVerdicts(once, { allowUnattested: true })).toEqual(once);
    expect(combineVerdicts(combineVerdicts([]))).toEqual([{ verdict: "verified" }]);
  });
});

describe("isVerified", () => {
  it("is true exactly when verified is present", () => {
    expect(isVerified([{ verdict: "verified" }, { verdict: "unattested_agent" }])).toBe(true);
    expect(isVerified([{ verdict: "pending" }])).toBe(false);
    expect(isVerified([])).toBe(false);
  });
});
