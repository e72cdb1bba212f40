// Red actions wait for a human: the hold state machine, the book of holds,
// and the whole flow through guards with a clock the test moves.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ApprovalBook,
  approvalMatches,
  approvalPayloadFor,
  argsDigest,
  HOLD_STATES,
  holdTransition,
  type ApprovalRequest,
  type HoldEvent,
} from "@/lib/guard/approvals.ts";
import { GuardRefusal } from "@/lib/guard/refusal.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { signRecord } from "@/lib/protocol/sign.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { A, APPROVER, B, guardOf, makeWorld, quoteChain as chain, type World } from "./guard-fixtures.ts";

const EVENTS: HoldEvent[] = ["approve", "deny", "expire", "unreachable"];

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    action: "act-1",
    agent: B,
    name: "place_order",
    class: "red",
    args: '{"qty":3}',
    digest: argsDigest('{"qty":3}'),
    parents: ["m2"],
    authority: ["req"],
    requestedAt: "2026-11-21T12:00:00.000Z",
    expiresAt: "2026-11-21T12:15:00.000Z",
    ...over,
  };
}

function approvalFor(req: ApprovalRequest, over: Partial<WireRecord> = {}): WireRecord {
  return {
    kind: "approval",
    id: "apv-1",
    agent: APPROVER,
    timestamp: "2026-11-21T12:01:00.000Z",
    payload: JSON.stringify(approvalPayloadFor(req)),
    parents: req.parents,
    authority: [req.authority[0] ?? ""],
    ...over,
  };
}

/** Settles a promise into a value or the refusal code, without a floating rejection. */
async function outcome(p: Promise<WireRecord>): Promise<WireRecord | string> {
  try {
    return await p;
  } catch (err) {
    return err instanceof GuardRefusal ? err.code : `unexpected: ${String(err)}`;
  }
}

describe("hold state machine", () => {
  it("only a pending hold moves, and each event has one destination", () => {
    for (const state of HOLD_STATES) {
      for (const event of EVENTS) {
        const next = holdTransition(state, event);
        if (state !== "pending") expect(next, `${state} + ${event}`).toBeNull();
      }
    }
    expect(EVENTS.map((e) => holdTransition("pending", e))).toEqual(["approved", "denied", "expired", "unreachable"]);
  });
});

describe("approvalMatches", () => {
  const req = request();

  it("matches the approval of exactly this action, agent, name, arguments and root", () => {
    expect(approvalMatches(req, approvalFor(req))).toBe(true);
  });

  it("refuses an approval of other arguments, another agent's action, another root, or not an approval", () => {
    expect(approvalMatches(req, approvalFor(request({ digest: argsDigest('{"qty":300}') })))).toBe(false);
    expect(approvalMatches(req, approvalFor(request({ agent: A })))).toBe(false);
    expect(approvalMatches(req, approvalFor(request({ name: "refund" })))).toBe(false);
    expect(approvalMatches(req, approvalFor(req, { authority: ["another-request"] }))).toBe(false);
    expect(approvalMatches(req, approvalFor(req, { kind: "message" }))).toBe(false);
    expect(approvalMatches(req, approvalFor(req, { payload: "not json" }))).toBe(false);
    expect(approvalMatches(req, approvalFor(req, { payload: '{"approves":7}' }))).toBe(false);
    expect(approvalMatches(req, approvalFor(req, { payload: undefined }))).toBe(false);
  });
});

