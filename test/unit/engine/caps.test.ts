import { describe, expect, it } from "vitest";
import { capKey, checkCaps } from "@/lib/engine/caps/caps.ts";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const msg = (id: string, at: number, receivers: string[] = ["b"], agent = "a"): WindowRecord => ({ recordId: id, kind: "message", agent, receivers, intent: "Task", at, payload: {} });
const none = () => null;

describe("caps", () => {
  it("receivers: more than 3 distinct receivers on one message; exactly 3 is fine", () => {
    const found = checkCaps({ history: [], recent: [msg("ok", T0, ["b", "c", "d"]), msg("wide", T0 + 1, ["b", "c", "d", "e", "e"])], depthOf: none, lastReported: new Map() });
    expect(found.map((f) => [f.detector, f.recordId, f.params.value])).toEqual([["cap_receivers", "wide", 4]]);
    expect(found[0]?.explanation).toBe("a sent Task to 4 receivers (limit 3)");
  });

  it("depth: over the limit is a finding, unknown depth is not", () => {
    const depths = new Map([["d5", 5], ["d6", 6]]);
    const found = checkCaps({ history: [], recent: [msg("d5", T0), msg("d6", T0 + 1), msg("d?", T0 + 2)], depthOf: (id) => depths.get(id) ?? null, lastReported: new Map() });
    expect(found.map((f) => f.recordId)).toEqual(["d6"]);
    expect(found[0]?.score).toBeCloseTo(6 / 5);
  });

  it("messages per cycle count the agent's history in the same aligned cycle, then cool down", () => {
    const history = Array.from({ length: 18 }, (_, i) => msg(`h${i}`, T0 + i * 1000));
    const recent = [msg("r1", T0 + 30_000), msg("r2", T0 + 31_000), msg("r3", T0 + 32_000), msg("r4", T0 + 33_000)];
    const lastReported = new Map<string, number>();
    const found = checkCaps({ history, recent, depthOf: none, lastReported }, { maxMessagesPerCycle: 20 });
    // One finding, made at the 21st message, naming every message over the limit (r4 too), with the cycle's count.
    expect(found.map((f) => f.recordId)).toEqual(["r3"]);
    expect(found[0]?.explanation).toBe("a sent 22 messages in the 60s cycle from 12:00:00 UTC (limit 20)");
    expect(found[0]?.evidence).toEqual(["r3", "r4"]);
    expect(found[0]?.params.value).toBe(22);
    // The next cycle is over the limit too, but within the cooldown: no new finding; the records over the
    // limit are handed back to be added to the finding that is cooling down.
    const next = Array.from({ length: 25 }, (_, i) => msg(`n${i}`, T0 + 60_000 + i));
    const cooledOver = new Map<string, string[]>();
    expect(checkCaps({ history: [], recent: next, depthOf: none, lastReported, cooledOver }).filter((f) => f.detector === "cap_messages_per_cycle")).toEqual([]);
    expect([...cooledOver]).toEqual([[capKey("a", "cap_messages_per_cycle"), ["n20", "n21", "n22", "n23", "n24"]]]);
    // After the cooldown it reports again.
    const later = Array.from({ length: 21 }, (_, i) => msg(`l${i}`, T0 + 400_000 + i));
    expect(checkCaps({ history: [], recent: later, depthOf: none, lastReported }).map((f) => f.recordId)).toEqual(["l20"]);
  });

  it("a storm in one pass is one finding per cap that names every record over the limit", () => {
    const storm = Array.from({ length: 50 }, (_, i) => msg(`s${i}`, T0 + i * 10, ["b", "c"]));
    const cooledOver = new Map<string, string[]>();
    const found = checkCaps({ history: [], recent: storm, depthOf: none, lastReported: new Map(), cooledOver });
    const perCycle = found.filter((f) => f.detector === "cap_messages_per_cycle");
    expect(perCycle).toHaveLength(1);
    expect(perCycle[0]!.evidence).toEqual(storm.slice(20).map((r) => r.recordId));
    expect(perCycle[0]!.explanation).toBe("a sent 50 messages in the 60s cycle from 12:00:00 UTC (limit 20)");
    const fanOuts = found.filter((f) => f.detector === "cap_concurrent_fan_outs");
    expect(fanOuts).toHaveLength(1);
    expect(fanOuts[0]!.evidence).toEqual(storm.slice(5).map((r) => r.recordId));
    // Nothing left for an earlier finding: this call made the ones cooling down.
    expect(cooledOver.size).toBe(0);
  });

  it("a history record also in recent is counted once", () => {
    const rec = Array.from({ length: 20 }, (_, i) => msg(`m${i}`, T0 + i));
    expect(checkCaps({ history: rec, recent: rec, depthOf: none, lastReported: new Map() })).toEqual([]);
  });

  it("concurrent fan-outs: the sixth fan-out in flight within a cycle; fan-outs older than a cycle have landed", () => {
    const fan = (id: string, at: number) => msg(id, at, ["b", "c"]);
    const old = [fan("o1", T0 - 120_000), fan("o2", T0 - 110_000)];
    const recent = [fan("f1", T0), fan("f2", T0 + 1), fan("f3", T0 + 2), fan("f4", T0 + 3), fan("f5", T0 + 4), msg("single", T0 + 5), fan("f6", T0 + 6)];
    const found = checkCaps({ history: old, recent, depthOf: none, lastReported: new Map() });
    expect(found.map((f) => [f.detector, f.recordId, f.params.value])).toEqual([["cap_concurrent_fan_outs", "f6", 6]]);
    expect(found[0]?.evidence).toEqual(["f6"]);
  });

  it("concurrent fan-outs: names a storm's first copies of one message, under the limit when sent, and no clean fan-out beside them", () => {
    // Two clean fan-outs, each from its own task, then a runaway sending the same message (one input) every 100 ms.
    const fan = (id: string, at: number, parents: string[]): WindowRecord => ({ ...msg(id, at, ["b", "c"]), parents });
    const clean = [fan("c1", T0, ["task-1"]), fan("c2", T0 + 30_000, ["task-2"])];
    const storm = Array.from({ length: 8 }, (_, i) => fan(`s${i}`, T0 + 30_100 + i * 100, ["c2"]));
    // Judged as a live engine would: the clean ones and the storm's first three in one pass, the rest in the next.
    const lastReported = new Map<string, number>();
    expect(checkCaps({ history: [], recent: [...clean, ...storm.slice(0, 3)], depthOf: none, lastReported })).toEqual([]);
    const found = checkCaps({ history: [...clean, ...storm.slice(0, 3)], recent: storm.slice(3), depthOf: none, lastReported }).filter((f) => f.detector === "cap_concurrent_fan_outs");
    expect(found.map((f) => [f.recordId, f.params.value])).toEqual([["s3", 6]]);
    expect(found[0]!.evidence).toEqual(storm.map((r) => r.recordId));
  });

  it("only messages count: actions and state writes are not traffic", () => {
    const acts = Array.from({ length: 30 }, (_, i): WindowRecord => ({ ...msg(`x${i}`, T0 + i), kind: "action", receivers: [] }));
    expect(checkCaps({ history: [], recent: acts, depthOf: none, lastReported: new Map() })).toEqual([]);
  });
});
