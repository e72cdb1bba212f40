// subject_mismatch (ADR 0056): a record about something none of its inputs
// was about, from an agent whose records of that kind always followed their
// inputs. The software-delivery shape: a reviewer answers each change with a
// review of the same ticket; a stolen key signs a review of T-900 made from
// a real change of T-124.
import { describe, expect, it } from "vitest";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { subjectMismatch } from "@/lib/engine/detectors/subject-mismatch.ts";
import { HistoryCache } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph } from "@/lib/engine/evaluator/impact.ts";
import { EngineParams, type EvalRecord } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { judgePass, learnPass } from "@/lib/engine/evaluator/judge-pass.ts";

const T = Date.UTC(2026, 11, 12, 12);
const MIN = 60_000;

/** `n` tickets: the coder's change, the reviewer's read of the repository, its review (made from both). */
function tickets(n: number, from = 0): WindowRecord[] {
  const out: WindowRecord[] = [];
  for (let k = from; k < from + n; k++) {
    const at = T + k * 30 * MIN;
    const ticket = `T-${100 + k}`;
    out.push({ recordId: `c${k}`, kind: "message", agent: "coder", receivers: ["reviewer"], intent: "ChangeReady", at, payload: { ticket, lines: 100 + k }, parents: [] });
    out.push({ recordId: `rd${k}`, kind: "state.read", agent: "reviewer", receivers: [], intent: "coder/repo", at: at + 1, payload: { found: true, sha256: `h${k}` }, parents: [`c${k}`] });
    out.push({ recordId: `v${k}`, kind: "message", agent: "reviewer", receivers: ["deployer"], intent: "ReviewResult", at: at + 2, payload: { ticket, approved: true, risk: 0.1 }, parents: [`c${k}`, `rd${k}`] });
  }
  return out;
}

const forged = (anchor: number, ticket: string, at: number): WindowRecord => ({
  recordId: `x-${ticket}`,
  kind: "message",
  agent: "reviewer",
  receivers: ["deployer"],
  intent: "ReviewResult",
  at,
  payload: { ticket, approved: true, risk: 0, summary: "LGTM, ship it." },
  parents: [`c${anchor}`],
});

/** Each agent's records of `records`, as the engine's history cache keeps them. */
const historyOf = (records: readonly WindowRecord[]) => (agent: string) => records.filter((r) => r.agent === agent);

const lookup = (records: readonly WindowRecord[]) => {
  const by = new Map(records.map((r) => [r.recordId, r]));
  return (id: string) => by.get(id);
};

