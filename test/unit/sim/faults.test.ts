// Fault injection, judged the way the collector judges (door-emulator.ts):
// every record a door fault makes is flagged with the fault's verdict, no
// clean record is, and engine faults pass the door while their effects show
// in the ground truth.
import { describe, expect, it } from "vitest";
import { FAULTS, FAULT_NAMES } from "@/lib/sim/faults/catalog.ts";
import type { GroundTruth } from "@/lib/sim/ground-truth.ts";
import { PROCUREMENT_SKUS } from "@/lib/sim/scenarios/procurement.ts";
import { SCENARIOS } from "@/lib/sim/scenarios/index.ts";
import { payloadOf } from "@/lib/sim/scenarios/types.ts";
import { judgeAtTheDoor, type Judged } from "./door-emulator.ts";
import { virtualRun, type VirtualRun } from "./fixtures.ts";

const DOOR_VARIANTS = FAULT_NAMES.flatMap((name) => FAULTS[name].variants.filter((v) => v.detection === "door").map((v) => ({ name, variant: v.name })));

/** Fewer synthetic tasks: the door checks are the point here, not load. */
const light = (scenario: string): Record<string, number> => (scenario === "synthetic" ? { rate: 1 } : {});

function judged(v: VirtualRun): Map<string, Judged> {
  const out = new Map<string, Judged>();
  const verdicts = judgeAtTheDoor(v.records, v.run.fleet.snapshot);
  v.result.truth.records.forEach((r, i) => {
    const j = verdicts[i];
    if (!j || j.record.id !== r.id) throw new Error(`record ${i} out of step: ${r.id} vs ${j?.record.id}`);
    out.set(`${r.id}#${r.copy}`, j);
  });
  return out;
}

function cleanFlags(truth: GroundTruth, j: Map<string, Judged>): string[] {
  return truth.records.filter((r) => r.status === "clean" && !j.get(`${r.id}#${r.copy}`)?.verified).map((r) => `${r.kind} ${r.id} ${j.get(`${r.id}#${r.copy}`)?.verdicts.join(",")}`);
}

describe("door faults, every scenario", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: every injected record is flagged with its fault's verdict; clean traffic is not`, async () => {
      const faults = DOOR_VARIANTS.map((f, i) => `${f.name}@${20 + 10 * i}m,variant=${f.variant}`);
      const v = await virtualRun({ scenario: scenario.name, duration: (30 + 10 * DOOR_VARIANTS.length) * 60_000, faults, params: light(scenario.name) });
      const j = judged(v);
      for (const f of v.result.truth.faults) {
        expect(f.fired, `${f.fault}/${f.variant} fired`).toBe(true);
        expect(f.injected.length, `${f.fault}/${f.variant} injected`).toBeGreaterThan(0);
        for (const ref of f.injected) {
          const got = j.get(`${ref.id}#${ref.copy}`);
          expect(got?.verified, `${f.fault}/${f.variant} ${ref.id}`).toBe(false);
          expect(f.expectedVerdicts.some((e) => got?.verdicts.includes(e)), `${f.fault}/${f.variant}: ${got?.verdicts.join(",")}`).toBe(true);
        }
      }
      expect(v.result.truth.counts.clean).toBeGreaterThan(10);
      expect(cleanFlags(v.result.truth, j)).toEqual([]);
    }, 60_000);
  }
});

describe("engine faults pass the door", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: valid records, effects in the ground truth`, async () => {
      const faults = ["poisoned-feed@20m", "key-compromise@30m", "fan-out-storm@40m,count=5", "feedback-loop@50m", "injection@60m,variant=free-text"];
      const v = await virtualRun({ scenario: scenario.name, duration: 3 * 3_600_000, faults, params: light(scenario.name) });
      const j = judged(v);
      for (const f of v.result.truth.faults) {
        expect(f.detection).toBe("engine");
        expect(f.fired, f.fault).toBe(true);
        for (const ref of f.injected) expect(j.get(`${ref.id}#${ref.copy}`)?.verified, `${f.fault} ${ref.id}`).toBe(true);
        const effects = f.injected.length + f.corrupted.length + f.downstream.messages.length + f.downstream.actions.length + f.downstream.stateVersions.length;
        expect(effects, `${f.fault} left a trace`).toBeGreaterThan(0);
      }
      expect(cleanFlags(v.result.truth, j)).toEqual([]);
    }, 60_000);
  }
});

