import { describe, expect, it } from "vitest";
import { findOrigins } from "@/lib/lineage/origin.ts";
import { walk } from "@/lib/lineage/walk.ts";
import { chain, graph, type FixtureGraph, type NodeSpec } from "./graph-fixtures.ts";

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

// A trading desk in miniature: each round a trader writes its view, made from
// its reads of the market feed and of the other's last view. Names: V<round><trader>.
describe("findOrigins, a feedback loop's entry (ADR 0052)", () => {
  const loop = (detail: string) => ({ kind: "anomaly" as const, detail: `feedback_loop: ${detail}`, detector: "feedback_loop" });
  const deviation = (detail: string) => ({ kind: "anomaly" as const, detail: `semantic_deviation: ${detail}`, detector: "semantic_deviation" });
  const view = (parents: string[], flags: NodeSpec["flags"] = []): NodeSpec => ({ kind: "state.write", parents, flags });
  const read = (of: string, flags: NodeSpec["flags"] = []): NodeSpec => ({ kind: "state.read", parents: [of], flags });

  /** Round 1 holds an outlier view (V1a); round 2 is clean; the loop enters in round 3 and grows in round 4. */
  function desk(entryParents: Record<string, NodeSpec> = {}): FixtureGraph {
    return graph({
      F: { kind: "state.read", agent: "feed" },
      V1a: view(["F"], [deviation("view 0.0395, 1.57x the largest magnitude (n=22)")]),
      V1b: view(["F"]),
      R2a: read("V1b"),
      R2b: read("V1a"),
      V2a: view(["F", "R2a"]),
      V2b: view(["F", "R2b"]),
      R3a: read("V2b"),
      R3b: read("V2a"),
      ...entryParents,
      V3a: view(["F", "R3a", ...Object.keys(entryParents)], [loop("view grew 1.6x a round")]),
      V3b: view(["F", "R3b"], [loop("view grew 1.6x a round")]),
      R4a: read("V3b", [deviation("named by V4a's deviation (named in its evidence)")]),
      R4b: read("V3a"),
      V4a: view(["F", "R4a"], [loop("view grew 1.6x a round")]),
      V4b: view(["F", "R4b"], [loop("view grew 1.6x a round")]),
      IDEA: { kind: "message", parents: ["V4a", "V4b"] },
    });
  }
  const ids = (r: { origins: { id: string }[] }) => r.origins.map((o) => o.id).sort();

  it("names the loop's first round beside an older flag that fed it across clean records", async () => {
    const r = await originsOf(desk(), "IDEA");
    expect(ids(r)).toEqual(["V1a", "V3a", "V3b"]);
    const why = (id: string) => r.origins.find((o) => o.id === id)!.why;
    // V3a says both: where the loop entered, and that it descends from the older flag (V3b, made from clean rounds only, is a plain origin).
    expect(why("V3a")).toEqual([
      "anomaly: feedback_loop: view grew 1.6x a round",
      expect.stringMatching(/^origin: a feedback loop entered here; its own parents are clean/),
      "derives from origin V1a, 4 hops up",
    ]);
    expect(why("V1a").at(-1)).toBe("origin: nothing upstream of it is flagged");
    expect(Object.fromEntries(r.origins.map((o) => [o.id, o.because]))).toEqual({ V1a: "nothing_flagged_upstream", V3a: "loop_entry", V3b: "nothing_flagged_upstream" });
    // Nearest the start first: the loop's entry before the older flag.
    expect(r.origins.at(-1)!.id).toBe("V1a");
    // Every origin has its path; the loop's later round derives from its entry.
    expect(r.paths.map((p) => p.origin).sort()).toEqual(["V1a", "V3a", "V3b"]);
    expect(r.flaggedUpstream).toBe(6);
  });

  it("does not take a later round of the loop for its entry, even past a clean read", async () => {
    // R4b is clean: V4b's parents are clean, but V3a above them is the loop's.
    const r = await originsOf(desk(), "V4b");
    expect(ids(r)).toEqual(["V1a", "V3a"]);
  });

  it("keeps tracing up when the loop grew from a flagged record it names directly", async () => {
    const r = await originsOf(desk({ INJ: { kind: "message", parents: ["V2a"], flags: ["bad_signature: signature does not verify"] } }), "V3a");
    // INJ (made from V2a, which read V1b: clean above) is an origin; V1a reaches V3a through R3a.
    expect(ids(r)).toEqual(["INJ", "V1a"]);
    expect(r.origins.every((o) => !o.why.at(-1)!.includes("feedback loop"))).toBe(true);
  });

  it("calls a loop with nothing flagged above an origin in the usual words", async () => {
    const g = graph({
      F: { kind: "state.read", agent: "feed" },
      V1: view(["F"], [loop("view grew 1.6x a round")]),
      R2: read("V1"),
      V2: view(["F", "R2"], [loop("view grew 1.6x a round")]),
    });
    const r = await originsOf(g, "V2");
    expect(ids(r)).toEqual(["V1"]);
    expect(r.origins[0]!.why.at(-1)).toBe("origin: nothing upstream of it is flagged");
  });

  it("leaves a flag from another detector below an older one as it was: not an origin", async () => {
    const g = graph({
      A: view([], [deviation("view 12x the median")]),
      B: read("A"),
      C: view(["B"], [deviation("view 9x the median")]),
    });
    expect(ids(await originsOf(g, "C"))).toEqual(["A"]);
  });
});
