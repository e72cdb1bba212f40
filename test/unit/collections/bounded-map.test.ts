import { describe, expect, it } from "vitest";
import { BoundedMap } from "@/lib/collections/bounded-map.ts";

describe("BoundedMap", () => {
  it("drops the oldest key added once full, round and round", () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ["a", "b", "c", "d", "e", "f", "g"].entries()) m.set(k, i);
    expect(m.size).toBe(3);
    expect(["a", "b", "c", "d"].map((k) => m.has(k))).toEqual([false, false, false, false]);
    expect(["e", "f", "g"].map((k) => m.get(k))).toEqual([4, 5, 6]);
  });

  it("a key set again takes the new value and keeps its place in the order", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("a", 10);
    expect(m.size).toBe(2);
    expect(m.get("a")).toBe(10);
    // "a" was added first: it goes first, not "b".
    m.set("c", 3);
    expect([m.has("a"), m.get("b"), m.get("c")]).toEqual([false, 2, 3]);
  });

  it("holds a null value as held", () => {
    const m = new BoundedMap<string, number | null>(1);
    m.set("a", null);
    expect(m.has("a")).toBe(true);
    expect(m.get("a")).toBeNull();
  });

  it("starts again empty when cleared", () => {
    const m = new BoundedMap<string, number>(2);
    for (const k of ["a", "b", "c"]) m.set(k, 1);
    m.clear();
    expect(m.size).toBe(0);
    for (const k of ["x", "y", "z"]) m.set(k, 2);
    expect([m.has("x"), m.has("y"), m.has("z"), m.size]).toEqual([false, true, true, 2]);
  });

  it("refuses a size it cannot hold", () => {
    expect(() => new BoundedMap(0)).toThrow(/at least one key, not 0/);
    expect(() => new BoundedMap(1.5)).toThrow(/not 1.5/);
  });
});
