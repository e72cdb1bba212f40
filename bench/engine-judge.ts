// npm run bench:engine -- [--agents N] [--history N] [--pass N] [--passes N] [--spread MS] [--body N --shuffle K]
//
// `--spread`: how long the warm history spans (default an hour). bench:ingest
// signs its records ahead of the run, so a minute holds every agent's whole
// history there: `--spread 60000` judges at that density (a storm's).
// `--body N --shuffle K`: as bench:ingest sends them, records come in
// request bodies of N that share one timestamp, and concurrent requests are
// stored in an order shuffled K bodies at a time, so an agent's records
// arrive late against each other, within a pass and across passes (the
// passes' history is the same records).
//
// Then the depths the evaluator remembers for the depth cap, over a long
// run: assigning depths once the bounded map is full (every record drops the
// oldest), against the same records in a map with room for all of them.
//
// Last, a deviation storm whose explanation is an outside read: a trading
// desk (40 traders, each reading one market version and its peers' views,
// as the chaos trading scenario stores them) whose market feed is poisoned
// for two rounds, every view deviating, judged in passes of one trader's round
// (the reads held until the round's siblings come, ADR 0050), against the
// same desk healthy.
//
// Also times the evaluator's way of judging a pass: in slices of at most 20
// records per agent, each learnt before the next (judgeInSlices), against
// one judgePass over the whole pass.
//
// The engine pass's judging half alone (no database): the history cache
// warmed with `history` records per agent, then `passes` passes of `pass`
// records, as the evaluator runs them (detectors, caps, verification
// findings, the cache learning each batch: the history grows by a pass). The fleet is bench:ingest's:
// PriceQuote messages around a ring of agents, a sku and a unit price each.
// Reports CPU ms per pass and per record (the process's CPU time, not the
// wall clock: the machine is shared, and a pass's judging is all CPU); the in-run baseline is the same passes
// with an empty history (what judging costs when there is nothing to compare
// against), so the ratio says what the history costs.
import { parseArgs } from "node:util";
import { EngineParams, type EvalRecord } from "../lib/engine/evaluator/evaluate-batch.ts";
import { HistoryCache } from "../lib/engine/evaluator/history-cache.ts";
import { AgentGraph } from "../lib/engine/evaluator/impact.ts";
import { judgeInSlices, judgePass, learnPass, LOOP_WINDOW_MS } from "../lib/engine/evaluator/judge-pass.ts";
import { ChainDepth } from "../lib/engine/evaluator/chain-depth.ts";
import { percentile } from "./lib/stats.ts";
import { DESK_ROUND, marketWalk, tradingDesk } from "../test/unit/engine/trading-desk.fixtures.ts";
import type { HeldReads } from "../lib/engine/evaluator/evaluate-batch.ts";

const { values: args } = parseArgs({
  options: {
    agents: { type: "string", default: "50" },
    history: { type: "string", default: "1200" },
    pass: { type: "string", default: "1600" },
    passes: { type: "string", default: "20" },
    spread: { type: "string", default: "3600000" },
    body: { type: "string", default: "0" },
    shuffle: { type: "string", default: "1" },
  },
});
const AGENTS = Number(args.agents);
const PASS = Number(args.pass);
const PASSES = Number(args.passes);
const SPREAD = Number(args.spread);
const BODY = Number(args.body);
const SHUFFLE = Number(args.shuffle);

let seq = 0;
const T0 = Date.UTC(2026, 11, 6);

