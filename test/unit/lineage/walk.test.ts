import { describe, expect, it } from "vitest";
import { walk } from "@/lib/lineage/walk.ts";
import { asAsync, chain, graph, T0 } from "./graph-fixtures.ts";

const diamond = () =>
  graph({
    R: { kind: "request" },
    A: { parents: ["R"] },
    B: { parents: ["R"] },
    J: { parents: ["A", "B"] },
    K: { kind: "action", parents: ["J"] },
  });

describe("walk", () => {
  it("goes up to everything a record depends on, breadth-first, with depth and the edge that reached it", async () => {
    const w = await walk(diamond().adj, ["K"], "up");
    expect([...w.visits.keys()]).toEqual(["K", "J", "A", "B", "R"]);
    expect(w.visits.get("R")).toMatchObject({ depth: 3, via: { child: "A", parent: "R", kind: "parent" } });
    expect(w.visits.get("K")).toMatchObject({ depth: 0, via: null });
    expect(w.truncated).toEqual([]);
  });

  it("visits a diamond's join once but keeps both edges into it", async () => {
    const w = await walk(diamond().adj, ["R"], "down");
    expect([...w.visits.keys()]).toEqual(["R", "A", "B", "J", "K"]);
    expect(w.edges.filter((e) => e.child === "J").map((e) => e.parent).sort()).toEqual(["A", "B"]);
    expect(w.visits.get("J")!.via).toEqual({ child: "J", parent: "A", kind: "parent" });
  });

  it("survives cycles and self-references", async () => {
    const g = graph({ A: { parents: ["C"] }, B: { parents: ["A"] }, C: { parents: ["B", "C"] } });
    const w = await walk(g.adj, ["A"], "up");
    expect([...w.visits.keys()]).toEqual(["A", "C", "B"]);
    expect(w.edges).toHaveLength(4);
    const d = await walk(g.adj, ["A"], "down");
    expect(d.visits.size).toBe(3);
  });

  it("walks a 70,000-deep chain both ways without recursion", async () => {
    const g = chain(70_000);
    const up = await walk(g.adj, ["c69999"], "up", { maxDepth: 100_000 });
    expect(up.visits.size).toBe(70_000);
    expect(up.visits.get("c0")!.depth).toBe(69_999);
    const down = await walk(g.adj, ["c0"], "down", { maxDepth: 100_000 });
    expect(down.visits.get("c69999")!.depth).toBe(69_999);
    expect(down.truncated).toEqual([]);
  });

  it("by default stops 10,000 hops out, and says so", async () => {
    const w = await walk(chain(70_000).adj, ["c69999"], "up");
    expect(w.visits.size).toBe(10_001);
    expect(w.truncated).toEqual(["depth"]);
  });

  it("stops at the depth bound and says so only when something lay beyond", async () => {
    const g = chain(10);
    const w = await walk(g.adj, ["c9"], "up", { maxDepth: 3 });
    expect([...w.visits.keys()]).toEqual(["c9", "c8", "c7", "c6"]);
    expect(w.truncated).toEqual(["depth"]);
    const exact = await walk(g.adj, ["c3"], "up", { maxDepth: 3 });
    expect(exact.visits.size).toBe(4);
    expect(exact.truncated).toEqual([]);
    const zero = await walk(g.adj, ["c3"], "up", { maxDepth: 0 });
    expect([...zero.visits.keys()]).toEqual(["c3"]);
    expect(zero.truncated).toEqual(["depth"]);
  });

  it("keeps an edge back into the visited set even at the depth bound", async () => {
    const g = graph({ A: { parents: ["B"] }, B: { parents: ["A"] } });
    const w = await walk(g.adj, ["A"], "up", { maxDepth: 1 });
    expect(w.edges).toHaveLength(2);
    expect(w.truncated).toEqual([]);
  });

  it("stops at the node bound", async () => {
    const w = await walk(chain(100).adj, ["c99"], "up", { maxNodes: 10 });
    expect(w.visits.size).toBe(10);
    expect(w.truncated).toEqual(["nodes"]);
  });

  it("leaves out records outside the time window, and says how many", async () => {
    const g = chain(10);
    const w = await walk(g.adj, ["c9"], "up", { from: T0 + 5000 });
    expect([...w.visits.keys()]).toEqual(["c9", "c8", "c7", "c6", "c5"]);
    expect(w.outOfWindow).toBe(1);
    expect(w.truncated).toEqual(["window"]);
    const down = await walk(g.adj, ["c0"], "down", { to: T0 + 2000 });
    expect(down.visits.size).toBe(3);
  });

  it("always visits the starts, whatever their time", async () => {
    const w = await walk(chain(3).adj, ["c2"], "up", { from: T0 + 60_000 });
    expect([...w.visits.keys()]).toEqual(["c2"]);
    expect(w.outOfWindow).toBe(1);
  });

  it("gives up when the wall-clock budget runs out", async () => {
    let t = 0;
    const w = await walk(chain(100).adj, ["c99"], "up", { budgetMs: 5, clock: () => (t += 1) });
    expect(w.truncated).toEqual(["budget"]);
    expect(w.visits.size).toBeLessThan(100);
  });

  it("keeps referenced records that were never stored, as null nodes", async () => {
    const g = graph({ A: { parents: ["ghost"] } });
    const w = await walk(g.adj, ["A"], "up");
    expect(w.visits.get("ghost")).toMatchObject({ node: null, depth: 1 });
  });

  it("starts from several records at once, and repeats nothing", async () => {
    const w = await walk(diamond().adj, ["A", "B", "A"], "down");
    expect(w.starts).toEqual(["A", "B"]);
    expect([...w.visits.keys()]).toEqual(["A", "B", "J", "K"]);
  });

  it("an unknown start is reached but leads nowhere", async () => {
    const w = await walk(diamond().adj, ["nope"], "up");
    expect(w.visits.get("nope")).toMatchObject({ node: null });
    expect(w.visits.size).toBe(1);
  });

  it("answers the same whatever order the backend returns edges in, one call per level", async () => {
    const g = diamond();
    const sync = await walk(g.adj, ["K"], "up");
    const slow = asAsync(g.adj);
    const async = await walk(slow, ["K"], "up");
    expect([...async.visits.entries()]).toEqual([...sync.visits.entries()]);
    expect(async.edges).toEqual(sync.edges);
    expect(slow.calls).toBe(4);
  });

  it("prefers a parent edge over an authority edge to the same record", async () => {
    const g = graph({ R: { kind: "request" }, M: { parents: ["R"], authority: ["R"] } });
    const w = await walk(g.adj, ["M"], "up");
    expect(w.visits.get("R")!.via!.kind).toBe("parent");
    expect(w.edges).toHaveLength(2);
  });

  it("treats NaN and negative bounds as unset", async () => {
    const w = await walk(chain(5).adj, ["c4"], "up", { maxDepth: Number.NaN, maxNodes: -1, from: Number.NaN });
    expect(w.visits.size).toBe(5);
    expect(w.truncated).toEqual([]);
  });
});
