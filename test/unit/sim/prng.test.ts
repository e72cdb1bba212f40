import { describe, expect, it } from "vitest";
import { Prng } from "@/lib/sim/prng.ts";

const draws = (p: Prng, n: number): number[] => Array.from({ length: n }, () => p.nextUint32());

describe("Prng", () => {
  it("repeats a stream for the same seed and differs for another", () => {
    expect(draws(new Prng("42"), 100)).toEqual(draws(new Prng("42"), 100));
    expect(draws(new Prng("42"), 100)).not.toEqual(draws(new Prng("43"), 100));
  });

  it("forks independent streams: drawing from one does not shift another", () => {
    const a = new Prng("s");
    const b = new Prng("s");
    draws(a.fork("x"), 1000);
    expect(draws(a.fork("y"), 10)).toEqual(draws(b.fork("y"), 10));
    expect(draws(a.fork("x"), 10)).not.toEqual(draws(a.fork("y"), 10));
  });

  it("keeps draws in range", () => {
    const p = new Prng("range");
    for (let i = 0; i < 10_000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = p.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it("is roughly uniform", () => {
    const p = new Prng("uniform");
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[p.int(10)]! += 1;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it("samples without repeats and refuses impossible requests", () => {
    const p = new Prng("sample");
    const s = p.sample([1, 2, 3, 4, 5], 3);
    expect(new Set(s).size).toBe(3);
    expect(p.sample([1, 2], 5).sort()).toEqual([1, 2]);
    expect(p.sample([], 2)).toEqual([]);
    expect(() => p.pick([])).toThrow(RangeError);
    expect(() => p.int(0)).toThrow(RangeError);
    expect(() => p.int(Number.NaN)).toThrow(RangeError);
  });

  it("gives the asked number of bytes, not multiples of four", () => {
    expect(new Prng("b").bytes(16)).toHaveLength(16);
    expect(new Prng("b").bytes(5)).toHaveLength(5);
    expect([...new Prng("b").bytes(16)]).toEqual([...new Prng("b").bytes(16)]);
  });
});
