import { describe, expect, it } from "vitest";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { checkAuthorityShape, type RecordSummary } from "@/lib/verify/authority.ts";
import { makeRecord, makeSummary, summaryLookup } from "@/test/fixtures/records.ts";

const request = makeSummary({ kind: "request", agent: "gateway", agentKind: "gateway" });
const approval = makeSummary({ kind: "approval", agent: "boss", agentKind: "approver", authority: ["R"], parents: ["R"] });
const m1 = makeSummary({ authority: ["R"], parents: ["R"] });
const base: Record<string, RecordSummary> = { R: request, A: approval, M1: m1 };

const judge = (rec: Partial<WireRecord>, entries: Record<string, RecordSummary> = base, maxVisits?: number) =>
  checkAuthorityShape(makeRecord({ id: "X", authority: ["R"], parents: ["R"], ...rec }), summaryLookup(entries), { maxVisits });
const ok = { verdicts: [], pendingOn: [] };
const broken = (detail: string) => ({ verdicts: [{ verdict: "broken_authority", detail }], pendingOn: [] });

describe("checkAuthorityShape: the chain", () => {
  it("never questions a request: it is a root", () => {
    expect(judge({ kind: "request", authority: [], parents: [] })).toEqual(ok);
  });

  it("accepts a message whose parent is the verified root request", () => {
    expect(judge({})).toEqual(ok);
  });

  it("accepts approvals from approvers that belong to the root", () => {
    expect(judge({ authority: ["R", "A"] })).toEqual(ok);
  });

  it("breaks on an empty chain, for every kind but request", () => {
    for (const kind of ["message", "action", "approval", "state.read", "state.write"] as const) {
      expect(judge({ kind, authority: [] })).toEqual(broken("authority chain is empty"));
      expect(judge({ kind, authority: undefined })).toEqual(broken("authority chain is empty"));
    }
  });

  it("breaks when the root is not a request, or not verified", () => {
    expect(judge({ authority: ["M1"], parents: ["M1"] })).toEqual(broken("authority root M1 is a message, not a request"));
    expect(judge({}, { ...base, R: { ...request, verified: false, verdicts: ["bad_signature"] } })).toEqual(broken("authority root request R is not verified"));
  });

  it("breaks on an approval that is not an approval, not from an approver, not verified, or from another request", () => {
    expect(judge({ authority: ["R", "M1"] })).toEqual(broken("authority entry M1 is a message, not an approval"));
    expect(judge({ authority: ["R", "A"] }, { ...base, A: { ...approval, agent: "intern", agentKind: "agent" } })).toEqual(
      broken("approval A was signed by intern, which is not an approver"),
    );
    expect(judge({ authority: ["R", "A"] }, { ...base, A: { ...approval, agentKind: null } })).toEqual(
      broken("approval A was signed by boss, which is not an approver"),
    );
    expect(judge({ authority: ["R", "A"] }, { ...base, A: { ...approval, verified: false, verdicts: ["unsigned"] } })).toEqual(broken("approval A is not verified"));
    expect(judge({ authority: ["R", "A"] }, { ...base, A: { ...approval, authority: ["R2"] } })).toEqual(broken("approval A belongs to request R2, not R"));
    expect(judge({ authority: ["R", "R"] })).toEqual(broken("authority entry R is a request, not an approval"));
  });

  it("waits for chain records it has not seen, naming them", () => {
    expect(judge({ authority: ["R", "A2"] })).toEqual({ verdicts: [{ verdict: "pending", detail: "waiting for records A2" }], pendingOn: ["A2"] });
    expect(judge({}, { A: approval })).toEqual({ verdicts: [{ verdict: "pending", detail: "waiting for records R" }], pendingOn: ["R"] });
  });

  it("waits for an approval that is itself still pending, instead of calling it unverified", () => {
    const pendingApproval = makeSummary({ kind: "approval", agent: "boss", agentKind: "approver", authority: ["R"], parents: ["R"], verified: false, verdicts: ["pending"] });
    expect(judge({ authority: ["R", "P"] }, { ...base, P: pendingApproval })).toEqual({
      verdicts: [{ verdict: "pending", detail: "waiting for records P" }],
      pendingOn: ["P"],
    });
  });

  it("prefers a definite break over waiting", () => {
    expect(judge({ authority: ["R", "A2", "M1"] }).verdicts[0]?.verdict).toBe("broken_authority");
  });
});

