// The verdict for a record must not depend on how records were batched into
// engine passes (ADR 0030): a young fleet's history judged in one pass, and
// in passes cut at many different places (mid learning block included),
// gives the same findings on the same records.
import { describe, expect, it } from "vitest";
import { EngineParams, type EvalRecord, type ScoredFinding } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { HistoryCache, LEARNING_SLICE } from "@/lib/engine/evaluator/history-cache.ts";
import { AgentGraph } from "@/lib/engine/evaluator/impact.ts";
import { judgeInSlices, LOOP_WINDOW_MS } from "@/lib/engine/evaluator/judge-pass.ts";
import { DESK_ROUND, marketWalk, tradingDesk } from "../trading-desk.fixtures.ts";
import { normal, seeded } from "../seeded.ts";

const T = Date.UTC(2026, 11, 7, 9);

/**
 * A young trading-like fleet, interleaved in storage order: a monitor quoting
 * three symbols to a trader (log-normal prices), the trader's views around
 * zero, its orders to an executor, a few poisoned values and one new edge
 * late on. Every agent stays under THIN_HISTORY records: all of it is the
 * learning period, where where a pass cut used to move the findings.
 */
function fleet(): EvalRecord[] {
  const rand = seeded(30);
  const out: EvalRecord[] = [];
  const base = (i: number, o: Partial<EvalRecord> & Pick<EvalRecord, "agent" | "intent">): EvalRecord => ({
    recordId: `r${i}`,
    kind: "message",
    receivers: [],
    at: T + i * 7_000,
    payload: undefined,
    seq: String(i + 1),
    verified: true,
    verdicts: ["verified"],
    parents: [],
    receivedAt: T + i * 7_000,
    settles: false,
    ...o,
  });
  const prices: Record<string, number> = { AAA: 20, BBB: 50, CCC: 100 };
  for (let i = 0; i < 420; i++) {
    const k = i % 3;
    if (k === 0) {
      const symbol = (["AAA", "BBB", "CCC"] as const)[Math.floor(rand() * 3)]!;
      const poisoned = i === 150 || i === 333;
      const price = prices[symbol]! * Math.exp(0.02 * normal(rand)) * (poisoned ? 12 : 1);
      out.push(base(i, { agent: "monitor", intent: "PriceQuote", receivers: ["trader"], payload: { symbol, price } }));
    } else if (k === 1) {
      const view = 0.01 * normal(rand) + (i === 241 ? 0.6 : 0);
      out.push(base(i, { agent: "trader", intent: "View", receivers: ["executor"], payload: { view, horizon: 5 } }));
    } else {
      const late = i >= 380 && i % 6 === 2;
      const qty = Math.round(100 * Math.exp(0.1 * normal(rand))) * (i === 272 ? 9 : 1);
      out.push(base(i, { agent: "executor", intent: "Order", receivers: late ? ["auditor"] : ["book"], payload: { qty, side: rand() < 0.5 ? "buy" : "sell" } }));
    }
  }
  return out;
}

/** Judges the records in passes ending before each index in `cuts`, with one cache and one set of cooldowns, as the evaluator does. */
function judgeInPasses(records: readonly EvalRecord[], cuts: readonly number[]): ScoredFinding[] {
  const cache = new HistoryCache();
  const graph = new AgentGraph();
  const lastReported = new Map<string, number>();
  const params = EngineParams.parse({});
  const findings: ScoredFinding[] = [];
  const ends = [...cuts, records.length];
  let from = 0;
  for (const end of ends) {
    const recent = records.slice(from, end);
    from = end;
    if (recent.length === 0) continue;
    findings.push(...judgeInSlices({ cache, recent, depthOf: () => 1, graph, lastReported, params, loopWindowMs: 300_000 }).findings);
  }
  return findings;
}

/**
 * What a finding said about which record, on what baseline: the verdict,
 * whatever pass made it. new_edge's words also count the records of every
 * agent the pass's window held (a description of the window, not of the
 * sender's baseline), so its verdict is its record, edge and sender history.
 */
