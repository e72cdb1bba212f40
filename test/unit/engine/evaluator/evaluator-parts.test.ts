import { describe, expect, it } from "vitest";
import { ChainDepth } from "@/lib/engine/evaluator/chain-depth.ts";
import { HistoryCache, type CachedRecord } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph, impactOf, MAX_DEVIATION } from "@/lib/engine/evaluator/impact.ts";
import { LagStats } from "@/lib/engine/evaluator/lag-stats.ts";
import { verificationFindings } from "@/lib/engine/evaluator/verification-findings.ts";

const rec = (id: string, agent: string, at: number, anomalous = false): CachedRecord => ({ recordId: id, kind: "message", agent, receivers: [], intent: null, at, payload: undefined, anomalous });

describe("history cache", () => {
  it("keeps each agent's newest records, bounded by count and by age, in time order", () => {
    const c = new HistoryCache({ maxAgeMs: 1_000, maxPerAgent: 3 });
    c.add([rec("a1", "a", 100), rec("a3", "a", 300), rec("a2", "a", 200), rec("a4", "a", 400), rec("b1", "b", 450)]);
    expect(c.forAgents(["a"]).map((r) => r.recordId)).toEqual(["a2", "a3", "a4"]);
    c.add([rec("b2", "b", 1_600)]);
    // b1 is older than 1 s before the newest record seen.
    expect(c.forAgents(["b"]).map((r) => r.recordId)).toEqual(["b2"]);
    expect(c.since(300).map((r) => r.recordId).sort()).toEqual(["a3", "a4", "b2"]);
  });

  it("knows which agents were never loaded, and forgets everything on clear", () => {
    const c = new HistoryCache();
    c.load("a", [rec("a1", "a", 1)]);
    expect(c.unloaded(["a", "b", "b"])).toEqual(["b"]);
    c.clear();
    expect(c.unloaded(["a"])).toEqual(["a"]);
    expect(c.size).toBe(0);
  });
});

describe("chain depth", () => {
  it("a request is 0; a message is one more than its deepest parent; other work stays at its parent's depth; unknown chains are null", () => {
    const d = new ChainDepth();
    d.remember("stored-parent", 4);
    const depths = d.assign([
      { recordId: "req", kind: "request", parents: [] },
      { recordId: "m1", kind: "message", parents: ["req"] },
      { recordId: "w1", kind: "state.write", parents: ["m1"] },
      { recordId: "m2", kind: "message", parents: ["m1", "stored-parent"] },
      { recordId: "act", kind: "action", parents: ["m2"] },
      { recordId: "orphan", kind: "message", parents: ["never-seen"] },
    ]);
    expect(Object.fromEntries(depths)).toEqual({ req: 0, m1: 1, w1: 1, m2: 5, act: 5, orphan: null });
  });

  it("memory read in a later cycle does not carry the earlier cycle's depth", () => {
    const d = new ChainDepth();
    d.remember("old-write", 9);
    const depths = d.assign([
      { recordId: "read", kind: "state.read", parents: ["old-write"] },
      { recordId: "req", kind: "request", parents: [] },
      { recordId: "m", kind: "message", parents: ["req", "read"] },
    ]);
    expect(Object.fromEntries(depths)).toEqual({ read: 0, req: 0, m: 1 });
    expect(d.missingParents([{ recordId: "x", kind: "message", parents: ["m", "y"] }])).toEqual(["y"]);
  });

  it("forgets the oldest depths past its capacity", () => {
    const d = new ChainDepth(2);
    d.remember("a", 1);
    d.remember("b", 2);
    d.remember("c", 3);
    expect([d.get("a"), d.get("b"), d.get("c")]).toEqual([undefined, 2, 3]);
  });
});

describe("impact", () => {
  it("reach counts distinct downstream agents, cycles included once", () => {
    const g = new AgentGraph();
    for (const [s, r] of [["a", "b"], ["b", "c"], ["c", "a"], ["c", "d"], ["x", "a"]] as const) g.addEdge(s, r);
    expect(g.reach("a")).toBe(3);
    expect(g.reach("d")).toBe(0);
    expect(g.reach("x")).toBe(4);
  });

  it("deviation times (1 + reach), with a cap on deviation and 1 when there is no number", () => {
    expect(impactOf(-4, 2)).toBe(12);
    expect(impactOf(Number.NaN, 3)).toBe(4);
    expect(impactOf(1e9, 0)).toBe(MAX_DEVIATION);
  });
});

describe("verification findings", () => {
  it("one finding per agent and set of problems, naming every record; clean and pending records are not findings", () => {
    const found = verificationFindings([
      { recordId: "f1", agent: "a", at: 2, verified: false, verdicts: ["bad_signature"] },
      { recordId: "f2", agent: "a", at: 1, verified: false, verdicts: ["bad_signature"] },
      { recordId: "r1", agent: "a", at: 3, verified: false, verdicts: ["replay"] },
      { recordId: "ok", agent: "a", at: 4, verified: true, verdicts: ["verified"] },
      { recordId: "wait", agent: "a", at: 5, verified: false, verdicts: ["pending"] },
      { recordId: "note", agent: "b", at: 6, verified: true, verdicts: ["verified", "unattested_agent"] },
    ]);
    expect(found.map((f) => [f.subject, f.recordId, f.evidence])).toEqual([
      ["bad_signature", "f1", ["f2", "f1"]],
      ["replay", "r1", ["r1"]],
    ]);
    expect(found[0]?.explanation).toBe("2 records claiming to be from a failed verification at the door: bad_signature");
  });
});

describe("lag stats", () => {
  it("p50 and p99 of committed minus received, over a bounded reservoir", () => {
    const s = new LagStats(100);
    s.addBatch(1_000, Array.from({ length: 100 }, (_, i) => 1_000 - i));
    expect(s.summary()).toEqual({ samples: 100, p50: 50, p99: 99, max: 99 });
    s.addBatch(2_000, [0]);
    expect(s.summary().samples).toBe(100);
    expect(s.summary().max).toBe(2_000);
  });
});
