// The lineage gate: a held action runs only once the control plane says
// what it descends from is clean. A red action is re-checked when its
// approval arrives; the gate's classes wait for the answer; the rest run at
// once. Refusals say why; no answer in time fails red closed and the rest
// by the fail mode.
import { describe, expect, it } from "vitest";
import { awaitClearance, type LineageClearance, type LineageSource } from "@/lib/guard/lineage-source.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { A, APPROVER, B, guardOf, makeWorld, quoteChain as chain } from "./guard-fixtures.ts";

/** A lineage source answering from a script, one answer per ask (the last repeats), counting the asks. */
function scripted(answers: readonly (Partial<LineageClearance> | Error)[]): LineageSource & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    clearance(records) {
      asked.push([...records]);
      const a = answers[Math.min(asked.length - 1, answers.length - 1)];
      if (a instanceof Error) return Promise.reject(a);
      return Promise.resolve({ verdict: "clear", records: [...records], reasons: [], pending: [], truncated: false, ...a });
    },
  };
}

const settle = (p: Promise<WireRecord>): Promise<WireRecord | { code: string; message: string }> => p.catch((e: { code: string; message: string }) => ({ code: e.code, message: e.message }));

describe("awaitClearance", () => {
  const opts = (timeoutMs = 1_000) => ({ timeoutMs, pollMs: 1, signal: new AbortController().signal });

  it("is clear at once with nothing to descend from, without asking", async () => {
    const src = scripted([{ verdict: "tainted" }]);
    expect(await awaitClearance(src, [], opts())).toEqual({ outcome: "clear" });
    expect(src.asked).toEqual([]);
  });

  it("asks again while pending, and again after an error, until a definitive answer", async () => {
    const src = scripted([{ verdict: "pending", pending: ["m1"] }, new Error("503"), { verdict: "tainted", reasons: ["message q1 on a->b, whose breaker is OPEN"] }]);
    expect(await awaitClearance(src, ["m1"], opts())).toEqual({ outcome: "tainted", reason: "message q1 on a->b, whose breaker is OPEN" });
    expect(src.asked).toHaveLength(3);
  });

  it("gives up as unverified when no definitive answer comes in time, saying what it waited for", async () => {
    let t = 0;
    const src = scripted([{ verdict: "pending", reasons: ["the engine has not judged m1 yet"], pending: ["m1"] }]);
    const got = await awaitClearance(src, ["m1"], { timeoutMs: 50, pollMs: 1, signal: new AbortController().signal, now: () => (t += 10) });
    expect(got).toMatchObject({ outcome: "unverified" });
    expect((got as { reason: string }).reason).toContain("the engine has not judged m1 yet");
  });
});

describe("the guard's lineage gate", () => {
  it("a gated yellow action waits for the answer and runs once clear, under the id it was given", async () => {
    const src = scripted([{ verdict: "pending", pending: ["x"] }, { verdict: "clear" }]);
    const world = makeWorld({ lineage: src, lineageGate: { classes: ["yellow"], pollMs: 1 } });
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "yellow", { qty: 1 }, { parents: [m2] });
    expect(handle.gated).toBe(true);
    const rec = await handle;
    expect(rec).toMatchObject({ kind: "action", id: handle.id, class: "yellow", parents: [m2.id] });
    expect(src.asked).toEqual([[m2.id], [m2.id]]);
  });

  it("a gated action descending from a contained record is refused with the reason", async () => {
    const src = scripted([{ verdict: "tainted", reasons: ["message q1 from agent-a on agent-a->agent-b, whose breaker is OPEN: unit_price 10x the median"] }]);
    const world = makeWorld({ lineage: src, lineageGate: { classes: ["yellow"], pollMs: 1 } });
    const { m2 } = chain(world);
    const before = world.recordSpans(B).length;
    const got = await settle(guardOf(world, B).act("place_order", "yellow", { qty: 1 }, { parents: [m2] }));
    expect(got).toMatchObject({ code: "lineage_tainted" });
    expect((got as { message: string }).message).toContain("whose breaker is OPEN");
    expect(world.recordSpans(B)).toHaveLength(before);
  });

  it("classes outside the gate run at once, without asking", async () => {
    const src = scripted([{ verdict: "tainted" }]);
    const world = makeWorld({ lineage: src, lineageGate: { classes: ["yellow"] } });
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("log_quote", "green", {}, { parents: [m2] });
    expect(handle.gated).toBe(false);
    await expect(handle).resolves.toMatchObject({ class: "green" });
    expect(src.asked).toEqual([]);
  });

  it("a red action approved while its lineage was contained is refused after the approval, not before", async () => {
    const src = scripted([{ verdict: "tainted", reasons: ["quote q1 was found anomalous and its edge tripped"] }]);
    const world = makeWorld({ lineage: src, lineageGate: { pollMs: 1 } });
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", { qty: 30 }, { parents: [m2] });
    expect(src.asked).toEqual([]);
    const approval = guardOf(world, APPROVER).approve(handle.approvalRequest!);
    expect(b.receive(approval).accepted).toBe(true);
    expect(await settle(handle)).toMatchObject({ code: "lineage_tainted" });
    // Asked about what the action descends from, not the approval.
    expect(src.asked).toEqual([[m2.id]]);
  });

  it("with no definitive answer in time, red fails closed; a yellow action follows the fail mode", async () => {
    const down = () => scripted([new Error("connect ECONNREFUSED")]);
    const closed = makeWorld({ lineage: down(), lineageGate: { classes: ["yellow"], timeoutMs: 20, pollMs: 5 } });
    const c = chain(closed);
    expect(await settle(guardOf(closed, B).act("place_order", "yellow", {}, { parents: [c.m2] }))).toMatchObject({ code: "lineage_unverified" });

    const open = makeWorld({ lineage: down(), lineageGate: { classes: ["yellow"], timeoutMs: 20, pollMs: 5 }, failMode: "open" });
    const o = chain(open);
    await expect(guardOf(open, B).act("place_order", "yellow", {}, { parents: [o.m2] })).resolves.toMatchObject({ class: "yellow" });
    const red = guardOf(open, B).act("place_order", "red", {}, { parents: [o.m2] });
    expect(guardOf(open, B).receive(guardOf(open, APPROVER).approve(red.approvalRequest!)).accepted).toBe(true);
    expect(await settle(red)).toMatchObject({ code: "lineage_unverified" });
  });

  it("without a lineage source nothing is asked and nothing waits (as before)", async () => {
    const world = makeWorld();
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "yellow", {}, { parents: [m2] });
    expect(handle.gated).toBe(false);
    await expect(handle).resolves.toMatchObject({ class: "yellow" });
  });
});

describe("quarantined state keys", () => {
  it("a guard neither reads nor writes a quarantined key, says why, and does again once lifted", () => {
    const world = makeWorld();
    const a = guardOf(world, A);
    a.writeState("notes/x", { n: 1 });
    world.policy.quarantine("notes/x");
    expect(() => a.readState("notes/x")).toThrow(expect.objectContaining({ code: "state_quarantined" }) as Error);
    expect(() => a.writeState("notes/x", { n: 2 })).toThrow(/quarantined.*lifts it/);
    // Other keys are untouched.
    expect(a.writeState("notes/y", { n: 1 })).toMatchObject({ kind: "state.write", intent: "notes/y" });
    world.policy.liftQuarantine("notes/x");
    expect(a.readState("notes/x").value).toEqual({ n: 1 });
  });
});
