// How deep is a record? Lower-bound arithmetic over what one guard has seen
// (lib/guard/depth.ts), the books that remember it, and the same numbers
// end to end through a chain of guards.
import { describe, expect, it } from "vitest";
import { BoundedMap } from "@/lib/guard/bounded-map.ts";
import { chainDepth, ChainBook } from "@/lib/guard/depth.ts";
import { FanOutBook } from "@/lib/guard/fan-out.ts";
import { GuardRefusal } from "@/lib/guard/refusal.ts";
import { A, B, C, GATEWAY, guardOf, makeWorld } from "./guard-fixtures.ts";

const known = (m: Record<string, number>) => (id: string) => m[id];

describe("chainDepth", () => {
  it("a request is depth 0, whatever it claims", () => {
    expect(chainDepth("request", ["x"], known({ x: 7 }))).toBe(0);
  });

  it("a message is one hop deeper than its deepest parent", () => {
    expect(chainDepth("message", ["req"], known({ req: 0 }))).toBe(1);
    expect(chainDepth("message", ["m1", "m3"], known({ m1: 1, m3: 3 }))).toBe(4);
  });

  it("state, actions and approvals are work at their parent's hop, not a new hop", () => {
    for (const kind of ["state.write", "state.read", "action", "approval"]) expect(chainDepth(kind, ["m2"], known({ m2: 2 }))).toBe(2);
    // request -> message to A -> A writes and reads its notes -> message to B -> B acts: depth 2, not 5.
    const d = { req: 0 } as Record<string, number>;
    d.m1 = chainDepth("message", ["req"], known(d));
    d.w = chainDepth("state.write", ["m1"], known(d));
    d.r = chainDepth("state.read", ["w"], known(d));
    d.m2 = chainDepth("message", ["m1", "r"], known(d));
    d.act = chainDepth("action", ["m2", "apv"], known(d));
    expect(d).toEqual({ req: 0, m1: 1, w: 1, r: 1, m2: 2, act: 2 });
  });

  it("a parent it has never seen counts 0 (a lower bound), as do no parents at all", () => {
    expect(chainDepth("message", ["unseen"], known({}))).toBe(1);
    expect(chainDepth("message", [], known({}))).toBe(1);
    expect(chainDepth("action", undefined, known({}))).toBe(0);
  });

  it("a long delegation chain keeps counting (iterative books, no recursion)", () => {
    const book = new ChainBook();
    book.set("req", { depth: 0, authority: ["req"] });
    let parent = "req";
    for (let i = 1; i <= 10_000; i++) {
      const d = book.depthOf("message", [parent]);
      expect(d).toBe(i);
      book.set(`m${i}`, { depth: d, authority: ["req"] });
      parent = `m${i}`;
    }
  });
});

describe("ChainBook", () => {
  it("a hint can raise the depth, never lower it", () => {
    const book = new ChainBook();
    book.set("m1", { depth: 3, authority: ["req"] });
    expect(book.depthOf("message", ["m1"], 7)).toBe(7);
    expect(book.depthOf("message", ["m1"], 1)).toBe(4);
  });

  it("is bounded; a forgotten parent counts as unseen", () => {
    const book = new ChainBook(2);
    book.set("m1", { depth: 5, authority: ["req"] });
    book.set("m2", { depth: 1, authority: ["req"] });
    book.set("m3", { depth: 1, authority: ["req"] });
    expect(book.size).toBe(2);
    expect(book.get("m1")).toBeUndefined();
    expect(book.depthOf("message", ["m1"])).toBe(1);
  });
});

describe("BoundedMap", () => {
  it("keeps the last `limit` keys; updating a key keeps its place", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("a", 3);
    m.set("c", 4);
    expect(m.get("a")).toBeUndefined();
    expect(m.get("b")).toBe(2);
    expect(m.get("c")).toBe(4);
  });

  it("stays bounded over many insertions", () => {
    const m = new BoundedMap<number, number>(100);
    for (let i = 0; i < 100_000; i++) m.set(i, i);
    expect(m.size).toBe(100);
    expect(m.get(99_999)).toBe(99_999);
    expect(m.has(99_899)).toBe(false);
  });
});

