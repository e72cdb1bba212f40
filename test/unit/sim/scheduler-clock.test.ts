import { describe, expect, it } from "vitest";
import { SimClock, type Wall } from "@/lib/sim/clock.ts";
import { Prng } from "@/lib/sim/prng.ts";
import { Scheduler } from "@/lib/sim/scheduler.ts";

function drain(s: Scheduler): string[] {
  const out: string[] = [];
  for (let e = s.pop(); e !== undefined; e = s.pop()) out.push(e.label);
  return out;
}

describe("Scheduler", () => {
  it("runs events by time, and in queueing order at equal times", () => {
    const s = new Scheduler();
    s.at(20, "c", () => {});
    s.at(10, "a", () => {});
    s.at(20, "d", () => {});
    s.at(10, "b", () => {});
    s.at(0, "first", () => {});
    expect(drain(s)).toEqual(["first", "a", "b", "c", "d"]);
  });

  it("keeps order over many shuffled events", () => {
    const s = new Scheduler();
    const p = new Prng("heap");
    const times = Array.from({ length: 5000 }, () => p.int(1000));
    times.forEach((t, i) => s.at(t, `${t}:${String(i).padStart(5, "0")}`, () => {}));
    const labels = drain(s);
    const sorted = [...labels].sort((x, y) => {
      const [tx, ix] = x.split(":").map(Number) as [number, number];
      const [ty, iy] = y.split(":").map(Number) as [number, number];
      return tx - ty || ix - iy;
    });
    expect(labels).toEqual(sorted);
  });

  it("refuses a time that is not a number", () => {
    expect(() => new Scheduler().at(Number.NaN, "x", () => {})).toThrow(RangeError);
    expect(() => new Scheduler().at(Infinity, "x", () => {})).toThrow(RangeError);
  });
});

function fakeWall(start: number): Wall & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe("SimClock", () => {
  it("virtual: stamps are anchor + simulated time, and nothing waits", async () => {
    const wall = fakeWall(0);
    const c = new SimClock({ mode: "virtual", anchor: Date.UTC(2026, 0, 1), wall });
    await c.advanceTo(3_600_000);
    expect(new Date(c.stamp()).toISOString()).toBe("2026-01-01T01:00:00.000Z");
    expect(wall.slept).toEqual([]);
  });

  it("live: stamps are the wall clock however far simulated time has run", async () => {
    const wall = fakeWall(1_000_000);
    const c = new SimClock({ mode: "live", speed: 3600, wall });
    await c.advanceTo(3_600_000);
    // One simulated hour at 3600x is one real second: the stamp moved one second, not one hour.
    expect(c.stamp()).toBe(1_001_000);
    // In steps, so a stop is noticed within a quarter second.
    expect(wall.slept).toEqual([250, 250, 250, 250]);
  });

  it("live: stops waiting once the run is aborted", async () => {
    const wall = fakeWall(0);
    const abort = new AbortController();
    const c = new SimClock({ mode: "live", speed: 1, wall, signal: abort.signal });
    abort.abort();
    await c.advanceTo(60_000);
    expect(wall.slept).toEqual([]);
    expect(c.now()).toBe(60_000);
  });

  it("live and unpaced: never waits", async () => {
    const wall = fakeWall(5);
    const c = new SimClock({ mode: "live", wall });
    await c.advanceTo(86_400_000);
    expect(wall.slept).toEqual([]);
    expect(c.stamp()).toBe(5);
  });

  it("stamps never go backwards, and simulated time never goes back", async () => {
    let now = 100;
    const c = new SimClock({ mode: "live", wall: { now: () => now, sleep: async () => {} } });
    expect(c.stamp()).toBe(100);
    now = 50;
    expect(c.stamp()).toBe(100);
    await c.advanceTo(10);
    await c.advanceTo(5);
    expect(c.now()).toBe(10);
  });

  it("live with simulated stamps: record time follows simulated time from the run's start, unpaced", async () => {
    const wall = fakeWall(1_000_000);
    const c = new SimClock({ mode: "live", stamps: "simulated", wall });
    wall.now(); // built long before it starts: the anchor is taken when simulated time first moves
    await wall.sleep(5_000);
    await c.advanceTo(0);
    await c.advanceTo(15 * 60_000);
    // Fifteen simulated minutes are fifteen minutes of record time, though no real time passed.
    expect(c.stamp()).toBe(1_005_000 + 15 * 60_000);
    expect(c.anchor).toBe(1_005_000);
    expect(wall.slept).toEqual([5_000]);
  });

  it("live, paced only from a point on: the warm-up runs unpaced, then waits for the gate before pacing", async () => {
    const wall = fakeWall(0);
    const events: string[] = [];
    const c = new SimClock({ mode: "live", stamps: "simulated", speed: 60, wall, pacedFrom: 60 * 60_000, before: async () => void events.push(`gate at ${wall.now()}`) });
    await c.advanceTo(59 * 60_000);
    expect(wall.slept).toEqual([]);
    await c.advanceTo(60 * 60_000);
    await c.advanceTo(61 * 60_000);
    // One simulated minute after pacing began, at 60x: one real second.
    expect(events).toEqual(["gate at 0"]);
    expect(wall.now()).toBe(1_000);
    expect(c.stamp()).toBe(61 * 60_000);
  });

  it("refuses a speed that is not positive", () => {
    expect(() => new SimClock({ mode: "live", speed: 0 })).toThrow(RangeError);
    expect(() => new SimClock({ mode: "live", speed: -1 })).toThrow(RangeError);
  });
});