describe("checkAuthorityShape: descent", () => {
  it("accepts descent through a stored, settled record of the same root", () => {
    expect(judge({ parents: ["M1"] })).toEqual(ok);
    expect(judge({ kind: "action", parents: ["M1"] })).toEqual(ok);
    expect(judge({ kind: "state.write", parents: ["M1"] })).toEqual(ok);
  });

  it("requires approvals to descend too", () => {
    expect(judge({ kind: "approval", parents: ["R"] })).toEqual(ok);
    expect(judge({ kind: "approval", parents: [] })).toEqual(broken("does not descend from request R through its parents"));
  });

  it("exempts state.read from descent", () => {
    expect(judge({ kind: "state.read", parents: [] })).toEqual(ok);
    expect(judge({ kind: "state.read", parents: ["nowhere"] })).toEqual(ok);
  });

  it("breaks without parents, or with parents from another root", () => {
    const other = makeSummary({ authority: ["R2"], parents: ["R2"] });
    expect(judge({ parents: [] })).toEqual(broken("does not descend from request R through its parents"));
    expect(judge({ parents: ["O"] }, { ...base, O: other })).toEqual(broken("does not descend from request R through its parents"));
  });

  it("does not let a broken or forged hop carry authority", () => {
    for (const verdicts of [["broken_authority"], ["unsigned"], ["bad_signature"], ["unknown_agent"], ["replay"], ["expired_key"], ["unknown_key"]]) {
      const hop = makeSummary({ authority: ["R"], parents: ["R"], verified: false, verdicts });
      expect(judge({ parents: ["H"] }, { ...base, H: hop })).toEqual(broken("does not descend from request R through its parents"));
    }
  });

  it("lets a hop with a non-identity finding (stale, schema) carry authority", () => {
    const hop = makeSummary({ authority: ["R"], parents: ["R"], verified: false, verdicts: ["stale", "schema_violation"] });
    expect(judge({ parents: ["H"] }, { ...base, H: hop })).toEqual(ok);
  });

  it("walks through a state.read, which was never tested for descent", () => {
    const readRooted = makeSummary({ kind: "state.read", authority: ["R"], parents: [] });
    expect(judge({ parents: ["S"] }, { ...base, S: readRooted })).toEqual(broken("does not descend from request R through its parents"));
    expect(judge({ parents: ["S"] }, { ...base, S: { ...readRooted, parents: ["M1"] } })).toEqual(ok);
  });

  it("walks through a pending parent and waits for what it waits for", () => {
    const pendingHop = makeSummary({ authority: ["R"], parents: ["late"], verified: false, verdicts: ["pending"] });
    expect(judge({ parents: ["P"] }, { ...base, P: pendingHop })).toEqual({
      verdicts: [{ verdict: "pending", detail: "waiting for records late" }],
      pendingOn: ["late"],
    });
    expect(judge({ parents: ["P", "M1"] }, { ...base, P: pendingHop })).toEqual(ok);
  });

  it("waits for a parent not yet seen, unless another parent already proves descent", () => {
    expect(judge({ parents: ["late"] })).toEqual({ verdicts: [{ verdict: "pending", detail: "waiting for records late" }], pendingOn: ["late"] });
    expect(judge({ parents: ["late", "R"] })).toEqual(ok);
  });

  it("still waits for the root when descent is proven by id alone", () => {
    expect(judge({}, {})).toEqual({ verdicts: [{ verdict: "pending", detail: "waiting for records R" }], pendingOn: ["R"] });
  });

  it("cannot vouch for itself, nor through a cycle", () => {
    const self = makeSummary({ authority: ["R"], parents: ["X"], verdicts: ["pending"], verified: false });
    expect(judge({ parents: ["X"] }, { ...base, X: self })).toEqual(broken("does not descend from request R through its parents"));
    const a = makeSummary({ authority: ["R"], parents: ["B"], verdicts: ["pending"], verified: false });
    const b = makeSummary({ authority: ["R"], parents: ["A1"], verdicts: ["pending"], verified: false });
    expect(judge({ parents: ["A1"] }, { ...base, A1: a, B: b })).toEqual(broken("does not descend from request R through its parents"));
  });

  it("walks a very long ancestry iteratively, and gives up at the visit bound", () => {
    const entries: Record<string, RecordSummary> = { ...base };
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      entries[`s${i}`] = makeSummary({ kind: "state.read", authority: ["R"], parents: [i === n - 1 ? "R" : `s${i + 1}`] });
    }
    expect(judge({ parents: ["s0"] }, entries, n + 1)).toEqual(ok);
    expect(judge({ parents: ["s0"] }, entries, 1000)).toEqual(broken("gave up looking for request R among 1000 ancestors"));
    expect(judge({ parents: ["s0"] }, entries).verdicts[0]?.verdict).toBe("broken_authority");
  });
});
