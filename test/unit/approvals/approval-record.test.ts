// The approval record the server signs: it answers exactly the held request
// (so the guard accepts it), carries who decided and why under the
// signature, verifies against the approver's registry key at the door, and
// is shaped as the collector's decoder would have shaped it.
import { describe, expect, it } from "vitest";
import { approvalBatch, signApprovalRecord } from "@/lib/approvals/approval-record.ts";
import { approvalMatches, argsDigest, type ApprovalRequest } from "@/lib/guard/approvals.ts";
import { checkRecord } from "@/lib/verify/check-record.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { makeAgent, makeAgentKey, makeSnapshot } from "../../fixtures/registry.ts";

const NOW = Date.UTC(2026, 11, 5, 3, 0, 0);
const key = makeKeyPair("firebreak-instance", "fb-instance-0123456789abcdef");
const signer = { agentId: "firebreak-approvals", keyId: key.keyId, privateKey: key.signingKey };
const snapshot = makeSnapshot([makeAgent({ id: "firebreak-approvals", kind: "approver", keys: [makeAgentKey(key)] })]);

const heldRequest = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => {
  const args = over.args ?? '{"qty":400,"sku":"C-300"}';
  return {
    action: "act-1",
    agent: "order-executor",
    name: "place_order",
    class: "red",
    args,
    digest: argsDigest(args),
    parents: ["msg-quote"],
    authority: ["req-1"],
    requestedAt: "2026-12-05T02:59:00.000Z",
    expiresAt: "2026-12-05T03:14:00.000Z",
    ...over,
  };
};

let n = 0;
const tokens = () => `tok${String(++n).padStart(19, "0")}`;

describe("signApprovalRecord", () => {
  it("answers exactly the held request and verifies at the door", () => {
    const request = heldRequest();
    const rec = signApprovalRecord({ request, approvalId: "apr-1", decidedBy: "oncall.dana", reason: "within budget", now: NOW }, signer, tokens);
    expect(rec).toMatchObject({ kind: "approval", agent: "firebreak-approvals", intent: "place_order", parents: ["msg-quote"], authority: ["req-1"], timestamp: "2026-12-05T03:00:00.000Z" });
    expect(JSON.parse(rec.payload!)).toEqual({ approves: "act-1", agent: "order-executor", name: "place_order", digest: request.digest, approvalId: "apr-1", decidedBy: "oncall.dana", reason: "within budget" });
    expect(approvalMatches(request, rec)).toBe(true);
    expect(approvalMatches(heldRequest({ args: '{"qty":4000,"sku":"C-300"}' }), rec)).toBe(false);
    expect(checkRecord(rec, snapshot, { now: NOW }).map((v) => v.verdict)).toEqual(["verified"]);
    // The reason is under the signature: editing it breaks the record.
    const edited = { ...rec, payload: rec.payload!.replace("within budget", "CFO said yes") };
    expect(checkRecord(edited, snapshot, { now: NOW }).map((v) => v.verdict)).toContain("bad_signature");
  });

  it("hangs an action with no parents off its root request, and refuses one with no root", () => {
    expect(signApprovalRecord({ request: heldRequest({ parents: [] }), approvalId: "apr-2", decidedBy: "x", reason: "ok", now: NOW }, signer, tokens).parents).toEqual(["req-1"]);
    expect(() => signApprovalRecord({ request: heldRequest({ authority: [] }), approvalId: "apr-3", decidedBy: "x", reason: "ok", now: NOW }, signer, tokens)).toThrow(/root/);
  });
});

describe("approvalBatch", () => {
  it("is one span and one record row, with the worker's verdicts and the signing key id", () => {
    const rec = signApprovalRecord({ request: heldRequest(), approvalId: "apr-1", decidedBy: "oncall.dana", reason: "ok", now: NOW }, signer, tokens);
    const batch = approvalBatch(rec, "a".repeat(32), snapshot, NOW);
    expect(batch.spanCount).toBe(1);
    expect(batch.spans).toMatchObject({ traceId: `{"${"a".repeat(32)}"}`, name: '{"approval place_order"}', serviceName: '{"firebreak"}', startNs: `{"${NOW}000000"}` });
    expect(batch.spans?.spanId).toMatch(/^\{"[0-9a-f]{16}"\}$/);
    expect(batch.recordColumns.spanId).toBe(batch.spans?.spanId);
    expect(batch.records[0]).toMatchObject({ recordId: rec.id, keyId: key.keyId, kind: "approval", parents: ["msg-quote"], authority: ["req-1"], verdicts: [{ verdict: "verified" }] });
    // Far from the door's clock it is stale, as any record would be.
    expect(approvalBatch(rec, "a".repeat(32), snapshot, NOW + 3_600_000).records[0]?.verdicts.map((v) => v.verdict)).toContain("stale");
  });
});
