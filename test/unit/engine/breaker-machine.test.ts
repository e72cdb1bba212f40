import { describe, expect, it } from "vitest";
import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from "@/lib/engine/breaker/config.ts";
import { BreakerMachine, newBreaker, step, type BreakerInput, type StepContext } from "@/lib/engine/breaker/machine.ts";
import { BREAKER_CAUSES, BREAKER_STATES, LEGAL_TRANSITIONS, blocks, isLegalTransition } from "@/lib/engine/breaker/states.ts";
import type { FailureReason } from "@/lib/engine/breaker/outcome-window.ts";
import { seeded } from "./seeded.ts";

const T = Date.UTC(2026, 10, 21, 12);
const ctx = (config: Partial<BreakerConfig> = {}, reviewRequired = false): StepContext => ({ config: { ...DEFAULT_BREAKER_CONFIG, ...config }, reviewRequired });

/** Runs inputs through a fresh breaker; returns every step's result. */
function run(inputs: BreakerInput[], c = ctx()) {
  let m = newBreaker(c.config, T);
  const steps = [];
  for (const input of inputs) {
    const r = step(m, input, c);
    m = r.machine;
    steps.push(r);
  }
  return { machine: m, steps, transitions: steps.flatMap((s) => s.transitions) };
}

let n = 0;
const rec = (sec: number, ...failure: FailureReason[]): BreakerInput => ({ type: "record", at: T + sec * 1000, recordId: `r${++n}`, failure });

describe("breaker states", () => {
  it("lists every legal transition with its causes, and nothing else is legal", () => {
    expect(isLegalTransition("CLOSED", "OPEN", "failures")).toBe(true);
    expect(isLegalTransition("CLOSED", "OPEN", "timer")).toBe(false);
    expect(isLegalTransition("CLOSED", "HALF_OPEN", "timer")).toBe(false);
    expect(isLegalTransition("FORCED_OPEN", "HALF_OPEN", "timer")).toBe(false);
    expect(isLegalTransition("FORCED_OPEN", "METRICS_ONLY", "dry_run")).toBe(false);
    for (const t of LEGAL_TRANSITIONS) {
      expect(BREAKER_STATES).toContain(t.from);
      expect(BREAKER_STATES).toContain(t.to);
      for (const c of t.causes) expect(BREAKER_CAUSES).toContain(c);
    }
  });

  it("blocks only when open or forced open", () => {
    expect(BREAKER_STATES.filter(blocks)).toEqual(["OPEN", "FORCED_OPEN"]);
  });
});

