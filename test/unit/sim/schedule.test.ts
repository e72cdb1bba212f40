import { describe, expect, it } from "vitest";
import { formatDuration, formatSimTime, parseDuration } from "@/lib/sim/duration.ts";
import { FAULT_NAMES, FAULTS, faultVariant } from "@/lib/sim/faults/catalog.ts";
import { formatFaultArg, parseFaultArg } from "@/lib/sim/faults/schedule.ts";

describe("durations", () => {
  it("reads the units people write", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1200")).toBe(1200);
  });

  it("refuses what is not a duration", () => {
    for (const bad of ["", "m", "-5m", "5 minutes", "NaN", "1e9h", "5y"]) expect(parseDuration(bad), bad).toBeNull();
  });

  it("formats simulated instants and durations", () => {
    expect(formatSimTime(0)).toBe("d0 00:00:00");
    expect(formatSimTime(90_061_000)).toBe("d1 01:01:01");
    expect(formatDuration(7_200_000)).toBe("2h");
    expect(formatDuration(90_000)).toBe("90s");
    expect(formatDuration(1_500)).toBe("1500ms");
  });
});

describe("fault schedule", () => {
  it("parses name@time[:target][,options]", () => {
    expect(parseFaultArg("poisoned-feed@30m:price-monitor,factor=10,duration=1h")).toEqual({
      fault: "poisoned-feed",
      at: 1_800_000,
      target: "price-monitor",
      factor: 10,
      duration: 3_600_000,
    });
    expect(parseFaultArg("replay@2h")).toEqual({ fault: "replay", at: 7_200_000 });
    expect(parseFaultArg("injection@45m:recommender,variant=free-text").variant).toBe("free-text");
    expect(parseFaultArg("fan-out-storm@1m,count=20").count).toBe(20);
  });

  it("round-trips through its command-line form", () => {
    const spec = parseFaultArg("agent-crash@1h:executor,duration=30m");
    expect(parseFaultArg(formatFaultArg(spec))).toEqual(spec);
  });

  it("says what is wrong with a bad fault", () => {
    expect(() => parseFaultArg("meteor@1h")).toThrow(/not one of/);
    expect(() => parseFaultArg("replay")).toThrow(/name@time/);
    expect(() => parseFaultArg("replay@soon")).toThrow(/duration/);
    expect(() => parseFaultArg("spoof@1m,variant=polite")).toThrow(/no variant/);
    expect(() => parseFaultArg("spoof@1m,colour=red")).toThrow(/option/);
    expect(() => parseFaultArg("fan-out-storm@1m,count=-3")).toThrow();
  });

  it("knows every fault the issue names, each with a default variant", () => {
    expect([...FAULT_NAMES].sort()).toEqual(
      [
        "agent-crash",
        "broken-authority",
        "capability-abuse",
        "downgrade",
        "fan-out-storm",
        "feedback-loop",
        "forged-signature",
        "injection",
        "key-compromise",
        "memory-violation",
        "poisoned-feed",
        "replay",
        "spoof",
      ].sort(),
    );
    for (const name of FAULT_NAMES) {
      const v = faultVariant(name);
      expect(v.detection === "door" ? v.expect.length > 0 : v.expect.length === 0, name).toBe(true);
    }
  });

  it("marks only what the door can see as door-level", () => {
    const engineOnly = ["poisoned-feed", "key-compromise", "feedback-loop", "fan-out-storm", "agent-crash"];
    for (const name of engineOnly) expect(FAULTS[name as (typeof FAULT_NAMES)[number]].variants.every((v) => v.detection === "engine"), name).toBe(true);
  });
});
