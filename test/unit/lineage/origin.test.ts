import { describe, expect, it } from "vitest";
import { findOrigins } from "@/lib/lineage/origin.ts";
import { walk } from "@/lib/lineage/walk.ts";
import { chain, graph, type FixtureGraph } from "./graph-fixtures.ts";

const originsOf = async (g: FixtureGraph, start: string, bounds = {}) => findOrigins(await walk(g.adj, [start], "up", bounds));

describe("findOrigins", () => {
  it("finds nothing upstream of a clean record", async () => {
    const r = await originsOf(chain(5), "c4");
    expect(r).toMatchObject({ start: "c4", startStored: true, tainted: false, origins: [], paths: [], flaggedUpstream: 0, visited: 5 });
  });

  it("names the flagged record and the path back to it, with why each step is suspect", async () => {
    const g = graph({
      R: { kind: "request", agent: "gateway" },
      M1: { parents: ["R"], authority: ["R"], agent: "planner", flags: ["bad_signature: signature does not verify"] },
      W: { kind: "state.write", intent: "prices/a1", parents: ["M1"], authority: ["R"], agent: "pricer" },
      RD: { kind: "state.read", intent: "prices/a1", parents: ["W"], authority: ["R"], agent: "buyer" },
      ACT: { kind: "action", actionClass: "red", parents: ["RD"], authority: ["R"], agent: "buyer" },
    });
    const r = await originsOf(g, "ACT");
    expect(r.tainted).toBe(true);
    expect(r.origins.map((o) => o.id)).toEqual(["M1"]);
    expect(r.origins[0]!.why).toEqual(["verification: bad_signature: signature does not verify", "origin: nothing upstream of it is flagged"]);
    const [path] = r.paths;
    expect(path!.hops).toBe(3);
    expect(path!.steps.map((s) => [s.id, s.next?.prov ?? null])).toEqual([
      ["ACT", "wasDerivedFrom"],
      ["RD", "used"],
      ["W", "wasGeneratedBy"],
      ["M1", null],
    ]);
    expect(path!.steps[0]).toMatchObject({ agent: "buyer", kind: "action", actionClass: "red", flagged: false, why: ["derives from origin M1, 3 hops up"] });
    expect(path!.steps[2]!.why).toEqual(["derives from origin M1, 1 hop up"]);
  });

  it("reports the upstream-most flagged record, not the nearest", async () => {
    const r = await originsOf(chain(10, [2, 7]), "c9");
    expect(r.origins.map((o) => o.id)).toEqual(["c2"]);
    expect(r.paths[0]!.hops).toBe(7);
    expect(r.flaggedUpstream).toBe(2);
    const c7 = r.paths[0]!.steps.find((s) => s.id === "c7")!;
    expect(c7.flagged).toBe(true);
    expect(c7.why).toEqual(["verification: bad_signature", "derives from origin c2, 5 hops up"]);
  });

  it("does not take a flagged record with clean parents but a flagged grandparent as an origin", async () => {
    const r = await originsOf(chain(4, [0, 2]), "c3");
    expect(r.origins.map((o) => o.id)).toEqual(["c0"]);
  });

  it("is the record itself when it is flagged and everything above is clean", async () => {
    const r = await originsOf(chain(4, [3]), "c3");
    expect(r.origins.map((o) => o.id)).toEqual(["c3"]);
    expect(r.paths).toEqual([{ origin: "c3", hops: 0, steps: [expect.objectContaining({ id: "c3", next: null })] }]);
  });

  it("finds two origins on the two sides of a diamond, one path each", async () => {
    const g = graph({
      R: { kind: "request" },
      A: { parents: ["R"], flags: [{ kind: "compromised_agent", detail: "agent-a compromised" }] },
      B: { parents: ["R"], flags: [{ kind: "analyst_mark", detail: "looks wrong (marked by ana)" }] },
      J: { parents: ["A", "B"] },
      K: { kind: "action", parents: ["J"] },
    });
    const r = await originsOf(g, "K");
    expect(r.origins.map((o) => o.id)).toEqual(["A", "B"]);
    expect(r.paths.map((p) => p.steps.map((s) => s.id))).toEqual([
      ["K", "J", "A"],
      ["K", "J", "B"],
    ]);
    const j = r.paths[0]!.steps[1]!;
    expect(j.why).toEqual(["derives from origin A, 1 hop up", "derives from origin B, 1 hop up"]);
  });

  it("a flagged diamond top is the one origin, whichever side leads there", async () => {
    const g = graph({ R: { flags: ["unsigned"] }, A: { parents: ["R"], flags: ["replay"] }, B: { parents: ["R"] }, J: { parents: ["A", "B"] } });
    const r = await originsOf(g, "J");
    expect(r.origins.map((o) => o.id)).toEqual(["R"]);
    expect(r.paths).toHaveLength(1);
  });

  it("treats a flagged cycle with nothing flagged above it as the origin (all its flagged members)", async () => {
    const g = graph({ A: { parents: ["B"], flags: ["x"] }, B: { parents: ["A"], flags: ["y"] }, C: { parents: ["A"] } });
    const r = await originsOf(g, "C");
    expect(r.origins.map((o) => o.id).sort()).toEqual(["A", "B"]);
  });

  it("looks past a cycle to a flagged record above it", async () => {
    const g = graph({ X: { flags: ["x"] }, A: { parents: ["B", "X"], flags: ["a"] }, B: { parents: ["A"] }, C: { parents: ["A"] } });
    const r = await originsOf(g, "C");
    expect(r.origins.map((o) => o.id)).toEqual(["X"]);
  });

  it("follows authority edges: a forged request taints what acted under it", async () => {
    const g = graph({ R: { kind: "request", flags: ["bad_signature"] }, M: { authority: ["R"] } });
    const r = await originsOf(g, "M");
    expect(r.paths[0]!.steps[0]!.next).toEqual({ kind: "authority", prov: "actedOnBehalfOf" });
  });

  it("lists referenced records that never arrived", async () => {
    const r = await originsOf(graph({ A: { parents: ["ghost"] } }), "A");
    expect(r.missing).toEqual(["ghost"]);
    expect(r.origins).toEqual([]);
  });

  it("answers for an unknown start", async () => {
    const r = await originsOf(graph({}), "nope");
    expect(r).toMatchObject({ startStored: false, tainted: false, origins: [], visited: 1 });
  });

  it("finds the origin 69,999 hops up a 70,000-deep chain", async () => {
    const r = await originsOf(chain(70_000, [0]), "c69999", { maxDepth: 100_000 });
    expect(r.origins.map((o) => o.id)).toEqual(["c0"]);
    expect(r.paths[0]!.hops).toBe(69_999);
  });

  it("says when a bound may have hidden an origin further up", async () => {
    const r = await originsOf(chain(10, [1, 8]), "c9", { maxDepth: 3 });
    expect(r.origins.map((o) => o.id)).toEqual(["c8"]);
    expect(r.truncated).toEqual(["depth"]);
  });

  it("refuses a downstream walk", async () => {
    await expect(async () => findOrigins(await walk(chain(2).adj, ["c0"], "down"))).rejects.toThrow(/upstream/);
  });
});
