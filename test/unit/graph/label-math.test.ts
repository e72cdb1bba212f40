import { describe, expect, it } from "vitest";
import { LabelSpace, overlaps, type LabelBox } from "@/components/graph/label-math.ts";

const box = (x: number, y: number, width = 50, height = 14): LabelBox => ({ x, y, width, height });

describe("label space: crowded labels do not pile up", () => {
  it("takes a box that overlaps nothing, refuses one that overlaps a box taken before", () => {
    const space = new LabelSpace();
    expect(space.take(box(0, 0))).toBe(true);
    expect(space.take(box(40, 10))).toBe(false);
    expect(space.take(box(50, 0))).toBe(true); // touching edges do not overlap
    expect(space.take(box(0, 14))).toBe(true);
  });

  it("a refused box takes no room: a later box where only it would have been still fits", () => {
    const space = new LabelSpace();
    space.take(box(0, 0));
    expect(space.take(box(30, 0, 60))).toBe(false);
    expect(space.take(box(55, 0))).toBe(true);
  });

  it("finds overlaps across grid cells, at negative coordinates and for boxes wider than a cell", () => {
    const space = new LabelSpace(16);
    expect(space.take(box(-100, -100, 300, 14))).toBe(true);
    expect(space.take(box(150, -95, 10, 4))).toBe(false);
    expect(space.take(box(-105, -90, 10, 30))).toBe(false);
    expect(space.take(box(-105, -80, 10, 30))).toBe(true);
  });

  it("refuses empty, negative or non-finite boxes", () => {
    const space = new LabelSpace();
    for (const b of [box(0, 0, 0, 14), box(0, 0, -5, 14), box(Number.NaN, 0), box(0, Number.POSITIVE_INFINITY)]) expect(space.take(b)).toBe(false);
    expect(space.take(box(0, 0))).toBe(true);
  });

  it("a thousand labels on one spot: one is drawn", () => {
    const space = new LabelSpace();
    let taken = 0;
    for (let i = 0; i < 1000; i++) if (space.take(box(100 + (i % 7), 100 + (i % 5)))) taken++;
    expect(taken).toBe(1);
  });

  it("overlap is symmetric", () => {
    const a = box(0, 0);
    const b = box(49, 13);
    expect(overlaps(a, b)).toBe(true);
    expect(overlaps(b, a)).toBe(true);
    expect(overlaps(a, box(0, 14))).toBe(false);
  });
});
