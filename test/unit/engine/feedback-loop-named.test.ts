// feedback_loop reads the records other findings named (ADR 0042): the engine
// keeps a record semantic_deviation named out of every other detector's
// window, and a loop judged a round per pass, whose amplified values
// semantic_deviation names as they come, was never seen to grow. Judged here
// through the engine's own pass (judgeInSlices over a history cache), so
// the window is the one the evaluator hands the detector.
import { describe, expect, it } from "vitest";
import { EngineParams, type EvalRecord, type ScoredFinding } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { HistoryCache } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph } from "@/lib/engine/evaluator/impact.ts";
import { judgeInSlices, LOOP_WINDOW_MS } from "@/lib/engine/evaluator/judge-pass.ts";
import { normal, seeded } from "./seeded.ts";

const T = Date.UTC(2026, 11, 9, 8);
const ROUND_MS = 300_000;
const TRADERS = 4;

/**
 * Trading's loop: every 5 minutes each trader reads its peers' views and
 * writes its own. `noise` rounds of views around zero, then views that
 * multiply `gain` times a round from the loop's first round on.
 */
function tradingRounds(noise: number, loop: number, gain: number): { records: EvalRecord[]; first: Set<string>; viewRound: Map<string, number> } {
  const rand = seeded(42);
  const records: EvalRecord[] = [];
  const first = new Set<string>();
  const viewRound = new Map<string, number>();
  const views = Array.from({ length: TRADERS }, () => 0.01 * normal(rand));
  for (let k = 0; k < noise + loop; k++) {
    for (let t = 0; t < TRADERS; t++) {
      const at = T + k * ROUND_MS + t * 1_000;
      const agent = `trader-${t + 1}`;
      const reads: string[] = [];
      for (let o = 0; o < TRADERS; o++) {
        if (o === t) continue;
        const id = `read-${k}-${t}-${o}`;
        reads.push(id);
        records.push(evalRecord(id, { kind: "state.read", agent, intent: `trader-${o + 1}/rec`, at, payload: { found: true } }));
      }
      // The loop's first round starts from a small view on the side the loop grows on, as trading's did.
      const view = k < noise ? 0.01 * normal(rand) : k === noise ? 0.004 + 0.001 * t : views[t]! * gain;
      views[t] = view;
      const id = `view-${k}-${t}`;
      if (k === noise) first.add(id);
      viewRound.set(id, k);
      records.push(evalRecord(id, { kind: "state.write", agent, intent: `${agent}/rec`, at: at + 1, payload: { value: Number(view.toFixed(4)), symbol: ["AAA", "BBB", "CCC", "AAA"][t]!, cycle: k }, parents: reads }));
    }
  }
  return { records, first, viewRound };
}

function evalRecord(recordId: string, o: Partial<EvalRecord> & Pick<EvalRecord, "kind" | "agent" | "intent" | "at">): EvalRecord {
  return { recordId, receivers: [], payload: undefined, seq: "0", verified: true, verdicts: ["verified"], parents: [], receivedAt: o.at, settles: false, ...o };
}

/** Judges the records `perPass` rounds at a time through the engine's pass, each pass taught to the cache before the next. */
function judgeRounds(records: readonly EvalRecord[], perPass: number): ScoredFinding[] {
  // Mature traders: their records are learned as they are judged, so a named view leaves the baseline at once.
  const cache = new HistoryCache({ maxAgeMs: 86_400_000, maxPerAgent: 2_000, learningSlice: 4, thinHistory: 8 });
  const graph = new AgentGraph();
  const lastReported = new Map<string, number>();
  const params = EngineParams.parse({});
  const perRound = TRADERS * TRADERS;
  const out: ScoredFinding[] = [];
  let seq = 0;
  for (let s = 0; s < records.length; s += perPass * perRound) {
    const recent = records.slice(s, s + perPass * perRound).map((r) => ({ ...r, seq: String(++seq) }));
    out.push(...judgeInSlices({ cache, recent, depthOf: () => 1, graph, lastReported, params, loopWindowMs: LOOP_WINDOW_MS }).findings);
  }
  return out;
}

describe("a feedback loop whose values other findings named", () => {
  it("is found, from its first round, though semantic_deviation named each amplified view in the pass that judged it", () => {
    const { records, first, viewRound } = tradingRounds(30, 8, 2.7);
    for (const perPass of [1, 2]) {
      const findings = judgeRounds(records, perPass);
      // The loop's views were named as they came: each later pass's baseline lacks them.
      const deviated = new Set(findings.filter((f) => f.detector === "semantic_deviation").flatMap((f) => f.evidence));
      expect([...first].some((id) => deviated.has(id)), `passes of ${perPass} rounds`).toBe(false);
      expect([...viewRound].filter(([id, k]) => k > 30 && deviated.has(id)).length, `passes of ${perPass} rounds`).toBeGreaterThanOrEqual(8);
      const loop = findings.filter((f) => f.detector === "feedback_loop");
      expect(loop.length, `passes of ${perPass} rounds`).toBeGreaterThan(0);
      const named = new Set(loop.flatMap((f) => f.evidence));
      // Every trader's first amplified view, and no view of a round before the loop.
      expect([...first].filter((id) => named.has(id)), `passes of ${perPass} rounds`).toEqual([...first]);
      expect([...named].filter((id) => (viewRound.get(id) ?? 30) < 30), `passes of ${perPass} rounds`).toEqual([]);
    }
  });
});