describe("what each fault does", () => {
  it("poisoned-feed: the reads it corrupts see values off by the factor, and the harm flows to orders", async () => {
    const v = await virtualRun({ faults: ["poisoned-feed@60m:supplier,factor=10"], duration: 3 * 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.target).toBe("supplier");
    expect(f.origin.actor).toBe("feed:supplier");
    expect(f.origin.agent).toBe("u.price-monitor");
    expect(f.corrupted.length).toBeGreaterThan(0);
    expect(f.origin.records).toEqual(f.corrupted);
    const downstreamIds = new Set(f.downstream.messages.map((m) => m.id));
    const quotes = v.records.filter((r) => r.intent === "procurement.PriceQuote" && downstreamIds.has(r.id));
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) {
      const p = payloadOf(q) as { sku: string; unit_price: number };
      const base = PROCUREMENT_SKUS.find((s) => s.sku === p.sku)!.base;
      expect(p.unit_price / base).toBeGreaterThan(8);
    }
    expect(f.downstream.actions.length).toBeGreaterThan(0);
    expect(f.downstream.stateVersions.length).toBeGreaterThan(0);
  });

  it("replay: the captured record goes out again under its own id, as copy 1", async () => {
    const v = await virtualRun({ faults: ["replay@60m:recommender,delay=20m"], duration: 2 * 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.injected).toHaveLength(1);
    expect(f.injected[0]!.copy).toBe(1);
    const original = v.result.truth.records.find((r) => r.id === f.injected[0]!.id && r.copy === 0);
    expect(original?.status).toBe("clean");
    const copies = v.records.filter((r) => r.id === f.injected[0]!.id);
    expect(copies).toHaveLength(2);
    expect(copies[1]).toEqual(copies[0]);
  });

  it("spoof: the unregistered sender is an outsider in the ground truth", async () => {
    const v = await virtualRun({ faults: ["spoof@30m"], duration: 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.origin.agent).toBe("u.intruder");
    expect(v.result.truth.agents).toContainEqual({ id: "u.intruder", role: "outsider", kind: "agent" });
    expect(v.records.filter((r) => r.agent === "u.intruder")).toHaveLength(3);
  });

  it("observe mode: agents act on what their guard refused, so a spoof spreads", async () => {
    // A spoofed "order placed" to the reconciler: in observe mode it is booked into the inventory.
    const enforce = await virtualRun({ faults: ["spoof@60m:executor"], duration: 2 * 3_600_000 });
    const observe = await virtualRun({ faults: ["spoof@60m:executor"], duration: 2 * 3_600_000, receiveMode: "observe" });
    expect(enforce.result.truth.faults[0]!.downstream.stateVersions).toEqual([]);
    expect(observe.result.truth.faults[0]!.downstream.stateVersions.length).toBeGreaterThan(0);
    expect(observe.result.truth.counts.refused.verification_failed).toBeGreaterThan(0);
  });

  it("agent-crash: the agent emits nothing while down, and the lost deliveries are noted", async () => {
    const v = await virtualRun({ faults: ["agent-crash@60m:executor,duration=60m"], duration: 3 * 3_600_000 });
    const during = v.result.truth.records.filter((r) => r.agent === "u.executor" && r.simTime >= 3_600_000 && r.simTime < 7_200_000);
    const after = v.result.truth.records.filter((r) => r.agent === "u.executor" && r.simTime >= 7_200_000);
    expect(during).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
    expect(v.result.truth.faults[0]!.notes.join(" ")).toMatch(/deliveries to u\.executor were lost/);
  });

  it("key-compromise: the attacker's records verify and carry the victim's id", async () => {
    const v = await virtualRun({ faults: ["key-compromise@60m:recommender,count=2"], duration: 2 * 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.injected).toHaveLength(2);
    expect(f.origin.agent).toBe("u.recommender");
    expect(f.origin.actor).toBe("attacker");
    const ids = new Set(f.injected.map((r) => r.id));
    for (const r of v.records.filter((x) => ids.has(x.id))) expect(r.agent).toBe("u.recommender");
    expect(f.downstream.actions.length).toBeGreaterThan(0);
  });

  it("feedback-loop: amplified records are corrupted and order sizes grow", async () => {
    const v = await virtualRun({ scenario: "trading", faults: ["feedback-loop@20m,factor=1.6"], duration: 2 * 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.target).toBe("*");
    expect(f.corrupted.length).toBeGreaterThan(0);
    const ideas = v.records.filter((r) => r.intent === "trading.TradeIdea").map((r) => (payloadOf(r) as { qty: number }).qty);
    expect(Math.max(...ideas.slice(-4))).toBeGreaterThan(10 * Math.max(1, ...ideas.slice(0, 4)));
  });

  it("a fault whose target never sends a message does not fire, and says so", async () => {
    const v = await virtualRun({ faults: ["spoof@30m:reconciler"], duration: 3_600_000 });
    const f = v.result.truth.faults[0]!;
    expect(f.fired).toBe(false);
    expect(f.injected).toEqual([]);
    expect(f.notes.join(" ")).toMatch(/had sent no message/);
  });

  it("a target that is not in the fleet fails before the run starts", async () => {
    await expect(virtualRun({ faults: ["spoof@30m:nobody"] })).rejects.toThrow(/no agent nobody/);
    await expect(virtualRun({ faults: ["poisoned-feed@30m:executor"] })).rejects.toThrow(/neither a feed/);
  });
});
