import { describe, expect, it } from "vitest";
import { layerSizes, topology } from "@/lib/sim/scenarios/synthetic.ts";
import { virtualRun } from "./fixtures.ts";

describe("synthetic fleet", () => {
  it("sizes layers to the fleet, every layer at least one agent", () => {
    expect(layerSizes(40, 4, 3)).toEqual([1, 3, 9, 27]);
    expect(layerSizes(1000, 4, 3).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(layerSizes(3, 8, 2)).toEqual([1, 1, 1]);
    expect(layerSizes(10, 1, 5)).toEqual([10]);
    for (const [n, d, f] of [[2, 2, 1], [7, 3, 10], [5000, 6, 2], [999, 5, 4]] as const) {
      const sizes = layerSizes(n, d, f);
      expect(sizes.reduce((a, b) => a + b, 0), `${n}/${d}/${f}`).toBe(n);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    }
  });

  it("gives every agent below the roots exactly one parent", () => {
    const t = topology(200, 4, 3);
    const parents = new Map<string, number>();
    for (const kids of t.children.values()) for (const k of kids) parents.set(k, (parents.get(k) ?? 0) + 1);
    for (const layer of t.roles.slice(1)) for (const r of layer) expect(parents.get(r), r).toBe(1);
    expect(t.roles.flat()).toHaveLength(200);
  });

  it("runs 1,000 agents with fan-out and depth, every agent registered and the leaves working", async () => {
    const v = await virtualRun({ scenario: "synthetic", params: { agents: 1000, fanOut: 3, depth: 4, rate: 30 }, duration: 5 * 60_000 });
    expect(v.run.fleet.entries).toHaveLength(1002);
    const t = v.result.truth;
    expect(t.counts.records).toBeGreaterThan(1000);
    const actors = new Set(t.records.map((r) => r.agent));
    expect(actors.size).toBeGreaterThan(300);
    const fanOuts = v.records.filter((r) => r.intent === "synthetic.Work").map((r) => r.to?.length ?? 0);
    expect(Math.max(...fanOuts)).toBe(3);
    expect(v.records.filter((r) => r.intent === "complete_task").length).toBeGreaterThan(100);
  }, 60_000);
});
