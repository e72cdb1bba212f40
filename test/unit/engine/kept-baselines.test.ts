// What the history cache keeps for fan_out_burst (sliding counts), new_intent
// (intent counts), new_edge (edges and counts) and the per-cycle caps (each
// agent's messages) must say exactly what the detectors' own reads
// of the window say, whatever order records come and go in.
import { describe, expect, it } from "vitest";
import { FanOutBaselines } from "@/lib/engine/detectors/fan-out-baselines.ts";
import { fanOutBurst } from "@/lib/engine/detectors/fan-out-burst.ts";
import { newIntent } from "@/lib/engine/detectors/new-intent.ts";
import { newEdge } from "@/lib/engine/detectors/new-edge.ts";
import { rateVsBaseline } from "@/lib/engine/detectors/rate-vs-baseline.ts";
import { checkCaps } from "@/lib/engine/caps/caps.ts";
import { preparedWindow, type WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { HistoryCache, type CachedRecord } from "@/lib/engine/evaluator/history-cache.ts";
import { seeded } from "./seeded.ts";

const SPAN = 10_000;
const T0 = Date.UTC(2026, 11, 6, 9);

/** The scan fanOutBurst does: each record's distinct receivers over the span ending at it, the largest. */
function bruteMax(records: readonly WindowRecord[]): number {
  const sorted = [...records].sort((a, b) => a.at - b.at || (a.recordId < b.recordId ? -1 : 1));
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    const set = new Set<string>();
    for (let k = 0; k <= i; k++) if (sorted[k]!.at > sorted[i]!.at - SPAN) for (const to of sorted[k]!.receivers) set.add(to);
    max = Math.max(max, set.size);
  }
  return max;
}

function fleet(seed: number, lateMs = 30_000) {
  const rand = seeded(seed);
  let n = 0;
  let clock = T0;
  return (agent: string, late = false): CachedRecord => {
    clock += Math.floor(rand() * 1_500);
    const fan = rand() < 0.1 ? 6 : 1 + Math.floor(rand() * 2);
    const receivers = Array.from({ length: fan }, () => `r${Math.floor(rand() * 12)}`);
    const kind = rand() < 0.85 ? "message" : rand() < 0.5 ? "action" : "state.read";
    // Mostly the usual intents; now and then one the agent never used.
    const intent = rand() < 0.94 ? ["Task", "Quote", "Order"][Math.floor(rand() * 3)]! : `Rare${Math.floor(rand() * 40)}`;
    return {
      recordId: `m-${String(n++).padStart(5, "0")}`,
      kind,
      agent,
      receivers: kind !== "message" || rand() < 0.1 ? [] : receivers,
      intent: rand() < 0.05 ? null : intent,
      at: late ? clock - Math.floor(rand() * lateMs) : clock,
      payload: undefined,
      anomalous: rand() < 0.08,
    };
  };
}

/**
 * Adds and removes records of three agents at random and holds the kept
 * counts to a scan of what is live every few steps. `lateMs`: how far back a
 * late record (`lateShare` of them) may come; `middle`: whether records also
 * leave from the middle; `shape`: how many agents, steps, the share of steps
 * that add a record, and how many steps apart the reads are (records late
 * between two reads are counted in together at the second).
 */
