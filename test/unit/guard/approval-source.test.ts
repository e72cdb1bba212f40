// A guard sends its held red actions to an ApprovalSource and obeys the
// answer, checking an approval record itself: a source saying "approved"
// without a record the registry vouches for has approved nothing.
import { afterEach, describe, expect, it } from "vitest";
import type { ApprovalOutcome, ApprovalRequest, ApprovalSource } from "@/lib/guard/approvals.ts";
import { serverApprovals } from "@/lib/guard/server-approvals.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { A, APPROVER, B, GATEWAY, guardOf, makeWorld, type World } from "./guard-fixtures.ts";

let world: World | null = null;
afterEach(async () => {
  for (const g of Object.values(world?.guards ?? {})) await g.shutdown();
  world = null;
});

/** A source the test answers by hand: what the server's queue is to the guard. */
function handSource(): ApprovalSource & { filed: ApprovalRequest[]; answer(outcome: ApprovalOutcome): void } {
  const waiting: ((o: ApprovalOutcome) => void)[] = [];
  const filed: ApprovalRequest[] = [];
  return {
    filed,
    decide(request) {
      filed.push(request);
      return new Promise((resolve) => waiting.push(resolve));
    },
    answer(outcome) {
      waiting.shift()?.(outcome);
    },
  };
}

function chain(w: World): { req: WireRecord; m2: WireRecord } {
  const gw = guardOf(w, GATEWAY);
  const req = gw.request("restock A-1");
  const m1 = gw.send(A, "Task", { text: "restock" }, { parents: [req] });
  guardOf(w, A).receive(m1);
  const m2 = guardOf(w, A).send(B, "Quote", { sku: "A-1", price: 3 }, { parents: [m1] });
  guardOf(w, B).receive(m2);
  return { req, m2 };
}

describe("a guard with an approval source", () => {
  it("files the held action and releases it with the approval in its parents and authority", async () => {
    const source = handSource();
    world = makeWorld({ approvals: source });
    const { req, m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "red", { qty: 3 }, { parents: [m2] });
    expect(source.filed).toEqual([handle.approvalRequest]);
    const approval = guardOf(world, APPROVER).approve(handle.approvalRequest!);
    source.answer({ decision: "approved", record: approval });
    const action = await handle;
    expect(action).toMatchObject({ id: handle.id, parents: [m2.id, approval.id], authority: [req.id, approval.id] });
  });

  it("refuses the action when the on-call denies it", async () => {
    const source = handSource();
    world = makeWorld({ approvals: source });
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "red", { qty: 3 }, { parents: [m2] });
    source.answer({ decision: "denied", by: "oncall.dana", reason: "no budget this quarter" });
    await expect(handle).rejects.toMatchObject({ code: "approval_denied", message: expect.stringContaining("no budget this quarter") });
  });

  it("fails closed when the source cannot be heard from, and when it says the request expired", async () => {
    const source = handSource();
    world = makeWorld({ approvals: source });
    const { m2 } = chain(world);
    const first = guardOf(world, B).act("place_order", "red", { qty: 3 }, { parents: [m2] });
    const second = guardOf(world, B).act("place_order", "red", { qty: 4 }, { parents: [m2] });
    source.answer({ decision: "unreachable", reason: "connection refused" });
    source.answer({ decision: "expired", reason: "nobody decided" });
    await expect(first).rejects.toMatchObject({ code: "policy_unreachable", message: expect.stringContaining("fail closed") });
    await expect(second).rejects.toMatchObject({ code: "approval_expired" });
  });

  it("does not release on an approval whose signature fails, or that answers other arguments", async () => {
    const source = handSource();
    world = makeWorld({ approvals: source });
    const { m2 } = chain(world);
    const b = guardOf(world, B);
    const tampered = b.act("place_order", "red", { qty: 3 }, { parents: [m2] });
    const approval = guardOf(world, APPROVER).approve(tampered.approvalRequest!);
    // The intent is signed: a relay that edits it breaks the signature.
    source.answer({ decision: "approved", record: { ...approval, intent: "wire_transfer" } });
    await expect(tampered).rejects.toMatchObject({ code: "policy_unreachable", message: expect.stringContaining("did not verify") });

    const other = b.act("place_order", "red", { qty: 5 }, { parents: [m2] });
    const forFirst = guardOf(world, APPROVER).approve({ ...other.approvalRequest!, args: '{"qty":500}', digest: "x".repeat(43) });
    source.answer({ decision: "approved", record: forFirst });
    await expect(other).rejects.toMatchObject({ code: "policy_unreachable", message: expect.stringContaining("does not answer this request") });
  });

  it("refuses an approval signed by an agent that is not an approver", async () => {
    const source = handSource();
    world = makeWorld({ approvals: source });
    const { m2 } = chain(world);
    const handle = guardOf(world, B).act("place_order", "red", { qty: 3 }, { parents: [m2] });
    // A signs something shaped like an approval: its registry kind is agent.
    const fake = { ...guardOf(world, APPROVER).approve(handle.approvalRequest!), agent: A };
    source.answer({ decision: "approved", record: fake });
    await expect(handle).rejects.toMatchObject({ code: "policy_unreachable", message: expect.stringContaining("not approver") });
  });
});