describe("FanOutBook", () => {
  it("sums deliveries per parent and projects the next send", () => {
    const f = new FanOutBook();
    expect(f.projected(["p"], 2)).toBe(2);
    f.add(["p"], 2);
    expect(f.projected(["p"], 1)).toBe(3);
    expect(f.projected(["p", "q"], 1)).toBe(3);
    expect(f.projected([], 5)).toBe(5);
    expect(f.count("q")).toBe(0);
  });
});

describe("depth through guards", () => {
  it("with the sender's depth passed beside each record, every guard knows the exact depth", () => {
    const w = makeWorld();
    const [gw, a, b, c] = [guardOf(w, GATEWAY), guardOf(w, A), guardOf(w, B), guardOf(w, C)];
    const req = gw.request("restock");
    expect(gw.depthOf(req.id)).toBe(0);
    const m1 = gw.send(A, "Task", { text: "restock" }, { parents: [req] });
    expect(gw.depthOf(m1.id)).toBe(1);
    expect(a.receive(m1, { depthHint: gw.depthOf(m1.id) }).depth).toBe(1);
    const m2 = a.send(B, "Quote", { sku: "A-1", price: 3 }, { parents: [m1] });
    expect(b.receive(m2, { depthHint: a.depthOf(m2.id) }).depth).toBe(2);
    const m3 = b.send(C, "Quote", { sku: "A-1", price: 3 }, { parents: [m2] });
    expect(c.receive(m3, { depthHint: b.depthOf(m3.id) }).depth).toBe(3);
    const m4 = c.send(A, "Quote", { sku: "A-1", price: 3 }, { parents: [m3] });
    expect(a.receive(m4, { depthHint: c.depthOf(m4.id) }).depth).toBe(4);
  });

  it("without the hint a receiver has only its lower bound: exact one hop from the root, short beyond", () => {
    const w = makeWorld();
    const [gw, a, b, c] = [guardOf(w, GATEWAY), guardOf(w, A), guardOf(w, B), guardOf(w, C)];
    const req = gw.request("restock");
    const m1 = gw.send(A, "Task", { text: "x" }, { parents: [req] });
    expect(a.receive(m1).depth).toBe(1);
    const m2 = a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] });
    expect(a.depthOf(m2.id)).toBe(2);
    // B never saw m1: it knows only that m1 is at or below the root.
    expect(b.receive(m2).depth).toBe(1);
    const m3 = b.send(C, "Quote", { sku: "A-1", price: 1 }, { parents: [m2] });
    expect(b.depthOf(m3.id)).toBe(2);
    // The hint is raise-only: a sender that under-reports cannot lower the bound, and junk is ignored.
    expect(c.receive(m3, { depthHint: 0 }).depth).toBe(1);
    const m4 = b.send(C, "Quote", { sku: "A-1", price: 3 }, { parents: [m2] });
    expect(c.receive(m4, { depthHint: Number.NaN }).depth).toBe(1);
  });

  it("the guard refuses to send deeper than the cap, and to accept a record it knows is deeper", () => {
    const w = makeWorld();
    w.policy.setCaps({ maxChainDepth: 2 });
    const [gw, a, b] = [guardOf(w, GATEWAY), guardOf(w, A), guardOf(w, B)];
    const req = gw.request("restock");
    const m1 = gw.send(A, "Task", { text: "x" }, { parents: [req] });
    a.receive(m1, { depthHint: gw.depthOf(m1.id) });
    const m2 = a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] });
    b.receive(m2, { depthHint: a.depthOf(m2.id) });
    // Work at the deepest allowed hop is fine; a further hop is not.
    expect(b.writeState("agent-b/x", 1, { parents: [m2] }).kind).toBe("state.write");
    let refusal: unknown;
    try {
      b.send(A, "Quote", { sku: "A-1", price: 1 }, { parents: [m2] });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(GuardRefusal);
    expect((refusal as GuardRefusal).code).toBe("chain_depth_cap");
    // A record that this guard can tell (or is told) is too deep is refused on receipt.
    w.policy.setCaps({ maxChainDepth: 5 });
    const deep = b.send(A, "Quote", { sku: "A-1", price: 1 }, { parents: [m2] });
    w.policy.setCaps({ maxChainDepth: 2 });
    const r = a.receive(deep);
    expect(r.accepted).toBe(false);
    expect(r.refusal?.code).toBe("chain_depth_cap");
    expect(r.verdicts).toEqual([{ verdict: "verified" }]);
  });
});
