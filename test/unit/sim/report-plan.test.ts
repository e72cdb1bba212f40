import { describe, expect, it } from "vitest";
import { chaosPlan, CHAOS_TIMING } from "@/lib/sim/chaos.ts";
import { freshNamespace, parseCaps, parseParams, parseSpeed } from "@/lib/sim/cli.ts";
import { demoFaults } from "@/lib/sim/demo.ts";
import { FAULT_NAMES, FAULTS } from "@/lib/sim/faults/catalog.ts";
import { chaosRow, formatTable, type EngineObservation } from "@/lib/sim/report.ts";
import { SCENARIOS } from "@/lib/sim/scenarios/index.ts";
import type { FaultScore, RunScore } from "@/lib/sim/score.ts";
import { AgentId } from "@/lib/registry/schema.ts";

const faultScore = (over: Partial<FaultScore> = {}): FaultScore => ({
  id: "f1",
  fault: "spoof",
  variant: "unregistered",
  detection: "door",
  target: "x.a",
  fired: true,
  injected: 3,
  stored: 3,
  flagged: 3,
  expected: 3,
  firstFlagMs: 42,
  downstream: 0,
  downstreamFlagged: 0,
  missed: [],
  ...over,
});
const observation = (over: Partial<EngineObservation> = {}): EngineObservation => ({
  firstFlagMs: null,
  firstFlagBy: null,
  flaggedBy: [],
  cleanFlagged: { flagged: 0, total: 200, byDetector: {}, byRule: {}, flags: [] },
  breakerTripMs: null,
  enforcementMs: null,
  taintedShare: null,
  origin: { found: 0, total: 0, misses: [] },
  blast: { precision: null, recall: null, hits: 0, found: 0, truth: 0, extra: [], missed: [], truncated: [] },
  ...over,
});
const runScore = (flagged = 0): RunScore => ({ faults: [], clean: { total: 200, stored: 200, flagged, falseFlags: [] }, pending: 0, missing: 0 });

describe("chaos rows", () => {
  it("a door fault: counts, share and time to first flag", () => {
    expect(chaosRow("procurement", faultScore(), 0, runScore(), null, false)).toEqual({
      scenario: "procurement",
      fault: "spoof",
      variant: "unregistered",
      detection: "door",
      injected: "3",
      flagged: "3/3 (100%)",
      firstFlag: "42 ms",
      breakerTrip: "n/a (no engine)",
      enforced: "n/a (no engine)",
      tainted: "n/a (no engine)",
      poisonedUncontained: "-",
      poisonedEnforced: "not run",
      origin: "n/a (no engine)",
      blast: "n/a (no engine)",
      falseFlags: "0/200",
      engineFalseFlags: "n/a (no engine)",
    });
  });

  it("an engine fault is not yet detected, never shown as caught", () => {
    const row = chaosRow("procurement", faultScore({ fault: "poisoned-feed", variant: "scale", detection: "engine", injected: 0, stored: 0, flagged: 0, expected: 0, firstFlagMs: null }), 7, runScore(), null, false);
    expect(row.injected).toBe("0 + 7 corrupted");
    expect(row.flagged).toBe("-");
    expect(row.firstFlag).toBe("not yet detected");
  });

  it("a door fault that got through says so", () => {
    const row = chaosRow("p", faultScore({ flagged: 0, expected: 0, firstFlagMs: null }), 0, runScore(2), null, false);
    expect(row.flagged).toBe("0/3 (0%)");
    expect(row.firstFlag).toBe("never flagged");
    expect(row.falseFlags).toBe("2/200");
  });

  it("once an engine reports, its columns show what it saw", () => {
    const seen = observation({
      breakerTripMs: 1500,
      enforcementMs: 180,
      taintedShare: 0.25,
      origin: { found: 3, total: 4, misses: [] },
      blast: { precision: 1, recall: 0.75, hits: 3, found: 3, truth: 4, extra: [], missed: ["m"], truncated: [] },
      cleanFlagged: { flagged: 2, total: 200, byDetector: { new_edge: 2 }, byRule: { "new_edge/new_edge": 2 }, flags: [] },
    });
    const shares = { uncontained: 14 / 16, enforced: 1 / 16, poisonedUncontained: 14, poisonedEnforced: 1, decisions: 16 };
    const row = chaosRow("p", faultScore(), 0, runScore(), seen, true, { containment: shares, enforcementMs: 180 });
    expect(row.breakerTrip).toBe("1500 ms");
    expect(row.enforced).toBe("180 ms");
    expect([row.poisonedUncontained, row.poisonedEnforced]).toEqual(["88% (14/16)", "6.3% (1/16)"]);
    // Without an enforced twin the uncontained share is still known; the enforced one says it was not run.
    const alone = chaosRow("p", faultScore(), 0, runScore(), seen, true, { containment: { ...shares, enforced: null, poisonedEnforced: 0 }, enforcementMs: undefined });
    expect([alone.enforced, alone.poisonedUncontained, alone.poisonedEnforced]).toEqual(["not run", "88% (14/16)", "not run"]);
    expect(row.tainted).toBe("25%");
    expect(row.origin).toBe("3/4");
    expect(row.blast).toBe("1.00/0.75 (4)");
    expect(row.engineFalseFlags).toBe("2/200");
    const quiet = chaosRow("p", faultScore(), 0, runScore(), observation(), true);
    expect([quiet.breakerTrip, quiet.enforced, quiet.tainted, quiet.origin, quiet.blast]).toEqual(["no trip", "not run", "-", "-", "-/- (0)"]);
  });

  it("an engine fault shows the engine's first flag and which detector raised it, or says it was not detected", () => {
    const engineFault = faultScore({ fault: "fan-out-storm", variant: "burst", detection: "engine", flagged: 0, expected: 0, firstFlagMs: null });
    expect(chaosRow("p", engineFault, 0, runScore(), observation({ firstFlagMs: 812, firstFlagBy: "fan_out_burst" }), true).firstFlag).toBe("812 ms (fan_out_burst)");
    expect(chaosRow("p", engineFault, 0, runScore(), observation(), true).firstFlag).toBe("not detected");
    // The door's own time stays in its column when it caught the fault.
    expect(chaosRow("p", faultScore(), 0, runScore(), observation({ firstFlagMs: 5, firstFlagBy: "verification" }), true).firstFlag).toBe("42 ms");
  });

  it("a fault that never fired is not counted as anything", () => {
    const row = chaosRow("p", faultScore({ fired: false, injected: 0, stored: 0, flagged: 0, expected: 0, firstFlagMs: null }), 0, runScore(), null, false);
    expect(row.injected).toBe("did not fire");
    expect(row.firstFlag).toBe("-");
  });

  it("pads a table to its widest cells", () => {
    const lines = formatTable([chaosRow("procurement", faultScore(), 0, runScore(), null, false)]).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]!.indexOf("fault")).toBe(lines[2]!.indexOf("spoof"));
  });
});

