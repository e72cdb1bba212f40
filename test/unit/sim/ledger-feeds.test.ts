import { describe, expect, it } from "vitest";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { scaleNumbers } from "@/lib/sim/feeds.ts";
import { Ledger } from "@/lib/sim/ledger.ts";

let n = 0;
const rec = (over: Partial<WireRecord> = {}): WireRecord => ({ kind: "message", id: `r${++n}`, agent: "a", timestamp: "2026-01-01T00:00:00.000Z", ...over });

describe("Ledger", () => {
  it("numbers copies of one id, so a replay gets its own handle", () => {
    const l = new Ledger();
    const r = rec();
    expect(l.add(r, { simTime: 0 }).handle).toBe(`${r.id}#0`);
    expect(l.add(r, { simTime: 5 }).handle).toBe(`${r.id}#1`);
  });

  it("carries taint forward through inputs, and not backwards or sideways", () => {
    const l = new Ledger();
    const root = l.add(rec({ kind: "request" }), { simTime: 0 });
    const bad = l.add(rec(), { simTime: 1, inputs: [root.handle], injectedBy: ["f1"] });
    const clean = l.add(rec(), { simTime: 1, inputs: [root.handle] });
    const child = l.add(rec({ kind: "action" }), { simTime: 2, inputs: [bad.handle, clean.handle] });
    const write = l.add(rec({ kind: "state.write", intent: "k" }), { simTime: 3, inputs: [child.handle], state: { key: "k", version: 2 } });
    const read = l.add(rec({ kind: "state.read", intent: "k" }), { simTime: 4, inputs: [write.handle] });
    expect(root.taint).toEqual([]);
    expect(clean.taint).toEqual([]);
    expect(child.taint).toEqual(["f1"]);
    expect(read.taint).toEqual(["f1"]);

    const fx = l.faultEffects("f1");
    expect(fx.injected).toEqual([{ id: bad.id, copy: 0 }]);
    expect(fx.origins.map((e) => e.id)).toEqual([bad.id]);
    expect(fx.downstream.actions).toEqual([{ id: child.id, copy: 0 }]);
    expect(fx.downstream.stateVersions).toEqual([{ key: "k", version: 2, record: write.id }]);
    expect(fx.downstream.reads).toEqual([{ id: read.id, copy: 0 }]);
    expect(l.truthRecords().map((r) => r.status)).toEqual(["clean", "injected", "clean", "downstream", "downstream", "downstream"]);
  });

  it("counts as origins only the corrupted records whose inputs were still clean", () => {
    const l = new Ledger();
    const a = l.add(rec(), { simTime: 0, corruptedBy: ["f2"] });
    const b = l.add(rec(), { simTime: 1, inputs: [a.handle], corruptedBy: ["f2"] });
    const fx = l.faultEffects("f2");
    expect(fx.corrupted.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(fx.origins.map((e) => e.id)).toEqual([a.id]);
  });

  it("keeps two faults apart on a record both reach", () => {
    const l = new Ledger();
    const x = l.add(rec(), { simTime: 0, injectedBy: ["f1"] });
    const y = l.add(rec(), { simTime: 0, corruptedBy: ["f2"] });
    const z = l.add(rec(), { simTime: 1, inputs: [x.handle, y.handle] });
    expect(z.taint).toEqual(["f1", "f2"]);
    expect(l.faultEffects("f1").downstream.messages).toEqual([{ id: z.id, copy: 0 }]);
    expect(l.faultEffects("f2").downstream.messages).toEqual([{ id: z.id, copy: 0 }]);
  });
});

describe("scaleNumbers", () => {
  it("scales every number but bookkeeping fields, at any depth", () => {
    expect(scaleNumbers({ cycle: 3, prices: { a: 1.5, b: [2, { c: 4 }] }, name: "x" }, 10, ["cycle"])).toEqual({ cycle: 3, prices: { a: 15, b: [20, { c: 40 }] }, name: "x" });
    expect(scaleNumbers(2, 10, [])).toBe(20);
    expect(scaleNumbers(null, 10, [])).toBeNull();
  });

  it("leaves the input alone", () => {
    const v = { a: 1 };
    scaleNumbers(v, 10, []);
    expect(v).toEqual({ a: 1 });
  });

  it("does not recurse: a deep value is fine", () => {
    let deep: { n: number; next?: unknown } = { n: 1 };
    for (let i = 0; i < 20_000; i++) deep = { n: 1, next: deep };
    expect(() => scaleNumbers(deep as never, 2, [])).not.toThrow();
  });
});
