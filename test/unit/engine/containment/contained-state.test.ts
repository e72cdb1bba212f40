// State quarantine, judged pass by pass: containment spreads forward from the
// records the engine contained (or that failed at the door) through parents,
// and a contained state.write quarantines its key.
import { describe, expect, it } from "vitest";
import { containedSeeds, ContainedSet, containState, type JudgedRecord } from "@/lib/engine/containment/contained-state.ts";

const rec = (recordId: string, kind: string, parents: string[] = [], over: Partial<JudgedRecord> = {}): JudgedRecord => ({
  recordId,
  kind,
  intent: kind.startsWith("state") ? "ns.reconciler/inventory/C-300" : null,
  parents,
  verified: true,
  verdicts: ["verified"],
  ...over,
});

/** The procurement cascade: quote -> read -> order -> action -> placed -> read -> booking. */
const cascade: JudgedRecord[] = [
  rec("q1", "message", ["feed-read"]),
  rec("r1", "state.read", ["q1", "w0"]),
  rec("o1", "message", ["q1", "r1"]),
  rec("a1", "action", ["o1"]),
  rec("p1", "message", ["a1"]),
  rec("r2", "state.read", ["p1", "w0"]),
  rec("w1", "state.write", ["p1", "r2"]),
];

describe("containState", () => {
  it("a write descending from a contained message quarantines its key, naming the write and the reason", () => {
    const contained = new ContainedSet();
    const keys = containState(cascade, new Map([["q1", "anomalous message q1 on a->b, whose breaker the engine opened"]]), contained);
    expect(keys).toEqual([{ key: "ns.reconciler/inventory/C-300", recordId: "w1", reason: "state.write w1 descends from a contained record: anomalous message q1 on a->b, whose breaker the engine opened" }]);
    expect(["q1", "r1", "o1", "a1", "p1", "r2", "w1"].every((id) => contained.has(id))).toBe(true);
  });

  it("nothing contained, nothing quarantined: clean writes and reads pass", () => {
    const contained = new ContainedSet();
    expect(containState(cascade, new Map(), contained)).toEqual([]);
    expect(contained.size).toBe(0);
  });

  it("containment carries over to later passes: the next cycle's rewrite of the key is caught too", () => {
    const contained = new ContainedSet();
    containState(cascade.slice(0, 3), new Map([["q1", "tripped"]]), contained);
    const next = containState([rec("r3", "state.read", ["w0"]), rec("a2", "action", ["o1"]), rec("w2", "state.write", ["a2"], { intent: "ns.reconciler/inventory/A-100" })], new Map(), contained);
    expect(next.map((k) => [k.key, k.recordId])).toEqual([["ns.reconciler/inventory/A-100", "w2"]]);
    expect(contained.has("r3")).toBe(false);
  });

  it("a state.write that failed at the door quarantines its key on its own; one still pending does not", () => {
    const contained = new ContainedSet();
    const keys = containState(
      [
        rec("w9", "state.write", ["x"], { verified: false, verdicts: ["memory_violation"] }),
        rec("w8", "state.write", ["x"], { verified: false, verdicts: ["pending"], intent: "other/key" }),
      ],
      new Map(),
      contained,
    );
    expect(keys).toEqual([{ key: "ns.reconciler/inventory/C-300", recordId: "w9", reason: "state.write w9 failed verification at the door (memory_violation)" }]);
  });

  it("one entry per key: the first write that showed it", () => {
    const keys = containState([rec("q1", "message"), rec("w1", "state.write", ["q1"]), rec("w2", "state.write", ["w1"])], new Map([["q1", "tripped"]]), new ContainedSet());
    expect(keys.map((k) => k.recordId)).toEqual(["w1"]);
  });
});

describe("ContainedSet", () => {
  it("is bounded: the oldest ids leave first", () => {
    const s = new ContainedSet(3);
    for (const id of ["a", "b", "c", "d"]) s.add(id, "why");
    expect([s.has("a"), s.has("b"), s.has("d"), s.size]).toEqual([false, true, true, 3]);
  });

  it("keeps the newest ids however many times its ring wraps, and an id added again keeps its place", () => {
    const s = new ContainedSet(3);
    for (const id of ["a", "b", "c", "d", "e", "f", "g"]) s.add(id, `why ${id}`);
    s.add("f", "again");
    s.add("h", "why h");
    const letters = ["a", "b", "c", "d", "e", "f", "g", "h"];
    expect(letters.filter((id) => s.has(id))).toEqual(["f", "g", "h"]);
    expect([s.why("f"), s.size]).toEqual(["why f", 3]);
    s.add("i", "why i");
    expect(letters.concat("i").filter((id) => s.has(id))).toEqual(["g", "h", "i"]);
  });
});

describe("containedSeeds", () => {
  const observed = [
    { recordId: "q1", agent: "a", receivers: ["b"], verified: true, anomalous: true },
    { recordId: "q2", agent: "a", receivers: ["c"], verified: true, anomalous: true },
    { recordId: "q3", agent: "a", receivers: ["b"], verified: true, anomalous: false },
    { recordId: "q4", agent: "x", receivers: ["b"], verified: false, anomalous: false },
  ];

  it("failed messages on edges whose breaker refuses, and no others", () => {
    const seeds = containedSeeds(observed, (s, r) => r === "b");
    expect([...seeds.keys()]).toEqual(["q1", "q4"]);
    expect(seeds.get("q1")).toBe("anomalous message q1 on a->b, whose breaker the engine opened");
    expect(seeds.get("q4")).toMatch(/^unverified message q4 on x->b/);
  });
});