function makeRecords(n: number, startAt: number, spreadMs: number): EvalRecord[] {
  const out: EvalRecord[] = [];
  for (let i = 0; i < n; i++) {
    const s = seq++;
    out.push({
      recordId: `msg-${s}`,
      seq: String(s),
      kind: "message",
      agent: `agent-${s % AGENTS}`,
      receivers: [`agent-${(s + 1) % AGENTS}`],
      intent: "PriceQuote",
      at: startAt + (BODY > 0 ? Math.floor((Math.floor(i / BODY) * BODY * spreadMs) / n) : Math.floor((i * spreadMs) / n)),
      payload: { sku: `SKU-${s % 97}`, unit_price: 10 + (s % 13) },
      verified: true,
      verdicts: ["valid"],
      parents: [],
      receivedAt: startAt,
      settles: false,
    });
  }
  return BODY > 0 && SHUFFLE > 1 ? shuffled(out) : out;
}

/** Bodies of BODY records, stored in an order shuffled SHUFFLE bodies at a time (a fixed permutation: runs compare alike). */
function shuffled(records: EvalRecord[]): EvalRecord[] {
  const bodies: EvalRecord[][] = [];
  for (let i = 0; i < records.length; i += BODY) bodies.push(records.slice(i, i + BODY));
  const out: EvalRecord[] = [];
  for (let g = 0; g < bodies.length; g += SHUFFLE) {
    const group = bodies.slice(g, g + SHUFFLE);
    // Every other body of a group first, then the rest: each agent sees later times before earlier ones.
    for (const b of [...group.filter((_, k) => k % 2 === 1), ...group.filter((_, k) => k % 2 === 0)]) out.push(...b);
  }
  return out;
}

function run(historyPerAgent: number, learn: boolean, sliced = false): { perPass: number[]; findings: number } {
  seq = 0;
  const cache = new HistoryCache();
  const graph = new AgentGraph();
  const lastReported = new Map<string, number>();
  const params = EngineParams.parse({});
  // History spread over the `spread` before the passes start.
  const warm = makeRecords(historyPerAgent * AGENTS, T0, SPREAD);
  if (warm.length > 0) cache.add(warm.map((r) => ({ ...r, anomalous: false })));
  const perPass: number[] = [];
  let findings = 0;
  // A pass a second: bodies shuffled across passes too, as concurrent requests straddle the engine's passes (a pass's first records older than the last pass's newest).
  const stream = makeRecords(PASS * PASSES, T0 + SPREAD, PASSES * 1_000);
  for (let p = 0; p < PASSES; p++) {
    const recent = stream.slice(p * PASS, (p + 1) * PASS);
    const started = process.cpuUsage();
    const input = { cache, recent, depthOf: () => 1, graph, lastReported, params, loopWindowMs: LOOP_WINDOW_MS };
    // judgeInSlices teaches the cache each slice itself.
    const out = { batch: sliced ? judgeInSlices(input) : judgePass(input) };
    if (learn && !sliced) learnPass(cache, recent, out.batch);
    const used = process.cpuUsage(started);
    perPass.push((used.user + used.system) / 1000);
    findings += out.batch.findings.length;
  }
  return { perPass, findings };
}

function report(label: string, r: { perPass: number[]; findings: number }): number {
  const p50 = percentile(r.perPass, 0.5);
  console.log(
    `${label}: pass CPU p50 ${p50.toFixed(1)} ms, p95 ${percentile(r.perPass, 0.95).toFixed(1)} ms, ${(p50 / PASS).toFixed(3)} ms per record (${PASSES} passes of ${PASS}, ${r.findings} findings)`,
  );
  return p50;
}

const base = report("baseline, empty history (passes not learnt)", run(0, false));
const loaded = report(`history ${Number(args.history)} per agent x ${AGENTS} agents`, run(Number(args.history), true));
console.log(`ratio: ${(loaded / base).toFixed(2)}x the empty-history pass`);
const sliced = report(`history ${Number(args.history)} per agent x ${AGENTS} agents, judged in slices (the evaluator's way)`, run(Number(args.history), true, true));
console.log(`slices: ${(sliced / loaded).toFixed(2)}x one judgePass over the whole pass`);

