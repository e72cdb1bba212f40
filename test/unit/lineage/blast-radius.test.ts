import { describe, expect, it } from "vitest";
import { blastRadius } from "@/lib/lineage/blast-radius.ts";
import { walk } from "@/lib/lineage/walk.ts";
import { chain, graph, T0, type FixtureGraph } from "./graph-fixtures.ts";

const radius = async (g: FixtureGraph, starts: string[], opts = {}, bounds = {}) => blastRadius(await walk(g.adj, starts, "down", bounds), opts);

const system = () =>
  graph({
    Q: { kind: "message", agent: "planner", at: 0 },
    P1: { kind: "message", agent: "pricer", parents: ["Q"], at: 1 },
    P2: { kind: "message", agent: "pricer", parents: ["Q"], at: 2, flags: ["schema_violation"] },
    W1: { kind: "state.write", agent: "pricer", parents: ["P1"], at: 3 },
    W2: { kind: "state.write", agent: "pricer", parents: ["P2"], at: 4 },
    RD: { kind: "state.read", agent: "buyer", parents: ["W2"], at: 5 },
    A1: { kind: "action", agent: "buyer", actionClass: "red", parents: ["RD", "P1"], at: 6 },
    A2: { kind: "action", agent: "buyer", actionClass: "green", parents: ["W1"], at: 9 },
  });

describe("blastRadius", () => {
  it("lists every descendant with time, counts them by kind and by agent", async () => {
    const b = await radius(system(), ["Q"]);
    expect(b.descendants.map((d) => d.id)).toEqual(["P1", "P2", "A1", "W1", "W2", "A2", "RD"]);
    expect(b.counts).toEqual({ total: 7, messages: 2, stateVersions: 2, stateReads: 1, actions: 2, redActions: 1, requests: 0, approvals: 0, unstored: 0, tainted: 4 });
    expect(b.byAgent).toEqual([
      { agent: "pricer", records: 4, tainted: 2, decisions: 2, taintedDecisions: 1 },
      { agent: "buyer", records: 3, tainted: 2, decisions: 2, taintedDecisions: 1 },
    ]);
    expect(b.time).toEqual({ first: new Date(T0 + 1000).toISOString(), last: new Date(T0 + 9000).toISOString(), spanMs: 8000, lastAfterStartMs: 9000 });
  });

  it("taints only what depends on a flagged record when the start is clean", async () => {
    const b = await radius(system(), ["Q"]);
    const tainted = b.descendants.filter((d) => d.tainted).map((d) => d.id);
    expect(tainted).toEqual(["P2", "A1", "W2", "RD"]);
    expect(b.decisions).toEqual({ total: 4, tainted: 2, share: 0.5 });
    const a1 = b.descendants.find((d) => d.id === "A1")!;
    expect(a1).toMatchObject({ taintedBy: "P2", why: ["downstream of flagged record P2"], via: { parent: "P1", kind: "parent", prov: "wasDerivedFrom" } });
    expect(b.descendants.find((d) => d.id === "P2")!.why).toEqual(["verification: schema_violation"]);
  });

  it("taints everything when the start is tainted", async () => {
    const b = await radius(system(), ["Q"], { startTainted: true });
    expect(b.counts.tainted).toBe(7);
    expect(b.decisions.share).toBe(1);
    expect(b.descendants.find((d) => d.id === "P1")!.why).toEqual(["downstream of start Q"]);
  });

  it("counts a diamond's join once", async () => {
    const g = graph({ R: {}, A: { parents: ["R"] }, B: { parents: ["R"] }, J: { kind: "action", parents: ["A", "B"] } });
    const b = await radius(g, ["R"]);
    expect(b.counts.total).toBe(3);
    expect(b.decisions).toEqual({ total: 1, tainted: 0, share: 0 });
  });

  it("has no share when nothing downstream is a decision, and no times when nothing is downstream", async () => {
    const leaf = await radius(chain(1), ["c0"]);
    expect(leaf.descendants).toEqual([]);
    expect(leaf.decisions.share).toBeNull();
    expect(leaf.time).toEqual({ first: null, last: null, spanMs: null, lastAfterStartMs: null });
  });

  it("counts children of a record that never arrived as unstored nothing", async () => {
    const g = graph({ A: { parents: ["ghost"] } });
    const b = await radius(g, ["ghost"]);
    expect(b.starts).toEqual([expect.objectContaining({ id: "ghost", stored: false })]);
    expect(b.descendants.map((d) => d.id)).toEqual(["A"]);
  });

  it("spreads from many starts (a compromised agent's records) without repeating them", async () => {
    const b = await radius(system(), ["P1", "P2"], { startTainted: true });
    expect(b.starts.map((s) => s.id)).toEqual(["P1", "P2"]);
    expect(b.descendants.map((d) => d.id).sort()).toEqual(["A1", "A2", "RD", "W1", "W2"]);
    expect(b.counts.tainted).toBe(5);
  });

  it("follows cycles to the end and reports bounds", async () => {
    const g = graph({ A: { parents: ["C"] }, B: { parents: ["A"] }, C: { parents: ["B"] } });
    const b = await radius(g, ["A"]);
    expect(b.descendants.map((d) => d.id)).toEqual(["B", "C"]);
    const cut = await radius(chain(50), ["c0"], {}, { maxNodes: 11 });
    expect(cut.counts.total).toBe(10);
    expect(cut.truncated).toEqual(["nodes"]);
  });

  it("handles a 70,000-deep chain", async () => {
    const b = await radius(chain(70_000, [35_000]), ["c0"], {}, { maxDepth: 100_000 });
    expect(b.counts.total).toBe(69_999);
    expect(b.counts.tainted).toBe(35_000);
  });
});
