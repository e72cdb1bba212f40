import { describe, expect, it } from "vitest";
import { liftQuarantine, quarantineTarget, type Quarantine } from "@/lib/control/quarantine.ts";

const active = (over: Partial<Quarantine> = {}): Quarantine => ({
  id: "7",
  key: "ns.reconciler/inventory/C-300",
  state: "active",
  recordId: "w1",
  reason: "state.write w1 descends from a contained record",
  openedBy: "engine",
  openedAt: 1_000,
  liftedBy: null,
  liftReason: null,
  liftedAt: null,
  ...over,
});

describe("a quarantine: active -> lifted, by a person, once", () => {
  it("lifting an active quarantine records who, why and when", () => {
    expect(liftQuarantine(active(), "oncall:dana", "restored C-300 from the 05:00 snapshot", 2_000)).toEqual({
      ok: true,
      next: active({ state: "lifted", liftedBy: "oncall:dana", liftReason: "restored C-300 from the 05:00 snapshot", liftedAt: 2_000 }),
    });
  });

  it("lifting it again is refused, naming who lifted it", () => {
    const lifted = active({ state: "lifted", liftedBy: "oncall:dana", liftReason: "restored" });
    const out = liftQuarantine(lifted, "oncall:sam", "again", 3_000);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.reason).toMatch(/already lifted by oncall:dana \(restored\)/);
  });

  it("audits under the key", () => {
    expect(quarantineTarget("a/b")).toBe("state:a/b");
  });
});
