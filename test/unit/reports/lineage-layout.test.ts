import { describe, expect, it } from "vitest";
import { layoutLineage } from "@/lib/reports/lineage-layout.ts";
import { fanOutFigure } from "./predicate-fixtures.ts";

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("layoutLineage", () => {
  it("puts the origin left, one column per depth, and every edge from a parent's right to a child's left", () => {
    const l = layoutLineage(fanOutFigure(2, 2), { width: 500 });
    expect(l.nodes.find((n) => n.id === "origin-0")?.x).toBeLessThan(l.nodes.find((n) => n.id === "r-1-0")!.x);
    expect(l.edges).toHaveLength(4);
    for (const e of l.edges) expect(e.to.x).toBeGreaterThan(e.from.x);
    expect(l.hidden).toBe(0);
  });

  it("never overlaps boxes or leaves the width, and counts what it leaves out of a huge radius", () => {
    const l = layoutLineage(fanOutFigure(40, 12), { width: 499, maxColumns: 5, maxRows: 9 });
    for (let i = 0; i < l.nodes.length; i++) {
      for (let j = i + 1; j < l.nodes.length; j++) expect(overlaps(l.nodes[i]!, l.nodes[j]!)).toBe(false);
      expect(l.nodes[i]!.x).toBeGreaterThanOrEqual(0);
      expect(l.nodes[i]!.x + l.nodes[i]!.w).toBeLessThanOrEqual(499);
    }
    expect(l.nodes.length + l.hidden).toBe(1 + 40 * 12);
    expect(l.height).toBeLessThan(400);
  });

  it("an empty figure has no height", () => {
    expect(layoutLineage({ roots: [], nodes: [], edges: [], truncated: false }, { width: 300 })).toMatchObject({ nodes: [], edges: [], height: 0 });
  });
});