describe("ApprovalBook", () => {
  it("resolves a hold with the matching approval, once", async () => {
    const book = new ApprovalBook();
    const req = request();
    const held = book.hold(req, 1_000);
    expect(book.pending()).toEqual([req]);
    expect(book.approve(approvalFor(req, { payload: JSON.stringify({ ...approvalPayloadFor(req), digest: "x" }) }))).toBe(false);
    expect(book.approve(approvalFor(req))).toBe(true);
    expect(book.approve(approvalFor(req))).toBe(false);
    expect(await outcome(held)).toMatchObject({ id: "apv-1" });
    expect(book.size).toBe(0);
  });

  it("denies, expires at the deadline (not before), and cuts off", async () => {
    const book = new ApprovalBook();
    const denied = book.hold(request({ action: "a1" }), 1_000);
    const expired = book.hold(request({ action: "a2" }), 1_000);
    const cut = book.hold(request({ action: "a3" }), 5_000);
    expect(book.nextDeadline()).toBe(1_000);
    expect(book.deny("a1", APPROVER, "too expensive")).toBe(true);
    expect(book.expire(999)).toBe(0);
    expect(book.expire(1_000)).toBe(1);
    expect(book.cutOff("policy source down")).toBe(1);
    expect(await outcome(denied)).toBe("approval_denied");
    expect(await outcome(expired)).toBe("approval_expired");
    expect(await outcome(cut)).toBe("policy_unreachable");
    expect(book.deny("a1", APPROVER, "again")).toBe(false);
    expect(book.nextDeadline()).toBeUndefined();
  });

  it("the denial message names who denied it and why", async () => {
    const book = new ApprovalBook();
    const held = book.hold(request(), 1_000);
    book.deny("act-1", "approver.alice", "over budget");
    await expect(held).rejects.toThrow("red action place_order (act-1) was denied by approver.alice: over budget");
  });
});

