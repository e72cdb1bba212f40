import { describe, expect, it } from "vitest";
import { startTicker } from "@/lib/process/ticker.ts";

describe("startTicker", () => {
  it("shares the run under way with a tick that comes during it, then runs again", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const t = startTicker(
      () =>
        new Promise<number>((resolve) => {
          runs += 1;
          release = () => resolve(runs);
        }),
      60_000,
    );
    const a = t.tick();
    const b = t.tick();
    expect(a).toBe(b);
    release();
    expect(await a).toBe(1);
    const c = t.tick();
    expect(c).not.toBe(a);
    release();
    expect(await c).toBe(2);
    await t.stop();
  });

  it("runs at once when asked, then on its interval, and stops waiting for the run under way", async () => {
    let runs = 0;
    const t = startTicker(async () => ++runs, 20, { now: true });
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 110));
    await t.stop();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(after);
  });

  it("runs as at the time a tick names, and at the clock's time otherwise", async () => {
    const seen: number[] = [];
    const t = startTicker(async (now) => seen.push(now), 60_000);
    await t.tick(1_234);
    const before = Date.now();
    await t.tick();
    await t.stop();
    expect(seen[0]).toBe(1_234);
    expect(seen[1]).toBeGreaterThanOrEqual(before);
  });
});