describe("breaker machine", () => {
  it("lets clean records through and stays closed", () => {
    const r = run([rec(0), rec(1), rec(2)]);
    expect(r.machine.state).toBe("CLOSED");
    expect(r.steps.map((s) => s.decision)).toEqual(["allow", "allow", "allow"]);
    expect(r.transitions).toEqual([]);
  });

  it("trips after three failures in a row and names them", () => {
    n = 0;
    const r = run([rec(0, "verification"), rec(1, "anomaly"), rec(2, "verification", "anomaly")]);
    expect(r.machine).toEqual({ state: "OPEN", since: T + 2000, until: T + 302_000, awaitingReview: false });
    expect(r.transitions).toEqual([
      { from: "CLOSED", to: "OPEN", cause: "failures", at: T + 2000, recordIds: ["r1", "r2", "r3"], detail: "3 failures in a row (limit 3)", actor: null },
    ]);
    expect(r.steps.map((s) => s.decision)).toEqual(["allow", "allow", "allow"]);
  });

  it("a clean record resets the run of failures", () => {
    const r = run([rec(0, "verification"), rec(1, "verification"), rec(2), rec(3, "verification"), rec(4, "verification")]);
    expect(r.machine.state).toBe("CLOSED");
  });

  it("trips when the anomaly rate in the window exceeds 0.15 with at least 20 records", () => {
    n = 0;
    // 4 anomalies among 20 records (0.2), never two in a row.
    const inputs = Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? rec(i, "anomaly") : rec(i)));
    const r = run(inputs);
    expect(r.transitions).toHaveLength(1);
    expect(r.transitions[0]).toMatchObject({ cause: "anomaly_rate", recordIds: ["r5", "r10", "r15", "r20"], detail: "anomaly rate 0.20 over 20 records in 60 s (limit 0.15)" });
  });

  it("does not trip on the rate below the minimum number of records, or at exactly the threshold", () => {
    const few = run(Array.from({ length: 19 }, (_, i) => (i % 4 === 3 ? rec(i, "anomaly") : rec(i))));
    expect(few.machine.state).toBe("CLOSED");
    const exact = run(Array.from({ length: 20 }, (_, i) => (i % 20 === 1 || i % 20 === 8 || i % 20 === 15 ? rec(i, "anomaly") : rec(i))));
    expect(exact.machine.state).toBe("CLOSED");
  });

  it("forgets anomalies that slid out of the window", () => {
    const inputs = [rec(0, "anomaly"), rec(1, "anomaly"), ...Array.from({ length: 20 }, (_, i) => (i === 10 ? rec(100 + i, "anomaly") : rec(100 + i)))];
    expect(run(inputs).machine.state).toBe("CLOSED");
  });

  it("blocks while open, lets one probe through after 300 s, and closes on a clean probe", () => {
    const trip = [rec(0, "verification"), rec(1, "verification"), rec(2, "verification")];
    const r = run([...trip, rec(10), rec(301), rec(302), rec(303)]);
    expect(r.steps.slice(3).map((s) => s.decision)).toEqual(["block", "block", "probe", "allow"]);
    expect(r.transitions.map((t) => [t.from, t.to, t.cause])).toEqual([
      ["CLOSED", "OPEN", "failures"],
      ["OPEN", "HALF_OPEN", "timer"],
      ["HALF_OPEN", "CLOSED", "probe_clean"],
    ]);
  });

  it("reopens on a failed probe, for another full period", () => {
    const trip = [rec(0, "verification"), rec(1, "verification"), rec(2, "verification")];
    const r = run([...trip, { type: "tick", at: T + 302_000 }, rec(310, "anomaly")]);
    expect(r.machine).toEqual({ state: "OPEN", since: T + 310_000, until: T + 610_000, awaitingReview: false });
    expect(r.transitions.at(-1)).toMatchObject({ from: "HALF_OPEN", to: "OPEN", cause: "probe_failed", recordIds: [`r${n}`] });
  });

  it("needs every probe clean when several are allowed", () => {
    const c = ctx({ halfOpenProbes: 2, openMs: 0 });
    const r = run([rec(0, "verification"), rec(1, "verification"), rec(2, "verification"), rec(3), rec(4)], c);
    expect(r.steps.slice(3).map((s) => s.decision)).toEqual(["probe", "probe"]);
    expect(r.machine.state).toBe("CLOSED");
  });

  it("waits for a human review before it may close, when the edge leads to red actions", () => {
    const c = ctx({}, true);
    const trip = [rec(0, "verification"), rec(1, "verification"), rec(2, "verification")];
    const r = run([...trip, { type: "tick", at: T + 10_000_000 }, rec(10_001)], c);
    expect(r.machine).toMatchObject({ state: "OPEN", awaitingReview: true });
    expect(r.steps.at(-1)!.decision).toBe("block");
    expect(r.transitions[0]!.detail).toBe("3 failures in a row (limit 3); waiting for review");

    // Kept open: no state change, but the decision is an event with who and why.
    const kept = step(r.machine, { type: "review", at: T + 10_002_000, actor: "ana", decision: "keep_open", note: "still poisoned" }, c);
    expect(kept.rejected).toBeNull();
    expect(kept.machine).toEqual(r.machine);
    expect(kept.transitions).toEqual([
      { from: "OPEN", to: "OPEN", cause: "review_kept_open", at: T + 10_002_000, recordIds: [], detail: "review kept it open: still poisoned", actor: "ana" },
    ]);
    // Still waiting for review: keeping it open does not start the timer.
    expect(step(kept.machine, { type: "tick", at: T + 99_000_000 }, c).machine).toMatchObject({ state: "OPEN", awaitingReview: true });
    const released = step(r.machine, { type: "review", at: T + 10_002_000, actor: "ana", decision: "release", note: "false positive" }, c);
    expect(released.transitions).toEqual([
      { from: "OPEN", to: "HALF_OPEN", cause: "review_released", at: T + 10_002_000, recordIds: [], detail: "review released it: false positive", actor: "ana" },
    ]);
    const probe = step(released.machine, rec(10_003, "verification"), c);
    expect(probe.machine).toMatchObject({ state: "OPEN", awaitingReview: true });
  });

  it("refuses a review when nothing waits for one", () => {
    const r = step(newBreaker(DEFAULT_BREAKER_CONFIG, T), { type: "review", at: T, actor: "ana", decision: "release" }, ctx());
    expect(r.rejected).toBe("not waiting for review; the breaker is CLOSED");
  });

  it("kill switch: forced open from any state, blocks everything, only a release closes it", () => {
    for (const start of [[], [rec(0, "verification"), rec(1, "verification"), rec(2, "verification")], [{ type: "dry_run", at: T, actor: "ana" } as const]]) {
      const r = run([...start, { type: "force_open", at: T + 5000, actor: "ana", reason: "incident 42" }, rec(6)]);
      expect(r.machine).toEqual({ state: "FORCED_OPEN", since: T + 5000, actor: "ana", reason: "incident 42" });
      expect(r.steps.at(-1)!.decision).toBe("block");
      expect(r.transitions.at(-1)).toMatchObject({ to: "FORCED_OPEN", cause: "forced", actor: "ana", detail: "kill switch: incident 42" });
    }
    const forced = run([{ type: "force_open", at: T, actor: "ana", reason: "x" }]).machine;
    expect(step(forced, { type: "tick", at: T + 1e9 }, ctx()).machine.state).toBe("FORCED_OPEN");
    expect(step(forced, { type: "reset", at: T, actor: "ana" }, ctx()).rejected).toBe("the kill switch is released, not reset");
    expect(step(forced, { type: "dry_run", at: T, actor: "ana" }, ctx()).rejected).toBe("release the kill switch first");
    expect(step(forced, { type: "force_open", at: T, actor: "ana", reason: "y" }, ctx()).rejected).toBe("the kill switch is already on");
    const released = step(forced, { type: "release", at: T + 1, actor: "bo" }, ctx());
    expect(released.machine.state).toBe("CLOSED");
    expect(released.transitions[0]).toMatchObject({ from: "FORCED_OPEN", to: "CLOSED", cause: "released", actor: "bo" });
    expect(step(released.machine, { type: "release", at: T, actor: "bo" }, ctx()).rejected).toMatch(/only the kill switch/);
  });

  it("dry run measures and never blocks, recording where it would have tripped", () => {
    n = 0;
    const r = run([{ type: "dry_run", at: T, actor: "ana" }, rec(1, "verification"), rec(2, "verification"), rec(3, "verification"), rec(4, "verification")]);
    expect(r.steps.slice(1).map((s) => s.decision)).toEqual(["allow", "allow", "allow", "allow"]);
    expect(r.machine).toMatchObject({ state: "METRICS_ONLY", wouldHaveTripped: 1 });
    expect(r.transitions.map((t) => [t.from, t.to, t.cause, t.detail])).toEqual([
      ["CLOSED", "METRICS_ONLY", "dry_run", "dry run: measuring, never blocking"],
      ["METRICS_ONLY", "METRICS_ONLY", "dry_run_trip", "would have tripped: 3 failures in a row (limit 3)"],
    ]);
    const enforced = step(r.machine, { type: "enforce", at: T + 10_000, actor: "ana" }, ctx());
    expect(enforced.machine.state).toBe("CLOSED");
    expect(step(enforced.machine, { type: "enforce", at: T, actor: "ana" }, ctx()).rejected).toMatch(/not in dry run/);
  });

  it("can start in dry run by configuration", () => {
    expect(newBreaker({ ...DEFAULT_BREAKER_CONFIG, startIn: "METRICS_ONLY" }, T).state).toBe("METRICS_ONLY");
  });

  it("resets to closed by hand, clearing its window", () => {
    const r = run([rec(0, "verification"), rec(1, "verification"), rec(2, "verification"), { type: "reset", at: T + 3000, actor: "ana" }, rec(4, "verification"), rec(5, "verification")]);
    expect(r.machine.state).toBe("CLOSED");
    expect(r.transitions.at(-1)).toMatchObject({ from: "OPEN", to: "CLOSED", cause: "reset", actor: "ana" });
  });

  it("ignores records with no usable time in the window", () => {
    const r = run([{ type: "record", at: Number.NaN, recordId: "x", failure: ["anomaly"] }, rec(1)]);
    expect(r.machine.state).toBe("CLOSED");
  });

  it("takes only legal transitions, and its state survives JSON, over 5,000 seeded random inputs", () => {
    const rand = seeded(42);
    const c = ctx({ openMs: 20_000, windowMs: 10_000, minCalls: 5 }, false);
    const cr = ctx({ openMs: 20_000, windowMs: 10_000, minCalls: 5 }, true);
    let m = newBreaker(c.config, T);
    let at = T;
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      at += Math.floor(rand() * 4000);
      const x = rand();
      const input: BreakerInput =
        x < 0.8
          ? { type: "record", at, recordId: `q${i}`, failure: rand() < 0.3 ? [rand() < 0.5 ? "anomaly" : "verification"] : [] }
          : x < 0.85
            ? { type: "tick", at }
            : x < 0.87
              ? { type: "force_open", at, actor: "a", reason: "r" }
              : x < 0.9
                ? { type: "release", at, actor: "a" }
                : x < 0.92
                  ? { type: "dry_run", at, actor: "a" }
                  : x < 0.95
                    ? { type: "enforce", at, actor: "a" }
                    : x < 0.98
                      ? { type: "review", at, actor: "a", decision: rand() < 0.5 ? "release" : "keep_open" }
                      : { type: "reset", at, actor: "a" };
      const r = step(m, input, rand() < 0.5 ? c : cr);
      for (const t of r.transitions) {
        expect(isLegalTransition(t.from, t.to, t.cause)).toBe(true);
        seen.add(`${t.from}>${t.to}`);
      }
      if (r.decision === "block") expect(["OPEN", "FORCED_OPEN"]).toContain(r.machine.state);
      if (r.machine.state === "METRICS_ONLY" && r.decision !== null) expect(r.decision).toBe("allow");
      m = BreakerMachine.parse(JSON.parse(JSON.stringify(r.machine)));
      expect(m).toEqual(r.machine);
    }
    // The walk reached every state.
    expect(new Set([...seen].flatMap((s) => s.split(">")))).toEqual(new Set(BREAKER_STATES));
  });
});