const verdicts = (findings: readonly ScoredFinding[]) =>
  findings
    .filter((f) => f.detector === "semantic_deviation" || f.detector === "new_edge" || f.detector === "new_intent" || f.detector.startsWith("cap_"))
    .map((f) => `${f.detector} ${f.recordId} ${f.subject} n=${String(f.params.n ?? f.params.senderHistory ?? "")}${f.detector === "new_edge" ? "" : ` ${f.explanation}`}`)
    .sort();

describe("pass splits", () => {
  const records = fleet();
  const whole = verdicts(judgeInPasses(records, []));

  it("the fleet's history holds findings to compare (poisoned prices, a view, an order, a new edge)", () => {
    expect(whole.some((v) => v.startsWith("semantic_deviation r150 "))).toBe(true);
    expect(whole.some((v) => v.startsWith("semantic_deviation r333 "))).toBe(true);
    expect(whole.some((v) => v.startsWith("semantic_deviation r272 "))).toBe(true);
    expect(whole.some((v) => v.startsWith("new_edge r380 "))).toBe(true);
  });

  it.each([
    { name: "every 7 records", cuts: Array.from({ length: 59 }, (_, i) => (i + 1) * 7) },
    { name: "every 13 records", cuts: Array.from({ length: 32 }, (_, i) => (i + 1) * 13) },
    { name: "one record per pass", cuts: Array.from({ length: 419 }, (_, i) => i + 1) },
    { name: "mid-block cuts of a young agent", cuts: [LEARNING_SLICE + 5, 3 * LEARNING_SLICE + 1, 100, 101, 241, 242, 300] },
    { name: "seeded random cuts", cuts: randomCuts(420, 40) },
  ])("$name: the same findings as one pass", ({ cuts }) => {
    expect(verdicts(judgeInPasses(records, cuts))).toEqual(whole);
  });
});

function randomCuts(n: number, k: number): number[] {
  const rand = seeded(7);
  return [...new Set(Array.from({ length: k }, () => 1 + Math.floor(rand() * (n - 1))))].sort((a, b) => a - b);
}

/**
 * A trading desk whose loop entered at round 24 of 45 (five-minute rounds:
 * the two hours before it are its usual range), judged a round per pass and
 * then its last round one trader per pass, as the engine's slices cut a
 * round when one agent's cycle fills. feedback_loop reads twice its window
 * back from the earliest record judged; the pass must hand it the other
 * traders' records that far back too, or a pass of one trader's records
 * fits what was usual on a different desk than a pass of another's.
 */
describe("a loop's entry, whichever trader's records a pass holds", () => {
  const ENTRY = 24;
  const ROUNDS = 45;
  const records = tradingDesk({ start: T, rounds: ROUNDS, weight: (k) => (k >= ENTRY ? 1.6 : 0.3), market: marketWalk(37, ROUNDS) });
  const roundOf = (id: string) => Number(/^v-(\d+)-/.exec(id)?.[1] ?? Number.NaN);

  it.each([1, 2, 3, 4])("the last round's trader-%i alone: the loop entered at round 24", (trader) => {
    const cache = new HistoryCache();
    const graph = new AgentGraph();
    const lastReported = new Map<string, number>();
    const params = EngineParams.parse({});
    const judge = (recent: readonly EvalRecord[]) => judgeInSlices({ cache, recent, depthOf: () => 1, graph, lastReported, params, loopWindowMs: LOOP_WINDOW_MS }).findings;
    const last = T + (ROUNDS - 1) * DESK_ROUND;
    for (let k = 0; k < ROUNDS - 1; k++) judge(records.filter((r) => r.at === T + k * DESK_ROUND));
    const loops = judge(records.filter((r) => r.at === last && r.agent === `trader-${trader}`)).filter((f) => f.detector === "feedback_loop");
    expect(loops.length).toBeGreaterThan(0);
    for (const f of loops) expect(Math.min(...f.evidence.map(roundOf).filter((k) => !Number.isNaN(k)))).toBe(ENTRY);
  });
});