function keptAgainstScan(
  seed: number,
  lateMs: number,
  middle: boolean,
  lateShare = 0.1,
  shape: { agents?: number; steps?: number; addShare?: number; readEvery?: number; hold?: number } = {},
): { kept: FanOutBaselines; late: number } {
  const { agents = 3, steps = 1_500, addShare = 0.7, readEvery = 7, hold = Number.POSITIVE_INFINITY } = shape;
  const rand = seeded(seed);
  const make = fleet(seed, lateMs);
  const kept = new FanOutBaselines(SPAN);
  let late = 0;
  const live = new Map<string, WindowRecord[]>();
  for (let step = 0; step < steps; step++) {
    const agent = `a${Math.floor(rand() * agents)}`;
    const list = live.get(agent) ?? [];
    live.set(agent, list);
    const roll = rand();
    if ((roll < addShare && list.length < hold) || list.length === 0) {
      const r = make(agent, rand() < lateShare);
      if (r.receivers.length > 0 && list.some((x) => x.at > r.at)) late++;
      kept.add(r);
      if (r.receivers.length > 0) list.push(r);
    } else {
      // Oldest first most of the time (aging out), sometimes from the middle (an anomalous record leaving its learning block).
      const sorted = [...list].sort((a, b) => a.at - b.at || (a.recordId < b.recordId ? -1 : 1));
      const victim = roll < 0.9 || !middle ? sorted[0]! : sorted[Math.floor(rand() * sorted.length)]!;
      kept.remove(victim);
      list.splice(list.indexOf(victim), 1);
    }
    if (step % readEvery === 0) {
      for (const [a, records] of live) {
        const summary = kept.maxOf(a);
        if (records.length === 0) expect(summary).toBeNull();
        else expect(summary?.max).toBe(bruteMax(records));
        // The span ending at the newest record, that the detector slides on from.
        const sorted = [...records].sort((x, y) => x.at - y.at || (x.recordId < y.recordId ? -1 : 1));
        const newest = sorted.at(-1)?.at ?? 0;
        const span = sorted.filter((r) => r.at > newest - SPAN);
        const last = kept.lastSpan(a);
        // Records of one time in the order they came; in time order otherwise.
        expect(last.records.map((r) => r.recordId).sort()).toEqual(span.map((r) => r.recordId).sort());
        expect(last.records.every((r, i) => i === 0 || last.records[i - 1]!.at <= r.at)).toBe(true);
        const counts = new Map<string, number>();
        for (const r of span) for (const to of r.receivers) counts.set(to, (counts.get(to) ?? 0) + 1);
        expect(new Map(last.counts)).toEqual(counts);
      }
    }
  }
  return { kept, late };
}