describe("serverApprovals", () => {
  /** An in-memory queue behind fetch, answering as the API does. */
  function queueFetch(script: { decideAfterPolls: number; outcome: "approved" | "denied"; record?: WireRecord }) {
    const calls: string[] = [];
    let polls = 0;
    const view = (status: string) => ({
      id: "apr-test0001",
      status,
      decidableAt: "2026-12-05T03:00:10.000Z",
      expiresAt: "2026-12-05T03:15:00.000Z",
      decidedBy: status === "pending" ? null : "oncall.dana",
      reason: status === "pending" ? null : "checked the chain",
      approvalRecord: status === "approved" ? (script.record ?? null) : null,
    });
    const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push(`${init?.method ?? "GET"} ${String(url)}`);
      if (init?.method === "POST") return Response.json(view("pending"), { status: 201 });
      polls++;
      return Response.json(view(polls >= script.decideAfterPolls ? script.outcome : "pending"));
    }) as typeof fetch;
    return { fetchFn, calls };
  }

  it("files, long-polls until decided, and hands back the approval record", async () => {
    world = makeWorld();
    const { m2 } = chain(world);
    const held = guardOf(world, B).act("place_order", "red", { qty: 3 }, { parents: [m2] });
    // No source on this guard: the hold is cut off at shutdown, which is not what this test is about.
    held.catch(() => {});
    const request = held.approvalRequest!;
    const record = guardOf(world, APPROVER).approve(request);
    const q = queueFetch({ decideAfterPolls: 3, outcome: "approved", record });
    const filed: string[] = [];
    const source = serverApprovals({ baseUrl: "http://fb.test/", token: "t".repeat(20), fetch: q.fetchFn, onFiled: (f) => filed.push(f.id) });
    const outcome = await source.decide(request, new AbortController().signal);
    expect(outcome).toEqual({ decision: "approved", record });
    expect(filed).toEqual(["apr-test0001"]);
    expect(q.calls).toEqual(["POST http://fb.test/api/v1/approvals", ...Array(3).fill("GET http://fb.test/api/v1/approvals/apr-test0001?wait=25")]);
  });

  it("passes a denial on with who and why", async () => {
    const q = queueFetch({ decideAfterPolls: 1, outcome: "denied" });
    const source = serverApprovals({ baseUrl: "http://fb.test", token: "t".repeat(20), fetch: q.fetchFn });
    const request: ApprovalRequest = { action: "act-1", agent: B, name: "place_order", class: "red", args: "{}", digest: "d".repeat(43), parents: [], authority: ["req-1"], requestedAt: "", expiresAt: "" };
    expect(await source.decide(request, new AbortController().signal)).toEqual({ decision: "denied", by: "oncall.dana", reason: "checked the chain" });
  });

  it("answers unreachable after failed calls in a row, and at once on a client error", async () => {
    const request: ApprovalRequest = { action: "act-1", agent: B, name: "place_order", class: "red", args: "{}", digest: "d".repeat(43), parents: [], authority: ["req-1"], requestedAt: "", expiresAt: "" };
    let calls = 0;
    const down = (async () => {
      calls++;
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const source = serverApprovals({ baseUrl: "http://fb.test", token: "t".repeat(20), fetch: down, retryMs: 1, maxFailures: 3 });
    expect(await source.decide(request, new AbortController().signal)).toMatchObject({ decision: "unreachable", reason: expect.stringContaining("did not answer 3 times") });
    expect(calls).toBe(3);

    const refused = (async () => Response.json({ error: { code: "bad_request", message: "digest is not the SHA-256 of args" } }, { status: 400 })) as typeof fetch;
    const strict = serverApprovals({ baseUrl: "http://fb.test", token: "t".repeat(20), fetch: refused, retryMs: 1 });
    expect(await strict.decide(request, new AbortController().signal)).toMatchObject({ decision: "unreachable", reason: expect.stringContaining("digest is not the SHA-256") });
  });
});
