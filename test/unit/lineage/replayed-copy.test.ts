// A record whose id was replayed later: the replayed copy is flagged, the
// original is not. What was stored before the copy arrived cannot derive
// from it, so only records stored after it inherit its flag.
import { describe, expect, it } from "vitest";
import { blastRadiusOf, originOf } from "@/lib/lineage/answers.ts";
import { passesFlag } from "@/lib/lineage/types.ts";
import { graph, lineageNode } from "./graph-fixtures.ts";

const replayed = () =>
  graph({
    R: { kind: "request", agent: "gateway", at: 0, stored: 0 },
    // X's own record is clean; a copy with its id came back at 600 s as a replay.
    X: { agent: "monitor", parents: ["R"], at: 1, stored: 1, flags: ["another record with this id (monitor): replay: nonce already used"], copyFlagged: 600 },
    // Made from the original, before the copy existed.
    E1: { agent: "recommender", parents: ["X"], at: 2, stored: 2 },
    E2: { kind: "action", agent: "executor", parents: ["E1"], at: 3, stored: 3 },
    // Stored after the copy: may have been made from it.
    L1: { agent: "recommender", parents: ["X"], at: 601, stored: 601 },
    L2: { kind: "action", agent: "executor", parents: ["L1"], at: 602, stored: 602 },
    // Stored before the copy, but downstream of something flagged in full.
    B: { agent: "intruder", parents: ["E1"], at: 4, stored: 4, flags: ["bad_signature"] },
    B1: { kind: "action", agent: "executor", parents: ["B"], at: 5, stored: 5 },
  });

describe("a replayed copy's flag", () => {
  it("passes to a child made at or after the copy was sent, by record time whatever the arrival order, and to an unknown child", () => {
    const x = lineageNode("X", { flags: ["replay"], copyFlagged: 10 });
    // Stored after the copy, made before it: an honest child of the original.
    expect(passesFlag(x, lineageNode("a", { at: 9, stored: 30 }))).toBe(false);
    // Stored before the copy, made after it was sent: the copy's child.
    expect(passesFlag(x, lineageNode("b", { at: 10, stored: 5 }))).toBe(true);
    expect(passesFlag(x, null)).toBe(true);
    expect(passesFlag(lineageNode("Y", { flags: ["bad_signature"] }), lineageNode("a", { stored: 0 }))).toBe(true);
    expect(passesFlag(null, null)).toBe(true);
  });

  it("blast radius from the id: only what came after the copy is tainted", async () => {
    const b = await blastRadiusOf(replayed().adj, "X");
    expect(b.startTainted).toBe(false);
    const tainted = b.descendants.filter((d) => d.tainted).map((d) => [d.id, d.taintedBy]);
    expect(tainted).toEqual([
      ["L1", "X"],
      ["B", "B"],
      ["L2", "X"],
      ["B1", "B"],
    ]);
    expect(b.descendants.find((d) => d.id === "E2")).toMatchObject({ tainted: false, taintedBy: null });
  });

  it("origin: the id is the origin of what came after the copy, and of nothing made before it", async () => {
    const g = replayed();
    expect((await originOf(g.adj, "L2")).origins.map((o) => o.id)).toEqual(["X"]);
    expect((await originOf(g.adj, "E2")).origins).toEqual([]);
    expect((await originOf(g.adj, "E2")).tainted).toBe(false);
    // The id itself, asked about directly, is flagged: it is its own origin.
    expect((await originOf(g.adj, "X")).origins.map((o) => o.id)).toEqual(["X"]);
    // Below a record flagged in full the copy's id is not an origin: its flag does not reach B.
    expect((await originOf(g.adj, "B1")).origins.map((o) => o.id)).toEqual(["B"]);
  });

  it("a record tainted from upstream passes its taint to every child, whatever the copy", async () => {
    const g = graph({
      P: { agent: "attacker", at: 0, stored: 0, flags: ["bad_signature"] },
      X: { agent: "monitor", parents: ["P"], at: 1, stored: 1, flags: ["replay"], copyFlagged: 600 },
      E1: { agent: "recommender", parents: ["X"], at: 2, stored: 2 },
    });
    expect((await originOf(g.adj, "E1")).origins.map((o) => o.id)).toEqual(["P"]);
    const b = await blastRadiusOf(g.adj, "X");
    expect(b.startTainted).toBe(true);
    expect(b.descendants.map((d) => [d.id, d.tainted])).toEqual([["E1", true]]);
  });
});