describe("chaos plan", () => {
  it("covers every scenario with every fault, in namespaces that are valid agent-id prefixes", () => {
    const plan = chaosPlan({ tag: "chaos-abc" });
    expect(plan).toHaveLength(SCENARIOS.length * FAULT_NAMES.length);
    expect(new Set(plan.map((c) => c.namespace)).size).toBe(plan.length);
    for (const c of plan) {
      expect(AgentId.safeParse(`${c.namespace}.a0000`).success, c.namespace).toBe(true);
      expect(c.spec.at).toBeLessThan(c.duration);
    }
    expect(Object.keys(CHAOS_TIMING).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  it("with --variants, one run per variant", () => {
    const plan = chaosPlan({ tag: "t", scenarios: ["procurement"], variants: true });
    expect(plan).toHaveLength(FAULT_NAMES.reduce((n, f) => n + FAULTS[f].variants.length, 0));
  });
});

describe("demo schedule", () => {
  it("cycles through every fault, lasting ones bounded", () => {
    const faults = demoFaults(20 * 60_000, 30 * 60_000, 24 * 3_600_000);
    expect(new Set(faults.map((f) => f.fault))).toEqual(new Set(FAULT_NAMES));
    for (const f of faults.filter((x) => ["poisoned-feed", "feedback-loop", "agent-crash"].includes(x.fault))) expect(f.duration).toBe(20 * 60_000);
    expect(faults[0]).toMatchObject({ fault: "spoof", at: 20 * 60_000 });
  });

  it("alternates variants on later laps", () => {
    const faults = demoFaults(0, 1, 2 * FAULT_NAMES.length);
    const spoofs = faults.filter((f) => f.fault === "spoof").map((f) => f.variant);
    expect(spoofs).toEqual(["unregistered", "impersonate"]);
  });
});

describe("command-line parsing", () => {
  it("reads scenario parameters and speeds", () => {
    expect(parseParams(["agents=1000", "fanOut=5"])).toEqual({ agents: 1000, fanOut: 5 });
    expect(() => parseParams(["agents"])).toThrow(/name=number/);
    expect(() => parseParams(["agents=lots"])).toThrow(/name=number/);
    expect(parseSpeed("max")).toBe(Infinity);
    expect(parseSpeed("3600")).toBe(3600);
    expect(parseSpeed("60x")).toBe(60);
    expect(() => parseSpeed("-1")).toThrow(/positive/);
  });

  it("reads guard caps", () => {
    expect(parseCaps("maxFanOut=3,maxChainDepth=5")).toEqual({ maxFanOut: 3, maxChainDepth: 5 });
    expect(parseCaps("maxFanOut=0")).toEqual({ maxFanOut: 0 });
    expect(() => parseCaps("fanout=3")).toThrow(/maxFanOut=N/);
    expect(() => parseCaps("maxFanOut=-1")).toThrow(/maxFanOut=N/);
  });

  it("makes a fresh namespace per run", () => {
    expect(freshNamespace("procurement")).toMatch(/^procurement-[0-9a-f]{6}$/);
    expect(freshNamespace("x")).not.toBe(freshNamespace("x"));
  });
});
