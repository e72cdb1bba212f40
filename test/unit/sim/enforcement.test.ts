import { describe, expect, it } from "vitest";
import { LocalPolicy } from "@/lib/guard/policy.ts";
import { EnforcementWatch, refusedEdges, tripToEnforcement } from "@/lib/sim/enforcement.ts";

describe("EnforcementWatch", () => {
  it("notes the first moment each edge is refused, by breaker or killed edge, and ignores later changes", () => {
    const policy = new LocalPolicy();
    let t = 1000;
    const watch = new EnforcementWatch(policy, () => t);
    policy.setBreaker("a", "b", "METRICS_ONLY");
    t = 2000;
    policy.setBreaker("a", "b", "OPEN");
    t = 3000;
    policy.killEdge("c", "d");
    policy.setBreaker("a", "b", "FORCED_OPEN");
    expect([...watch.firstRefused]).toEqual([
      ["a->b", 2000],
      ["c->d", 3000],
    ]);
    watch.close();
    policy.setBreaker("e", "f", "OPEN");
    expect(watch.firstRefused.has("e->f")).toBe(false);
    expect(refusedEdges(policy.current()).sort()).toEqual(["a->b", "c->d", "e->f"]);
  });
});

describe("tripToEnforcement", () => {
  it("measures from the earliest trip on the path to its edge being enforced; null without either", () => {
    const trips = [
      { sender: "x", receiver: "y", at: 5000 },
      { sender: "a", receiver: "b", at: 4000 },
    ];
    expect(tripToEnforcement(trips, new Map([["a->b", 4350]]))).toBe(350);
    expect(tripToEnforcement(trips, new Map([["x->y", 5100]]))).toBeNull();
    expect(tripToEnforcement([], new Map())).toBeNull();
    // Chaos record time runs hours ahead of the wall clock: a trip's commit time is what enforcement is timed from.
    const ahead = [{ sender: "a", receiver: "b", at: 9_000_000, committedAt: 4000 }];
    expect(tripToEnforcement(ahead, new Map([["a->b", 4250]]))).toBe(250);
    // A guard that already refused the edge (killed by hand before the trip) enforced it at once.
    expect(tripToEnforcement(trips, new Map([["a->b", 3000]]))).toBe(0);
  });
});
