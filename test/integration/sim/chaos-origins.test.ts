// Where a fault entered, found by lineage over what the engine flagged, for
// the faults whose origin the engine used to miss (docs/benchmarks.md,
// "Chaos detection quality"): each one was masked by a false flag upstream
// or left unflagged, for a reason fixed in a detector or in the evaluator.
// A handful of chaos runs (the same code path as `npm run chaos`) against a
// real collector, the engine's passes driven from here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma, type PrismaClient } from "@/lib/db/prisma.ts";
import { CHAOS_SKEW_MS, chaosPlan, runChaos, type ChaosResult } from "@/lib/sim/chaos.ts";
import type { FaultName } from "@/lib/sim/faults/catalog.ts";
import { startHarness, type Harness } from "../collector/collector-harness.ts";
import { drainingEngine, harnessConnection } from "./harness-connection.ts";

/** Each fault, and what hid its origin before. */
const CASES: readonly { scenario: string; fault: FaultName; was: string }[] = [
  // A new fleet's first executor -> reconciler message flagged new_edge above the downgraded record.
  { scenario: "procurement", fault: "downgrade", was: "masked by new_edge in the fleet's warm-up" },
  // The tampered quote's deviation named the clean feed read it claimed to be made from.
  { scenario: "procurement", fault: "forged-signature", was: "the clean read named as evidence" },
  // The storm's first 20 messages were under the per-cycle cap, and the rate span ended at another run's clock.
  { scenario: "trading", fault: "fan-out-storm", was: "first storm messages unflagged" },
  // Found or masked by a young trader's semantic_deviation depending on where
  // an engine pass cut the trader's history; learning blocks follow each
  // agent's own record count now (ADR 0030), whatever the passes.
  { scenario: "trading", fault: "key-compromise", was: "unstable: where a pass cut a young trader's history decided it" },
  // Each series placed the loop's entry alone, at the clean value its rise
  // came from: a SKU's clean order that rose into the loop masked it, a first
  // amplified order within the usual range or a view that crossed zero left
  // it a round late. The loop's rising series vote for the round (ADR 0035).
  { scenario: "procurement", fault: "feedback-loop", was: "masked or late: each series placed the loop alone" },
  // semantic_deviation named trader-1's views as they left their range, so no
  // later pass saw four of them beyond it: its first amplified view was never
  // named, and another trader's, which read it, was found instead. A series
  // past twice its range carries the loop however few of its values are left,
  // and a rise that follows a hole began in it (ADR 0040).
  { scenario: "trading", fault: "feedback-loop", was: "masked: the first trader's views named by semantic_deviation and gone from later windows" },
  // Loops of one agent through its own memory (ADR 0055): the coder builds
  // each change on its last, the synthetic root adds its last value to the
  // next. No cycle had a self-edge and each ticket or task was a series of
  // its own, so feedback_loop never spoke; semantic_deviation named the
  // changes late, and the root's clean feed read as where its first
  // amplified value came in.
  { scenario: "software-delivery", fault: "feedback-loop", was: "late: no loop of one agent, each ticket its own series" },
  { scenario: "synthetic", fault: "feedback-loop", was: "masked: the root's clean feed read named as evidence" },
  // The attacker's reviews (ticket T-900, risk 0) pass every check and every
  // value baseline; each names the reviewer's last real input, a change for
  // another ticket, which no review of the reviewer's ever did (ADR 0056).
  { scenario: "software-delivery", fault: "key-compromise", was: "not detected: plausible reviews signed with the stolen key" },
  // The runaway's first copies were in flight under the concurrency limit
  // beside the root's clean fan-outs; the cap names every copy of the message
  // an over-limit fan-out copied (ADR 0056).
  { scenario: "synthetic", fault: "fan-out-storm", was: "first storm messages unflagged" },
];

let h: Harness;
let prisma: PrismaClient;
let results: ChaosResult[];

beforeAll(async () => {
  h = await startHarness({ skewMs: CHAOS_SKEW_MS });
  prisma = createPrisma(h.db.url);
  const engine = drainingEngine(h);
  // One run at a time, so each run is judged as it arrives (a run's records in
  // many passes); chaos.test.ts judges runs racing each other.
  const plan = CASES.flatMap((c) => chaosPlan({ scenarios: [c.scenario], faults: [c.fault], tag: "origins" }));
  results = await runChaos(harnessConnection(h, prisma, "chaos-origins"), plan, { seed: "chaos-origins", concurrency: 1, engine });
}, 600_000);

afterAll(async () => {
  await prisma.$disconnect();
  await h.close();
});

describe("chaos origins the engine used to miss", () => {
  it.each(CASES)("$scenario $fault: every trace finds the true origin (was: $was)", ({ scenario, fault }) => {
    const r = results.find((x) => x.case.scenario === scenario && x.case.fault === fault)!;
    const e = r.engine!;
    expect(r.truth.faults[0]?.fired).toBe(true);
    // The fault is still caught: something the engine or the door said names its records.
    expect(e.flaggedBy.length, r.case.namespace).toBeGreaterThan(0);
    expect(e.origin.total, r.case.namespace).toBeGreaterThan(0);
    expect(e.origin.misses.map((m) => `${m.miss} from ${m.start}: ${m.returned.join(", ")}`), r.case.namespace).toEqual([]);
    expect(e.origin.found).toBe(e.origin.total);
    if (e.blast.truth > 0) expect([e.blast.precision, e.blast.recall], r.case.namespace).toEqual([1, 1]);
  });

  it("names the stolen key's reviews by subject_mismatch", () => {
    const r = results.find((x) => x.case.scenario === "software-delivery" && x.case.fault === "key-compromise")!;
    expect(r.engine!.flaggedBy, r.case.namespace).toContain("subject_mismatch");
  });

  it("names the loops of one agent by feedback_loop, as loops of their agent's memory", () => {
    for (const r of results.filter((x) => x.case.fault === "feedback-loop" && ["software-delivery", "synthetic"].includes(x.case.scenario))) {
      expect(r.engine!.flaggedBy, r.case.namespace).toContain("feedback_loop");
    }
  });

  it("flags no clean record of these fleets as a new edge: their edges were learned in the warm-up", () => {
    for (const r of results) expect(r.engine!.cleanFlagged.byDetector.new_edge ?? 0, r.case.namespace).toBe(0);
  });
});