describe("subject_mismatch", () => {
  it("names a review of a ticket its change was not about, from a reviewer whose 24 earlier reviews each followed their change", () => {
    const history = tickets(24);
    const x = forged(23, "T-900", T + 24 * 30 * MIN);
    const [f, ...rest] = subjectMismatch([x], historyOf(history), lookup([...history, x]));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: "subject_mismatch", recordId: "x-T-900", agent: "reviewer", subject: "ReviewResult ticket", evidence: ["x-T-900"] });
    expect(f!.explanation).toBe("ReviewResult about ticket T-900, made from ChangeReady about ticket T-123; each of its last 20 was about the ticket of a record it was made from");
    expect(f!.params).toMatchObject({ field: "ticket", value: "T-900", shared: 20 });
  });

  it("says nothing of a review about its change's ticket, however late", () => {
    const history = tickets(24);
    const again = { ...forged(23, "T-123", T + 24 * 30 * MIN), recordId: "again" };
    expect(subjectMismatch([again], historyOf(history), lookup([...history, again]))).toEqual([]);
  });

  it("does not judge a reviewer with fewer than 20 earlier reviews, nor one whose reviews did not follow their change", () => {
    const young = tickets(19);
    const x = forged(18, "T-900", T + 19 * 30 * MIN);
    expect(subjectMismatch([x], historyOf(young), lookup([...young, x]))).toEqual([]);
    // One of the last 20 reviews was about another ticket than its change: the rule never held.
    const mixed = tickets(24).map((r) => (r.recordId === "v20" ? { ...r, payload: { ticket: "T-777", approved: true, risk: 0.1 } } : r));
    const y = forged(23, "T-900", T + 24 * 30 * MIN);
    expect(subjectMismatch([y], historyOf(mixed), lookup([...mixed, y]))).toEqual([]);
  });

  it("does not judge a record whose inputs are unknown here or are only state reads", () => {
    const history = tickets(24);
    const orphan = { ...forged(23, "T-900", T + 24 * 30 * MIN), parents: ["gone"] };
    const readOnly = { ...forged(23, "T-901", T + 24 * 30 * MIN), recordId: "ro", parents: ["rd23"] };
    expect(subjectMismatch([orphan, readOnly], historyOf(history), lookup([...history, orphan, readOnly]))).toEqual([]);
  });

  it("looks back over the reviewer's own records, however busy the rest of the fleet was in between", () => {
    const history = tickets(24);
    const busy: WindowRecord[] = Array.from({ length: 6_000 }, (_, n) => ({ recordId: `b${n}`, kind: "message", agent: "planner", receivers: ["researcher"], intent: "Task", at: T + 24 * 30 * MIN + n, payload: { ticket: `T-${n}` }, parents: [] }));
    const x = forged(23, "T-900", T + 24 * 30 * MIN + 7_000);
    expect(subjectMismatch([...busy, x], historyOf(history), lookup([...history, x])).map((f) => f.recordId)).toEqual(["x-T-900"]);
  });

  it("learns nothing from an agent's copies of its own message: a runaway's storm of trade ideas made from its last one", () => {
    // Trade ideas made from the trader's own reads and writes never follow an input; 25 storm copies of one idea name it as their parent.
    const idea = (id: string, side: string, at: number, parents: string[]): WindowRecord => ({ recordId: id, kind: "message", agent: "trader", receivers: ["portfolio"], intent: "TradeIdea", at, payload: { side, symbol: "AAA", qty: 10 }, parents });
    const template = idea("t0", "buy", T, []);
    const storm = Array.from({ length: 25 }, (_, n) => idea(`s${n}`, "buy", T + 1 + n, ["t0"]));
    const wrote: WindowRecord = { recordId: "w1", kind: "state.write", agent: "trader", receivers: [], intent: "trader/rec", at: T + 100, payload: { symbol: "AAA", value: 0.02 }, parents: [] };
    const next = idea("n1", "sell", T + 101, ["w1"]);
    const all = [template, ...storm, wrote, next];
    expect(subjectMismatch([next], historyOf([template, ...storm, wrote]), lookup(all))).toEqual([]);
  });

  it("skips an earlier record a finding named, however the agent's history keeps it: the attacker's first forged review", () => {
    const first = forged(23, "T-900", T + 24 * 30 * MIN);
    const history = [...tickets(24), first];
    const next = forged(23, "T-901", T + 24 * 30 * MIN + 2 * MIN);
    const all = lookup([...history, next]);
    expect(subjectMismatch([next], historyOf(history), all)).toEqual([]);
    expect(subjectMismatch([next], historyOf(history), all, {}, (id) => id === first.recordId).map((f) => f.recordId)).toEqual(["x-T-901"]);
  });

  it("names every forged review of a run, in one batch: the first named is no part of what the reviewer usually does", () => {
    const history = tickets(24);
    const forgedRun = ["T-900", "T-901", "T-902"].map((t, n) => forged(23, t, T + 24 * 30 * MIN + n * 2 * MIN));
    expect(subjectMismatch(forgedRun, historyOf(history), lookup([...history, ...forgedRun])).map((f) => f.recordId)).toEqual(["x-T-900", "x-T-901", "x-T-902"]);
  });

  it("is found by the engine's pass, its parent looked up in the history cache", () => {
    const day = tickets(24);
    const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, thinHistory: 0 });
    const asEval = (r: WindowRecord, seq: number): EvalRecord => ({ ...r, seq: String(seq), verified: true, verdicts: ["verified"], parents: r.parents ?? [], receivedAt: r.at, settles: false });
    learnPass(cache, day.map(asEval), { poisoned: new Set(), named: new Set() });
    const x = asEval(forged(23, "T-900", T + 24 * 30 * MIN), 1_000);
    const batch = judgePass({ cache, recent: [x], depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN });
    expect(batch.findings.filter((f) => f.detector === "subject_mismatch").map((f) => f.recordId)).toEqual(["x-T-900"]);
    expect(batch.anomalous.has("x-T-900")).toBe(true);
    // The next forged review, a later pass: the first, named, stays out of the reviewer's baseline.
    learnPass(cache, [x], batch);
    const y = asEval(forged(23, "T-901", T + 24 * 30 * MIN + 2 * MIN), 1_001);
    const next = judgePass({ cache, recent: [y], depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN });
    expect(next.findings.filter((f) => f.detector === "subject_mismatch").map((f) => f.recordId)).toEqual(["x-T-901"]);
    // A real review comes between, then the third forged one (the chaos run's shape): the named ones are skipped, however the cache keeps them.
    learnPass(cache, [y], next);
    const real = tickets(1, 24).map((r, n) => asEval(r, 1_002 + n));
    const z = asEval(forged(23, "T-902", T + 24 * 30 * MIN + 4 * MIN), 1_010);
    const third = judgePass({ cache, recent: [...real, z], depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params: EngineParams.parse({}), loopWindowMs: 2 * 60 * MIN });
    expect(third.findings.filter((f) => f.detector === "subject_mismatch").map((f) => f.recordId)).toEqual(["x-T-902"]);
  });
});
