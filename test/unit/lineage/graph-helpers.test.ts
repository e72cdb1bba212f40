import { describe, expect, it } from "vitest";
import { provTerm } from "@/lib/lineage/prov-term.ts";
import { declaredEdges } from "@/lib/lineage/record-edges.ts";
import { stronglyConnected } from "@/lib/lineage/strongly-connected.ts";
import { MemoryAdjacency } from "@/lib/lineage/memory-adjacency.ts";

describe("provTerm", () => {
  it("reads each edge in W3C PROV terms", () => {
    expect(provTerm("authority", "message", "request")).toBe("actedOnBehalfOf");
    expect(provTerm("state", "state.read", "state.write")).toBe("used");
    expect(provTerm("parent", "state.read", "state.write")).toBe("used");
    expect(provTerm("parent", "state.write", "message")).toBe("wasGeneratedBy");
    expect(provTerm("parent", "action", "message")).toBe("wasDerivedFrom");
    expect(provTerm("parent", undefined, undefined)).toBe("wasDerivedFrom");
  });
});

describe("declaredEdges", () => {
  it("makes one edge per parent and authority entry, without repeats or empty ids", () => {
    expect(declaredEdges({ recordId: "M", parents: ["A", "A", "", "R"], authority: ["R", "AP"] })).toEqual([
      { child: "M", parent: "A", kind: "parent" },
      { child: "M", parent: "R", kind: "parent" },
      { child: "M", parent: "R", kind: "authority" },
      { child: "M", parent: "AP", kind: "authority" },
    ]);
  });
});

describe("stronglyConnected", () => {
  const succ = (g: Record<string, string[]>) => (id: string) => g[id] ?? [];

  it("puts a cycle in one component and emits successors first", () => {
    const g = { a: ["b"], b: ["c"], c: ["a", "d"], d: [] };
    const c = stronglyConnected(Object.keys(g), succ(g));
    expect(c.list.map((m) => [...m].sort())).toEqual([["d"], ["a", "b", "c"]]);
    expect(c.of.get("a")).toBe(c.of.get("c"));
  });

  it("handles self-loops, isolated nodes and successors outside the node list", () => {
    const c = stronglyConnected(["x", "y"], succ({ x: ["x", "z"] }));
    expect(c.list).toEqual([["z"], ["x"], ["y"]]);
  });

  it("does not recurse on a 100,000-long chain or cycle", () => {
    const n = 100_000;
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    const chainSucc = (id: string) => {
      const i = Number(id.slice(1));
      return i + 1 < n ? [`n${i + 1}`] : [];
    };
    expect(stronglyConnected(ids, chainSucc).list).toHaveLength(n);
    const ring = (id: string) => [`n${(Number(id.slice(1)) + 1) % n}`];
    expect(stronglyConnected(ids, ring).list).toHaveLength(1);
  });
});

describe("MemoryAdjacency", () => {
  it("adds an edge once and answers both directions", () => {
    const adj = new MemoryAdjacency([], [
      { child: "b", parent: "a", kind: "parent" },
      { child: "b", parent: "a", kind: "parent" },
      { child: "c", parent: "a", kind: "authority" },
    ]);
    expect(adj.edgeCount).toBe(2);
    expect(adj.edges(["a"], "down").map((e) => e.child)).toEqual(["b", "c"]);
    expect(adj.edges(["b", "c"], "up").map((e) => e.parent)).toEqual(["a", "a"]);
    expect(adj.nodes(["a"]).size).toBe(0);
  });
});
