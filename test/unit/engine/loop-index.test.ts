// feedback_loop's kept index (loop-index.ts) may only ever stop the detector
// when the detector, reading its window, would find nothing: the engine's
// findings with the index are exactly those without it, pass after pass,
// through growing loops (over messages and over shared state), learning
// blocks, anomalous records, late records and agents outside the batch.
// feedback_loop's window holds the records other findings named (ADR 0042),
// so the index does too.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { feedbackLoop } from "@/lib/engine/detectors/feedback-loop.ts";
import { preparedWindow, type WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { HistoryCache, type CachedRecord } from "@/lib/engine/evaluator/history-cache.ts";
import { EngineParams, evaluateBatch, type EvalRecord } from "@/lib/engine/evaluator/evaluate-batch.ts";
import { AgentGraph } from "@/lib/engine/evaluator/impact.ts";
import { judgePass, learnPass, othersSinceFor } from "@/lib/engine/evaluator/judge-pass.ts";
import { seeded } from "./seeded.ts";

const T0 = Date.UTC(2026, 11, 6, 8);
const P = { windowMs: 600_000, minMessages: 4, growth: 2, minStep: 1.25 };
const LOOP_KINDS = new Set(["message", "state.write", "state.read"]);

/** A fleet: a ring quoting prices that now and then compound, a stock level looping through a shared key, a builder compounding its own last size, and bystanders. */
function fleet(seed: number) {
  const rand = seeded(seed);
  let n = 0;
  let clock = T0;
  let price = { S1: 10, S2: 20 } as Record<string, number>;
  let growing = 0;
  let level = 40;
  let size = 100;
  let building = 0;
  const ring = ["quoter", "pricer", "seller"];
  return (): CachedRecord[] => {
    clock += 5_000 + Math.floor(rand() * 20_000);
    const id = () => `r-${String(n++).padStart(5, "0")}`;
    const at = rand() < 0.05 ? clock - Math.floor(rand() * 60_000) : clock;
    const anomalous = rand() < 0.04;
    const roll = rand();
    if (roll < 0.5) {
      // The ring: each quote goes to the next agent; a compounding spell multiplies prices for a while.
      if (growing === 0 && rand() < 0.04) growing = 6 + Math.floor(rand() * 6);
      const sku = rand() < 0.5 ? "S1" : "S2";
      if (growing > 0) {
        price[sku] = price[sku]! * 1.6;
        growing--;
        if (growing === 0) price = { S1: 10, S2: 20 };
      } else price[sku] = (sku === "S1" ? 10 : 20) * (0.9 + rand() * 0.2);
      const from = Math.floor(rand() * 3);
      return [{ recordId: id(), kind: "message", agent: ring[from]!, receivers: [ring[(from + 1) % 3]!], intent: "Quote", at, payload: { sku, price: price[sku] }, anomalous }];
    }
    if (roll < 0.8) {
      // The books: the stocker writes a level the planner reads and answers with an order, which the stocker books.
      level = rand() < 0.1 ? level * 1.5 : rand() < 0.2 ? 40 : level;
      return [
        { recordId: id(), kind: "state.write", agent: "stocker", receivers: [], intent: "books/level", at, payload: { level }, anomalous },
        { recordId: id(), kind: "state.read", agent: "planner", receivers: [], intent: "books/level", at: at + 1, payload: undefined, anomalous: false },
        { recordId: id(), kind: "message", agent: "planner", receivers: ["stocker"], intent: "Order", at: at + 2, payload: { level }, anomalous: false },
      ];
    }
    if (roll < 0.9) {
      // A builder alone: each task's size built on its last, read back from its own memory (a loop of one agent, one task id per record).
      size = building > 0 ? size * 1.6 : 40 + rand() * 200;
      if (building > 0) building--;
      else if (rand() < 0.05) building = 5 + Math.floor(rand() * 5);
      return [
        { recordId: id(), kind: "state.read", agent: "builder", receivers: [], intent: "builder/last", at, payload: undefined, anomalous: false },
        { recordId: id(), kind: "state.write", agent: "builder", receivers: [], intent: "builder/last", at: at + 1, payload: { task: `t-${n}`, size }, anomalous },
      ];
    }
    // Bystanders: traffic that feeds no cycle.
    return [{ recordId: id(), kind: "message", agent: `by${Math.floor(rand() * 3)}`, receivers: ["sink"], intent: "Ping", at, payload: { n: rand() * 100 }, anomalous }];
  };
}

/** What the fleet's records carry, decoded: a quote's SKU and price, a stock level, a builder's size. */
const FleetPayload = z.object({ sku: z.string().optional(), price: z.number().optional(), level: z.number().optional(), size: z.number().optional() });

/** A quote, a stock level or a builder's size past twice its usual value. */
function farOut(r: CachedRecord): boolean {
  if (r.payload === undefined) return false;
  const p = FleetPayload.parse(r.payload);
  if (p.size !== undefined) return p.size > 480;
  if (p.price !== undefined) return p.price > (p.sku === "S1" ? 20 : 40);
  return p.level !== undefined && p.level > 80;
}

describe("feedback_loop's kept index", () => {
  it("gives the same findings as reading the window, and stops most passes early", () => {
    const rand = seeded(5);
    const make = fleet(5);
    const cache = new HistoryCache({ maxAgeMs: 3_600_000, maxPerAgent: 120, learningSlice: 5, thinHistory: 10 });
    let loops = 0;
    let builder = 0;
    let stopped = 0;
    const passes = 400;
    for (let pass = 0; pass < passes; pass++) {
      const recent = Array.from({ length: 1 + Math.floor(rand() * 4) }, make).flat();
      const agents = new Set(recent.map((r) => r.agent));
      const latest = Math.max(...recent.map((r) => r.at));
      const othersSince = latest - P.windowMs / 2;
      const { records: history, unique } = cache.window(agents, othersSince, LOOP_KINDS);
      expect(unique).toBe(true);
      // The window the evaluator hands feedback_loop: every record held, anomalous ones too.
      const judged: WindowRecord[] = recent.map(({ anomalous: _a, ...r }) => r);
      const read = feedbackLoop(preparedWindow(history, judged), P);
      const kept = feedbackLoop(preparedWindow(history, judged), P, { index: cache.loops, shape: { agents, othersSince } });
      expect(kept).toEqual(read);
      loops += read.length;
      builder += read.filter((f) => f.subject === "builder -> builder").length;
      const sorted = preparedWindow([], judged).recent;
      if (!cache.loops.mayFind(sorted, { agents, othersSince }, P)) stopped++;
      cache.add(recent);
    }
    // The comparison meant something: loops were found, and most passes never read the window.
    expect(loops).toBeGreaterThanOrEqual(5);
    expect(builder).toBeGreaterThanOrEqual(1);
    expect(stopped).toBeGreaterThan(passes / 2);
  });

  it("gives the engine's pass the same feedback_loop findings as the window the evaluator hands it, records other findings named included", () => {
    const rand = seeded(8);
    const make = fleet(8);
    const cache = new HistoryCache({ maxAgeMs: 3_600_000, maxPerAgent: 120, learningSlice: 5, thinHistory: 10 });
    const params = EngineParams.parse({ detectors: { feedbackLoop: P } });
    const loopWindowMs = P.windowMs / 2;
    const loopOf = (fs: readonly { detector: string }[]) => fs.filter((f) => f.detector === "feedback_loop");
    let seq = 0;
    let loops = 0;
    let named = 0;
    for (let pass = 0; pass < 300; pass++) {
      const made = Array.from({ length: 1 + Math.floor(rand() * 4) }, make).flat();
      const recent: EvalRecord[] = made.map(({ anomalous: _a, ...r }) => ({ ...r, seq: String(++seq), verified: true, verdicts: ["verified"], parents: [], receivedAt: r.at, settles: false }));
      const agents = new Set(recent.map((r) => r.agent));
      // The pass as the engine runs it: feedback_loop given the cache's kept index.
      const kept = judgePass({ cache, recent, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params, loopWindowMs });
      // The same batch with no index: the detector reads the window the evaluator builds.
      const { records: history } = cache.window(agents, othersSinceFor(recent, loopWindowMs), LOOP_KINDS);
      const read = evaluateBatch({ recent, history, historyInOrder: true, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map(), params });
      expect(loopOf(kept.findings)).toEqual(loopOf(read.findings));
      loops += loopOf(read.findings).length;
      // Records another finding named leave every baseline but this detector's window: as
      // semantic_deviation would, every value past twice its usual one (a loop's growth), and the fleet's anomalous ones.
      const poisoned = new Set([...kept.poisoned, ...made.filter((r) => r.anomalous || farOut(r)).map((r) => r.recordId)]);
      named += history.filter((r) => r.anomalous && !r.learning).length > 0 ? 1 : 0;
      learnPass(cache, recent, { poisoned, named: new Set() });
    }
    // The comparison meant something: loops were found, over windows holding named records.
    expect(loops).toBeGreaterThanOrEqual(5);
    expect(named).toBeGreaterThan(100);
  });
});
