import { describe, expect, it } from "vitest";
import { DatabaseGate, isGateRefusal, type GatePass } from "@/lib/collector/database-gate.ts";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("database gate", () => {
  it("closes on an unavailable commit, refuses with the time left, then lets one trial batch through", () => {
    const c = clock();
    const gate = new DatabaseGate(2_000, () => {}, c.now);
    const p = gate.enter() as GatePass;
    p.unavailable("shutdown");
    expect(gate.status.state).toBe("down");
    const refused = gate.enter();
    expect(isGateRefusal(refused) && refused).toEqual({ reason: "shutdown", retryAfterSeconds: 2 });
    c.advance(2_000);
    const trial = gate.enter();
    expect(isGateRefusal(trial)).toBe(false);
    expect(gate.status.state).toBe("trial");
    // Only one trial at a time.
    expect(isGateRefusal(gate.enter())).toBe(true);
    (trial as GatePass).committed();
    expect(gate.status.state).toBe("up");
    expect(isGateRefusal(gate.enter())).toBe(false);
    expect(gate.outages).toBe(1);
    expect(gate.refused).toBe(2);
  });

  it("a failed trial keeps it shut for another delay; a trial that proved nothing hands the trial on", () => {
    const c = clock();
    const gate = new DatabaseGate(1_000, () => {}, c.now);
    (gate.enter() as GatePass).unavailable("disk_full");
    c.advance(1_000);
    (gate.enter() as GatePass).unavailable("disk_full");
    expect(gate.status).toMatchObject({ state: "down", reason: "disk_full" });
    expect(isGateRefusal(gate.enter())).toBe(true);
    c.advance(1_000);
    const inconclusive = gate.enter() as GatePass;
    inconclusive.done();
    inconclusive.committed(); // after done: ignored
    expect(gate.status.state).toBe("down");
    const next = gate.enter() as GatePass;
    next.committed();
    expect(gate.status.state).toBe("up");
  });
});