/** CPU ms per 1,000 records assigned depths, `held` records already remembered, in a map of `capacity`. */
function depthCost(capacity: number, held: number, timed: number): number {
  const d = new ChainDepth(capacity);
  const chain = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ recordId: `d-${from + i}`, kind: "message", parents: from + i > 0 ? [`d-${from + i - 1}`] : [] }));
  for (let i = 0; i < held; i += PASS) d.assign(chain(i, Math.min(PASS, held - i)));
  const started = process.cpuUsage();
  for (let i = held; i < held + timed; i += PASS) d.assign(chain(i, PASS));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000 / (timed / 1000);
}
const DEPTHS_HELD = 500_000;
const roomy = depthCost(4 * DEPTHS_HELD, DEPTHS_HELD, 200_000);
const full = depthCost(DEPTHS_HELD, DEPTHS_HELD, 200_000);
console.log(`chain depths, ${DEPTHS_HELD} remembered, 200,000 more: full map (each drops the oldest) ${full.toFixed(2)} ms per 1,000 records, map with room ${roomy.toFixed(2)} ms; ratio ${(full / roomy).toFixed(2)}x`);

/** Judging CPU ms over the desk's rounds 24-29 (after 24 rounds learnt), in passes of `pass` records, holds carried. */
function deskStorm(traders: number, pass: number, poisoned: boolean): { ms: number; deviations: number; held: number; named: number } {
  const start = Date.UTC(2026, 11, 12, 8);
  const walk = marketWalk(7, 40);
  const records = tradingDesk({ start, rounds: 30, traders, weight: () => 0.3, market: (s, k) => (poisoned && (k === 24 || k === 25) ? 10 * walk(s, k) + 0.5 : walk(s, k)) });
  const cache = new HistoryCache();
  const input = { cache, depthOf: () => 1, graph: new AgentGraph(), lastReported: new Map<string, number>(), params: EngineParams.parse({}), loopWindowMs: LOOP_WINDOW_MS };
  let holding: HeldReads[] = [];
  const out = { ms: 0, deviations: 0, held: 0, named: 0 };
  for (let k = 0; k < 30; k++) {
    const round = records.filter((r) => r.at === start + k * DESK_ROUND);
    for (let i = 0; i < round.length; i += pass) {
      const started = process.cpuUsage();
      const batch = judgeInSlices({ ...input, recent: round.slice(i, i + pass), holding });
      const used = process.cpuUsage(started);
      holding = [...holding.filter((h) => !batch.settled.has(h.recordId)), ...batch.held.map((h) => ({ ...h, finding: undefined }))];
      if (k < 24) continue;
      out.ms += (used.user + used.system) / 1000;
      out.deviations += batch.findings.filter((f) => f.detector === "semantic_deviation").length;
      out.held += batch.held.length;
      out.named += batch.released.size;
    }
  }
  return out;
}
const STORM_TRADERS = 40;
const STORM_PASS = 41;
const storm: { healthy: number[]; poisoned: number[]; last: ReturnType<typeof deskStorm> | null } = { healthy: [], poisoned: [], last: null };
for (let round = 0; round < 3; round++) {
  storm.healthy.push(deskStorm(STORM_TRADERS, STORM_PASS, false).ms);
  storm.last = deskStorm(STORM_TRADERS, STORM_PASS, true);
  storm.poisoned.push(storm.last.ms);
}
const stormRatio = percentile(storm.poisoned, 0.5) / percentile(storm.healthy, 0.5);
console.log(
  `deviation storm, a ${STORM_TRADERS}-trader desk's feed poisoned for two rounds, passes of ${STORM_PASS}: rounds 24-29 judged in ${percentile(storm.poisoned, 0.5).toFixed(1)} ms CPU ` +
    `(${storm.last!.deviations} deviations, ${storm.last!.held} feed reads held, ${storm.last!.named} named later), healthy ${percentile(storm.healthy, 0.5).toFixed(1)} ms; ratio ${stormRatio.toFixed(2)}x`,
);
