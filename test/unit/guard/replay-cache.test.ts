import { describe, expect, it } from "vitest";
import { ReplayCache } from "@/lib/guard/replay-cache.ts";

const T0 = Date.UTC(2026, 10, 21, 12);
const WINDOW = 300_000;

describe("ReplayCache", () => {
  it("a nonce is unseen until remembered, then names the record that used it", () => {
    const c = new ReplayCache({ windowMs: WINDOW });
    expect(c.check("a", "n1", T0)).toEqual({ seen: false });
    c.remember("a", "n1", "rec-1", T0, T0);
    expect(c.check("a", "n1", T0 + 1)).toEqual({ seen: true, id: "rec-1" });
  });

  it("nonces are per sender: the same nonce from another sender is not a replay", () => {
    const c = new ReplayCache({ windowMs: WINDOW });
    c.remember("a", "n1", "rec-1", T0, T0);
    expect(c.check("b", "n1", T0)).toEqual({ seen: false });
  });

  it("forgets a nonce once its record is outside the skew window (a replay would then be stale)", () => {
    const c = new ReplayCache({ windowMs: WINDOW });
    c.remember("a", "n1", "rec-1", T0, T0);
    expect(c.check("a", "n1", T0 + WINDOW).seen).toBe(true);
    expect(c.check("a", "n1", T0 + WINDOW + 1).seen).toBe(false);
  });

  it("expiry follows the record's timestamp, not its arrival", () => {
    const c = new ReplayCache({ windowMs: WINDOW });
    // Stamped 4 minutes ago: only one more minute of memory is needed.
    c.remember("a", "n1", "rec-1", T0 - 240_000, T0);
    expect(c.check("a", "n1", T0 + 60_000).seen).toBe(true);
    expect(c.check("a", "n1", T0 + 60_001).seen).toBe(false);
  });

  it("drops expired entries as new ones arrive, so memory follows the window", () => {
    const c = new ReplayCache({ windowMs: 1_000 });
    for (let i = 0; i < 5_000; i++) c.remember("a", `n${i}`, `rec-${i}`, T0 + i, T0 + i);
    expect(c.size).toBeLessThanOrEqual(1_002);
    expect(c.evictedEarly).toBe(0);
  });

  it("bounds nonces per sender, oldest first, and counts what it had to drop early", () => {
    const c = new ReplayCache({ windowMs: WINDOW, maxPerSender: 3 });
    for (let i = 1; i <= 5; i++) c.remember("a", `n${i}`, `rec-${i}`, T0, T0);
    expect(c.size).toBe(3);
    expect(c.check("a", "n1", T0).seen).toBe(false);
    expect(c.check("a", "n2", T0).seen).toBe(false);
    expect(c.check("a", "n5", T0).seen).toBe(true);
    expect(c.evictedEarly).toBe(2);
  });

  it("bounds senders, least recently heard from out", () => {
    const c = new ReplayCache({ windowMs: WINDOW, maxSenders: 2 });
    c.remember("a", "n", "ra", T0, T0);
    c.remember("b", "n", "rb", T0, T0);
    c.remember("a", "m", "ra2", T0, T0);
    c.remember("c", "n", "rc", T0, T0);
    expect(c.check("b", "n", T0).seen).toBe(false);
    expect(c.check("a", "n", T0).seen).toBe(true);
    expect(c.check("c", "n", T0).seen).toBe(true);
    expect(c.evictedEarly).toBe(1);
  });

  it("stays bounded under a long run from one sender, keeping the newest", () => {
    const c = new ReplayCache({ windowMs: WINDOW, maxPerSender: 1_000 });
    for (let i = 0; i < 200_000; i++) c.remember("a", `n${i}`, `r${i}`, T0, T0);
    expect(c.size).toBe(1_000);
    expect(c.check("a", "n199999", T0).seen).toBe(true);
    expect(c.check("a", "n0", T0).seen).toBe(false);
  });
});