describe("kept baselines", () => {
  it("keep the largest sliding count of every agent as records are added in and out of order and removed from anywhere", () => {
    keptAgainstScan(7, 30_000, true);
  });

  it("count a record late within the newest span in, without counting the agent again from scratch", () => {
    // Concurrent requests stored out of order: late by less than the span.
    const { kept, late } = keptAgainstScan(11, 5_000, false, 0.4);
    expect(late).toBeGreaterThan(50);
    // Only a record older than every record its agent holds is counted from scratch.
    expect(kept.recounts).toBeLessThan(late / 10);
  });

  it.each([200, 8])("count in many records that came late between two reads at once, in whatever order they came, while the oldest age out and the lists are compacted (%i records held)", (hold) => {
    // One agent adding (a third of the records late) up to `hold` records, then aging the oldest out one for one:
    // thousands of removals compact its lists; with 8 held, the oldest is inside the newest span.
    const { kept, late } = keptAgainstScan(23, 5_000, false, 0.35, { agents: 1, steps: 6_000, addShare: 1, readEvery: 13, hold });
    expect(late).toBeGreaterThan(500);
    if (hold > 100) expect(kept.recounts).toBeLessThan(late / 10);
  });

  it("give the per-cycle caps the same findings from the cache's kept messages as from reading the window", () => {
    const rand = seeded(13);
    const make = fleet(13);
    const cache = new HistoryCache({ maxAgeMs: 600_000, maxPerAgent: 30 });
    const agents = ["planner", "router", "buyer"];
    const scannedState = { lastReported: new Map<string, number>(), cooledOver: new Map<string, string[]>() };
    const keptState = { lastReported: new Map<string, number>(), cooledOver: new Map<string, string[]>() };
    let perCycle = 0;
    let fanOuts = 0;
    for (let pass = 0; pass < 150; pass++) {
      // Some passes are storms: one agent, many messages in a few seconds.
      const storm = rand() < 0.1;
      const recent = Array.from({ length: storm ? 40 : 1 + Math.floor(rand() * 12) }, () => {
        const r = make(agents[storm ? 0 : Math.floor(rand() * 3)]!, rand() < 0.05);
        return storm ? { ...r, kind: "message", receivers: r.receivers.length > 0 ? r.receivers : ["r1"] } : r;
      });
      const sorted = [...recent].sort((a, b) => a.at - b.at || (a.recordId < b.recordId ? -1 : 1));
      const { records: history } = cache.window(new Set(recent.map((r) => r.agent)), Number.NEGATIVE_INFINITY, new Set(["message"]));
      const depthOf = () => null;
      const scanned = checkCaps({ history, historyInOrder: true, recent: sorted, depthOf, ...scannedState });
      const kept = checkCaps({ history: [], messagesOf: (a) => cache.messagesOf(a), fanOutsOf: (a) => cache.fanOutsOf(a), recent: sorted, depthOf, ...keptState });
      expect(kept).toEqual(scanned);
      expect([...keptState.cooledOver]).toEqual([...scannedState.cooledOver]);
      perCycle += scanned.filter((f) => f.detector === "cap_messages_per_cycle").length;
      fanOuts += scanned.filter((f) => f.detector === "cap_concurrent_fan_outs").length;
      cache.add(recent.map((r) => ({ ...r })));
    }
    // The comparison meant something: both per-cycle caps were found, with the cache trimming
    // records of the current cycle as it went (30 per agent: a storm outgrows it within a cycle).
    expect(perCycle).toBeGreaterThanOrEqual(2);
    expect(fanOuts).toBeGreaterThanOrEqual(2);
    expect(cache.size).toBeLessThan(3 * 30 + 1);
  });

  it("give the engine's fan_out_burst, new_intent, new_edge and rate_vs_baseline the same findings as reading their window, through the history cache's learning, trimming and late records", () => {
    const rand = seeded(11);
    const make = fleet(11);
    const cache = new HistoryCache({ maxAgeMs: 600_000, maxPerAgent: 150 });
    const agents = ["planner", "router", "buyer", "fresh"];
    let bursts = 0;
    let fast = 0;
    let novel = 0;
    let newEdges = 0;
    let fastRates = 0;
    // Its own stream, so the rest of the fleet is what it was.
    const novelty = seeded(99);
    for (let pass = 0; pass < 120; pass++) {
      const recent = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => {
        const r = make(agents[Math.floor(rand() * (pass < 60 ? 3 : 4))]!, rand() < 0.05);
        // A burst now and then: one agent to many receivers at once.
        if (rand() < 0.08) return { ...r, kind: "message", receivers: Array.from({ length: 9 }, (_, i) => `x${i}`) };
        // Now and then a receiver never named before: a new edge.
        if (novelty() < 0.04) return { ...r, kind: "message", receivers: [`new${pass}`] };
        return r;
      });
      const { records: history, unique } = cache.window(new Set(recent.map((r) => r.agent)), Number.NEGATIVE_INFINITY, new Set(["message"]));
      expect(unique).toBe(true);
      const baseline = history.filter((r) => !r.anomalous || r.learning);
      const scanned = fanOutBurst(preparedWindow(baseline, recent), {});
      const kept = fanOutBurst(preparedWindow(baseline, recent), {}, cache.fanOut);
      expect(kept).toEqual(scanned);
      bursts += scanned.length;
      const read = newIntent(preparedWindow(baseline, recent), {});
      expect(newIntent(preparedWindow(baseline, recent), {}, cache.intents)).toEqual(read);
      novel += read.length;
      const edges = newEdge(preparedWindow(baseline, recent), {});
      expect(newEdge(preparedWindow(baseline, recent), {}, cache.edges)).toEqual(edges);
      newEdges += edges.length;
      // rate_vs_baseline over each agent's kept baseline list, short spans so the fleet's rhythm makes bursts.
      const rateParams = { windowMs: 5_000, minCount: 3, factor: 2, minBaselineMs: 60_000 };
      const rates = rateVsBaseline(preparedWindow(baseline, recent), rateParams);
      expect(rateVsBaseline(preparedWindow(baseline, recent), rateParams, (a) => cache.baselineOf(a))).toEqual(rates);
      fastRates += rates.length;
      for (const a of new Set(recent.map((r) => r.agent))) {
        const s = cache.fanOut.maxOf(a);
        if (s && recent.filter((r) => r.agent === a && r.receivers.length > 0).every((r) => r.at >= s.lastAt)) fast++;
      }
      cache.add(recent.map((r) => ({ ...r })));
    }
    // The comparison meant something: bursts were found, and most agents took the kept path.
    expect(bursts).toBeGreaterThanOrEqual(3);
    expect(novel).toBeGreaterThan(3);
    expect(newEdges).toBeGreaterThan(3);
    expect(fastRates).toBeGreaterThan(0);
    expect(fast).toBeGreaterThan(100);
  });

  it("keep fan_out_burst exact when a whole batch shares one time and comes in no order of ids (a collector's batch stamped at once)", () => {
    const rand = seeded(17);
    const cache = new HistoryCache({ maxAgeMs: 600_000, maxPerAgent: 60 });
    let n = 0;
    let bursts = 0;
    for (let pass = 0; pass < 80; pass++) {
      const at = T0 + pass * 2_000;
      const recent: CachedRecord[] = Array.from({ length: 12 }, () => {
        const agent = `a${Math.floor(rand() * 2)}`;
        const wide = rand() < 0.05;
        const receivers = wide ? Array.from({ length: 8 }, (_, i) => `w${i}`) : [`r${Math.floor(rand() * 3)}`];
        // Ids that do not sort in the order the records come.
        return { recordId: `m-${String(Math.floor(rand() * 1e6)).padStart(6, "0")}-${n++}`, kind: "message", agent, receivers, intent: "Task", at, payload: undefined, anomalous: false };
      });
      const { records: history } = cache.window(new Set(recent.map((r) => r.agent)), Number.NEGATIVE_INFINITY, new Set(["message"]));
      const baseline = history.filter((r) => !r.anomalous || r.learning);
      const scanned = fanOutBurst(preparedWindow(baseline, recent), {});
      expect(fanOutBurst(preparedWindow(baseline, recent), {}, cache.fanOut)).toEqual(scanned);
      bursts += scanned.length;
      for (const a of ["a0", "a1"]) {
        const mine = baseline.filter((r) => r.agent === a);
        if (mine.length > 0) expect(cache.fanOut.maxOf(a)?.max).toBe(bruteMax(mine));
      }
      cache.add(recent);
    }
    expect(bursts).toBeGreaterThanOrEqual(1);
  });
  // 1.5 s between bodies: an agent's history spans many sliding spans; 100 ms: it fits in one (a storm), every record's span reaching back to the oldest.
  it.each([1_500, 100])("keep fan_out_burst exact when a batch comes late against the baseline (concurrent requests stored out of order), sliding from the kept span at its first record (a body every %i ms)", (gap) => {
    const rand = seeded(23);
    const cache = new HistoryCache({ maxAgeMs: 600_000, maxPerAgent: 80 });
    let n = 0;
    let late = 0;
    let bursts = 0;
    let lateBursts = 0;
    // Request bodies of 6 records sharing one time, a body every 1.5 s; a pass stores 4 bodies, the newest of them sometimes first.
    let body = 0;
    const bodyOf = (): CachedRecord[] => {
      const at = T0 + body++ * gap;
      return Array.from({ length: 6 }, () => {
        const wide = rand() < 0.04;
        // Receivers from a pool that swells and shrinks, so the largest count moves between old and new records.
        const receivers = wide ? Array.from({ length: 40 }, (_, i) => `w${i}`) : [`r${Math.floor(rand() * (2 + (body % 25)))}`];
        return { recordId: `m-${String(n++).padStart(5, "0")}`, kind: "message", agent: `a${Math.floor(rand() * 2)}`, receivers, intent: "Task", at, payload: undefined, anomalous: rand() < 0.05 };
      });
    };
    for (let pass = 0; pass < 90; pass++) {
      const bodies = Array.from({ length: 4 }, bodyOf);
      // One of the pass's later bodies was stored before the others: the pass's first bodies are older than it, its last ones newer.
      if (rand() < 0.6) bodies.unshift(...bodies.splice(1 + Math.floor(rand() * 3), 1));
      const recent = bodies.flat().sort((x, y) => x.at - y.at || (x.recordId < y.recordId ? -1 : 1));
      // Half of a pass is stored first: the cache learns it, and the rest comes behind the newest body.
      const cut = recent.filter((r) => r.at === bodies[0]![0]!.at);
      const rest = recent.filter((r) => r.at !== bodies[0]![0]!.at);
      for (const batch of [cut, rest]) {
        const { records: history } = cache.window(new Set(batch.map((r) => r.agent)), Number.NEGATIVE_INFINITY, new Set(["message"]));
        const baseline = history.filter((r) => !r.anomalous || r.learning);
        const scanned = fanOutBurst(preparedWindow(baseline, batch), {});
        expect(fanOutBurst(preparedWindow(baseline, batch), {}, cache.fanOut)).toEqual(scanned);
        bursts += scanned.length;
        let slid = false;
        for (const a of new Set(batch.map((r) => r.agent))) {
          const first = batch.find((r) => r.agent === a)!.at;
          const s = cache.fanOut.maxOf(a);
          const kept = s && s.lastAt > first ? cache.fanOut.before(a, first) : null;
          if (!kept) continue;
          late++;
          // What it says equals a scan of the agent's baseline: the largest count up to `first`, the span there, the records after.
          const mine = baseline.filter((r) => r.agent === a && r.receivers.length > 0);
          expect(kept.max).toBe(bruteMax(mine.filter((r) => r.at <= first)));
          const inSpan = mine.filter((r) => r.at <= first && r.at > first - SPAN);
          expect(new Set(kept.span.records)).toEqual(new Set(inSpan));
          expect([...kept.span.counts.keys()].sort()).toEqual([...new Set(inSpan.flatMap((r) => r.receivers))].sort());
          expect(new Set(kept.after)).toEqual(new Set(mine.filter((r) => r.at > first)));
          if (kept.after.length > 0) slid = true;
        }
        if (slid) lateBursts += scanned.length;
        cache.add(batch.map((r) => ({ ...r })));
      }
    }
    // The comparison meant something: late batches took the kept span, and bursts were found.
    expect(late).toBeGreaterThan(40);
    expect(bursts).toBeGreaterThanOrEqual(3);
    expect(lateBursts).toBeGreaterThanOrEqual(2);
  });
  it("keep each agent's messages, fan-outs and baseline in window order as records of one time are trimmed in the order they came, not by id", () => {
    const rand = seeded(31);
    // Young agents (learning blocks) and mature ones, both trimmed by count.
    const cache = new HistoryCache({ maxAgeMs: 600_000, maxPerAgent: 25, learningSlice: 5, thinHistory: 40 });
    let n = 0;
    let behindFront = 0;
    for (let pass = 0; pass < 150; pass++) {
      const at = T0 + Math.floor(pass / 3) * 1_000;
      const batch: CachedRecord[] = Array.from({ length: 8 }, () => {
        const kind = rand() < 0.8 ? "message" : "state.read";
        const receivers = kind === "message" ? Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `r${Math.floor(rand() * 4)}`) : [];
        // Ids that do not sort in the order the records come.
        return { recordId: `m-${String(Math.floor(rand() * 1e6)).padStart(6, "0")}-${n++}`, kind, agent: `a${Math.floor(rand() * 2)}`, receivers, intent: "Task", at, payload: undefined, anomalous: rand() < 0.15 };
      });
      cache.add(batch);
      for (const a of ["a0", "a1"]) {
        const { records } = cache.window(new Set([a]), Number.POSITIVE_INFINITY, new Set());
        const ids = (xs: readonly CachedRecord[]) => xs.map((r) => r.recordId);
        expect(ids(cache.messagesOf(a))).toEqual(ids(records.filter((r) => r.kind === "message" && r.receivers.length > 0)));
        expect(ids(cache.fanOutsOf(a))).toEqual(ids(records.filter((r) => r.kind === "message" && new Set(r.receivers).size >= 2)));
        expect(ids(cache.baselineOf(a))).toEqual(ids(records.filter((r) => !r.anomalous || r.learning)));
        // Several records of the oldest time held: a trim cut through records of one time, taking some from behind the lists' front.
        if (records.filter((r) => r.at === records[0]?.at).length >= 2) behindFront++;
      }
    }
    expect(behindFront).toBeGreaterThan(50);
  });
});