describe("red actions through guards", () => {
  let world: World;
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is held, emits nothing, and is signed with the approval in its chain once approved", async () => {
    world = makeWorld();
    const { req, m2 } = chain(world);
    const b = guardOf(world, B);
    const before = world.recordSpans(B).length;
    const handle = b.act("place_order", "red", { qty: 3 }, { parents: [m2] });
    expect(handle.approvalRequest).toMatchObject({ action: handle.id, agent: B, name: "place_order", args: '{"qty":3}', parents: [m2.id], authority: [req.id] });
    expect(b.pendingApprovals()).toHaveLength(1);
    let settled = false;
    void handle.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(world.recordSpans(B)).toHaveLength(before);

    const approval = guardOf(world, APPROVER).approve(handle.approvalRequest!);
    expect(approval).toMatchObject({ kind: "approval", agent: APPROVER, parents: [m2.id], authority: [req.id] });
    expect(b.receive(approval).accepted).toBe(true);
    const action = await handle;
    expect(action).toMatchObject({ kind: "action", id: handle.id, class: "red", intent: "place_order", parents: [m2.id, approval.id], authority: [req.id, approval.id] });
    expect(world.recordSpans(B)).toHaveLength(before + 1);
    expect(b.pendingApprovals()).toEqual([]);
  });

  it("is released by an approval the policy source relays (as the control plane will)", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "red", { qty: 1 }, { parents: [m2] });
    const approval = guardOf(world, APPROVER).approve(handle.approvalRequest!);
    world.policy.approve(handle.id, approval);
    expect(await outcome(handle)).toMatchObject({ id: handle.id, authority: expect.arrayContaining([approval.id]) as unknown });
  });

  it("is not released by an approval from a principal that is not an approver, nor by a forged one", async () => {
    world = makeWorld({ approvalTimeoutMs: 60_000 });
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", { qty: 1 }, { parents: [m2] });
    const req = handle.approvalRequest!;
    // Agent A signs a well-formed approval of the request: it is a verified record, but A is no approver.
    const fake: WireRecord = { ...approvalFor(req, { agent: A, id: "apv-fake", nonce: "AAAAAAAAAAAAAAAAAAAAAA", timestamp: new Date(world.clock.now()).toISOString() }) };
    const signed = { ...fake, signature: signRecord(fake, makeKeyPair(A).keyId, makeKeyPair(A).signingKey) };
    expect(b.receive(signed).accepted).toBe(true);
    world.policy.approve(handle.id, signed);
    // A record claiming the approver but signed with A's key.
    const forged = { ...fake, agent: APPROVER, id: "apv-forged", signature: signRecord({ ...fake, agent: APPROVER }, makeKeyPair(APPROVER).keyId, makeKeyPair(A).signingKey) };
    expect(b.receive(forged).accepted).toBe(false);
    world.policy.approve(handle.id, forged);
    expect(b.pendingApprovals()).toHaveLength(1);
    world.clock.advance(60_000);
    b.tick();
    expect(await outcome(handle)).toBe("approval_expired");
  });

  it("an approval of other arguments does not release it", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", { qty: 1 }, { parents: [m2] });
    const other = guardOf(world, APPROVER).approve({ ...handle.approvalRequest!, digest: argsDigest('{"qty":1000}') });
    expect(b.receive(other).accepted).toBe(true);
    expect(b.pendingApprovals()).toHaveLength(1);
    world.policy.deny(handle.id, APPROVER, "no");
    expect(await outcome(handle)).toBe("approval_denied");
  });

  it("expires at the deadline on the guard's clock, not before", async () => {
    world = makeWorld({ approvalTimeoutMs: 10_000 });
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", {}, { parents: [m2] });
    world.clock.advance(9_999);
    b.tick();
    expect(b.pendingApprovals()).toHaveLength(1);
    world.clock.advance(1);
    b.tick();
    expect(await outcome(handle)).toBe("approval_expired");
    expect(b.stats().refusals).toBe(1);
  });

  it("expires by itself: the guard arms a timer for the next deadline", async () => {
    vi.useFakeTimers();
    world = makeWorld({ approvalTimeoutMs: 10_000 });
    const { m2 } = chain(world);
    const result = outcome(guardOf(world, B).act("place_order", "red", {}, { parents: [m2] }));
    world.clock.advance(10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await result).toBe("approval_expired");
  });

  it("fails closed when the approval source becomes unreachable while it waits", async () => {
    world = makeWorld({ failMode: "open" });
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "red", {}, { parents: [m2] });
    world.policy.setStatus("unreachable");
    expect(await outcome(handle)).toBe("policy_unreachable");
  });

  it("is refused at once when the approval source is already unreachable, even failing open", async () => {
    world = makeWorld({ failMode: "open" });
    const { m2 } = chain(world);
    world.policy.setStatus("unreachable");
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", {}, { parents: [m2] });
    expect(handle.approvalRequest).toBeNull();
    expect(await outcome(handle)).toBe("policy_unreachable");
    // Green work still goes on when failing open.
    expect(await outcome(b.act("log_quote", "green", {}, { parents: [m2] }))).toMatchObject({ kind: "action", class: "green" });
  });

  it("a kill that lands while it waits wins over the approval, and nothing is emitted", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", {}, { parents: [m2] });
    const approval = guardOf(world, APPROVER).approve(handle.approvalRequest!);
    world.policy.kill(B);
    const before = world.recordSpans(B).length;
    world.policy.approve(handle.id, approval);
    expect(await outcome(handle)).toBe("killed");
    expect(world.recordSpans(B)).toHaveLength(before);
  });

  it("an action class outside green, yellow, red is refused, not signed", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    await expect(guardOf(world, B).act("log_quote", "purple" as "red", {}, { parents: [m2] })).rejects.toThrow('action class must be one of green, yellow, red, got "purple"');
  });

  it("green and yellow actions are not held", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const green = b.act("log_quote", "green", { n: 1 }, { parents: [m2] });
    expect(green.approvalRequest).toBeNull();
    expect(await outcome(green)).toMatchObject({ class: "green" });
    expect(await outcome(b.act("log_quote", "yellow", { n: 2 }, { parents: [m2] }))).toMatchObject({ class: "yellow" });
  });

  it("an action the agent may not perform is refused before anyone is asked to approve it", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("wire_money", "red", {}, { parents: [m2] });
    expect(handle.approvalRequest).toBeNull();
    expect(await outcome(handle)).toBe("verification_failed");
  });

  it("shutdown fails every held action closed", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const handle = b.act("place_order", "red", {}, { parents: [m2] });
    await b.shutdown();
    expect(await outcome(handle)).toBe("policy_unreachable");
  });

  it("only an approver's guard approves", () => {
    world = makeWorld();
    const { m2 } = chain(world);
    expect(() => guardOf(world, A).approve(m2)).toThrow(GuardRefusal);
    // Approving a plain record: parents is that record, the root is its root.
    const approval = guardOf(world, APPROVER).approve(m2);
    expect(approval).toMatchObject({ parents: [m2.id], authority: m2.authority, intent: "Quote" });
    expect(JSON.parse(approval.payload ?? "")).toEqual({ approves: m2.id, agent: A, name: "Quote" });
  });
});
