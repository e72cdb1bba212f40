import { beforeEach, describe, expect, it } from "vitest";
import { newEdge } from "@/lib/engine/detectors/new-edge.ts";
import { newIntent } from "@/lib/engine/detectors/new-intent.ts";
import { fanOutBurst } from "@/lib/engine/detectors/fan-out-burst.ts";
import { rateVsBaseline } from "@/lib/engine/detectors/rate-vs-baseline.ts";
import { feedbackLoop } from "@/lib/engine/detectors/feedback-loop.ts";
import { anomalousRecords, DetectorParams, runDetectors } from "@/lib/engine/detectors/run-detectors.ts";
import { dedupeWindow } from "@/lib/engine/detectors/finding.ts";
import { seeded } from "./seeded.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

/** 60 messages among planner, pricer and buyer over the last day. */
const usual = () =>
  Array.from({ length: 60 }, (_, i) =>
    i % 3 === 0 ? wr({ agent: "planner", receivers: ["pricer"], sec: -80_000 + i }) : i % 3 === 1 ? wr({ agent: "pricer", receivers: ["planner"], sec: -80_000 + i }) : wr({ agent: "planner", receivers: ["buyer"], sec: -80_000 + i }),
  );

describe("new edge", () => {
  it("flags a sender talking to a receiver it never talked to, once, naming the first record and counting the later ones", () => {
    const a = wr({ agent: "planner", receivers: ["payments", "pricer"] });
    const b = wr({ agent: "planner", receivers: ["payments"] });
    const f = newEdge({ history: usual(), recent: [a, b] });
    expect(f).toEqual([
      {
        detector: "new_edge",
        recordId: a.recordId,
        agent: "planner",
        subject: "planner -> payments",
        score: Number.NaN,
        explanation: "new edge planner -> payments: never seen in the 24h baseline (60 records between 3 agents, 40 sent by planner)",
        params: { minHistory: 50, minSenderHistory: 20, baselineMs: 86_400_000, historyRecords: 60, senderHistory: 40, knownEdges: 3, later: 1 },
        evidence: [a.recordId],
        at: a.at,
      },
    ]);
  });

  it("says nothing without enough history, or for known edges", () => {
    expect(newEdge({ history: usual().slice(0, 10), recent: [wr({ agent: "planner", receivers: ["payments"] })] })).toEqual([]);
    expect(newEdge({ history: usual(), recent: [wr({ agent: "pricer", receivers: ["planner"] })] })).toEqual([]);
    expect(newEdge({ history: [], recent: [] })).toEqual([]);
  });

  it("leaves a sender's edges alone while it learns them (its first minSenderHistory messages), then judges them", () => {
    // The executor's first message, to the book-keeper, after the fleet has been busy for a while.
    const first = wr({ agent: "executor", receivers: ["reconciler"] });
    expect(newEdge({ history: usual(), recent: [first] })).toEqual([]);
    // After 20 messages to the reconciler, a message to payments is a new edge.
    const learned = [...usual(), ...Array.from({ length: 20 }, (_, i) => wr({ agent: "executor", receivers: ["reconciler"], sec: -70_000 + i }))];
    const odd = wr({ agent: "executor", receivers: ["payments"] });
    const [f, ...rest] = newEdge({ history: learned, recent: [odd] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ recordId: odd.recordId, subject: "executor -> payments" });
    expect(f!.params).toMatchObject({ minSenderHistory: 20, senderHistory: 20 });
    // A shorter learning period is a parameter, stored with the finding.
    const [early] = newEdge({ history: usual(), recent: [first] }, { minSenderHistory: 0 });
    expect(early!.params).toMatchObject({ minSenderHistory: 0, senderHistory: 0 });
    expect(newEdge({ history: learned.slice(0, -1), recent: [odd] })).toEqual([]);
  });
});

describe("new intent", () => {
  it("flags an agent's first use of a message intent or an action", () => {
    const history = [...usual(), ...Array.from({ length: 20 }, () => wr({ kind: "action", agent: "buyer", receivers: [], intent: "order.place" }))];
    const refund = wr({ agent: "planner", receivers: ["pricer"], intent: "refund.issue" });
    const wire = wr({ kind: "action", agent: "buyer", receivers: [], intent: "wire.transfer" });
    const f = newIntent({ history, recent: [refund, wire, wr({ kind: "action", agent: "buyer", receivers: [], intent: "order.place" })] });
    expect(f.map((x) => [x.subject, x.explanation])).toEqual([
      ["message refund.issue", "planner sent intent refund.issue for the first time (24h baseline: 1 intent over 40 messages)"],
      ["action wire.transfer", "buyer took action wire.transfer for the first time (24h baseline: 1 intent over 20 records)"],
    ]);
  });

  it("judges an agent's message intents once it has sent 20 messages, its actions once it has 20 records of any kind", () => {
    // A trader that read and wrote state for a while, then sends its first idea, then places a trade itself.
    const history = [...usual(), ...Array.from({ length: 30 }, (_, i) => wr({ kind: "state.read", agent: "trader", receivers: [], intent: "feeds/market", sec: -60_000 + i }))];
    const idea = wr({ agent: "trader", receivers: ["portfolio"], intent: "trade.idea" });
    const trade = wr({ kind: "action", agent: "trader", receivers: [], intent: "place_trade" });
    const f = newIntent({ history, recent: [idea, trade] });
    expect(f.map((x) => [x.recordId, x.explanation])).toEqual([[trade.recordId, "trader took action place_trade for the first time (24h baseline: 0 intents over 30 records)"]]);
    // After 20 ideas, a new message intent is judged.
    const sent = [...history, ...Array.from({ length: 20 }, (_, i) => wr({ agent: "trader", receivers: ["portfolio"], intent: "trade.idea", sec: -50_000 + i }))];
    const [odd] = newIntent({ history: sent, recent: [wr({ agent: "trader", receivers: ["portfolio"], intent: "withdraw.funds" })] });
    expect(odd!.params).toMatchObject({ minHistory: 20, historyRecords: 20 });
  });

  it("ignores agents too new to judge, state keys, and records without an intent", () => {
    const history = usual();
    expect(newIntent({ history, recent: [wr({ agent: "newbie", intent: "x" })] })).toEqual([]);
    expect(newIntent({ history, recent: [wr({ agent: "planner", kind: "state.write", intent: "orders/1" })] })).toEqual([]);
    expect(newIntent({ history, recent: [wr({ agent: "planner", intent: null })] })).toEqual([]);
  });
});

describe("fan-out burst", () => {
  const baseline = () => {
    const rand = seeded(11);
    // planner sends every 5 s to one of three receivers.
    return Array.from({ length: 500 }, (_, i) => wr({ agent: "planner", receivers: [["pricer", "buyer", "notes"][Math.floor(rand() * 3)]!], sec: -10_000 + i * 5 }));
  };

  it("flags an agent suddenly sending to many distinct receivers, once per burst", () => {
    const burst = Array.from({ length: 14 }, (_, i) => wr({ agent: "planner", receivers: [`worker-${i}`], sec: 100 + i * 0.3 }));
    const later = Array.from({ length: 14 }, (_, i) => wr({ agent: "planner", receivers: [`other-${i}`], sec: 500 + i * 0.3 }));
    const f = fanOutBurst({ history: baseline(), recent: [...burst, wr({ agent: "planner", sec: 300 }), ...later] });
    expect(f).toHaveLength(2);
    // One message every 5 s: at most 2 receivers in any 10 s, so the limit is 3 x 2.
    expect(f[0]).toMatchObject({ agent: "planner", recordId: burst[5]!.recordId, explanation: "planner sent to 6 distinct receivers in 10s (24h baseline: at most 2 in any 10s)" });
    expect(f[0]!.evidence).toEqual(burst.slice(0, 6).map((r) => r.recordId));
    expect(f[0]!.params).toMatchObject({ windowMs: 10_000, minReceivers: 5, factor: 3, distinct: 6, baselineMax: 2 });
    expect(f[1]!.recordId).toBe(later[5]!.recordId);
  });

  it("does not flag the usual spread, and uses the floor for agents without a baseline", () => {
    expect(fanOutBurst({ history: baseline(), recent: [wr({ agent: "planner", receivers: ["pricer", "buyer"], sec: 10 })] })).toEqual([]);
    const f = fanOutBurst({ history: [], recent: Array.from({ length: 5 }, (_, i) => wr({ agent: "x", receivers: [`r${i}`], sec: i })) });
    expect(f.map((x) => x.explanation)).toEqual(["x sent to 5 distinct receivers in 10s (none in the 24h baseline)"]);
  });

  it("counts a single message to many receivers as fan-out", () => {
    const f = fanOutBurst({ history: baseline(), recent: [wr({ agent: "planner", receivers: Array.from({ length: 12 }, (_, i) => `r${i}`), sec: 10 })] });
    expect(f[0]!.params.distinct).toBe(12);
  });
});

describe("rate vs baseline", () => {
  it("flags an agent sending far faster than its 24h rate", () => {
    // One record every 3 s for a day before the span: 28,800 records, 20 per minute.
    const history = Array.from({ length: 28_800 }, (_, i) => wr({ agent: "pricer", sec: 940 - 86_400 + i * 3 }));
    const recent = Array.from({ length: 240 }, (_, i) => wr({ agent: "pricer", sec: 1000 + i * 0.25 }));
    const [f, ...rest] = rateVsBaseline({ history, recent });
    expect(rest).toEqual([]);
    // The span is the 60 s before the newest record (1059.75 s): 240 records against 20 expected.
    expect(f!.explanation).toBe("pricer sent 240 records in 60s, 12x its 24h rate (20 per 60s, n=28,780)");
    expect(f!.score).toBeCloseTo(12, 1);
    expect(f!.evidence).toHaveLength(100);
    expect(f!.recordId).toBe(recent.at(-1)!.recordId);
  });

  it("measures the baseline over the time the history covers, so a sample of the latest records is not a burst", () => {
    // Two hours of an agent sending one record a second: 60 per minute.
    const sample = Array.from({ length: 7_200 }, (_, i) => wr({ agent: "busy", sec: -7_200 + i }));
    const recent = Array.from({ length: 60 }, (_, i) => wr({ agent: "busy", sec: i }));
    expect(rateVsBaseline({ history: sample, recent })).toEqual([]);
    const burst = Array.from({ length: 600 }, (_, i) => wr({ agent: "busy", sec: i * 0.1 }));
    const [f] = rateVsBaseline({ history: sample, recent: burst });
    expect(f!.explanation).toBe("busy sent 600 records in 60s, 10x its 2h rate (60 per 60s, n=7,200)");
  });

  it("measures each agent's span on its own records: a burst early in a batch, or on another clock, is still a burst", () => {
    // Two hours of one record a minute, then 50 records in 5 s, then (same batch) one record 10 minutes later.
    const history = Array.from({ length: 120 }, (_, i) => wr({ agent: "trader", sec: -7_200 + i * 60 }));
    const storm = Array.from({ length: 50 }, (_, i) => wr({ agent: "trader", sec: i * 0.1 }));
    const later = wr({ agent: "trader", sec: 600 });
    // Another fleet in the same batch, three hours ahead on its own clock.
    const elsewhere = wr({ agent: "other", sec: 10_800 });
    const [f, ...rest] = rateVsBaseline({ history, recent: [...storm, later, elsewhere] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ agent: "trader", recordId: storm.at(-1)!.recordId, at: storm.at(-1)!.at });
    // The span is the 60 s up to the storm's last record: every storm record is evidence, and nothing else.
    expect(f!.evidence).toEqual(storm.map((r) => r.recordId));
    expect(f!.params).toMatchObject({ count: 50, baselineCount: 120 });
  });

  it("does not judge an agent whose history is younger than an hour, nor one with none", () => {
    const young = Array.from({ length: 100 }, (_, i) => wr({ agent: "pricer", sec: -1_800 + i * 10 }));
    const recent = Array.from({ length: 300 }, (_, i) => wr({ agent: "pricer", sec: i * 0.1 }));
    expect(rateVsBaseline({ history: young, recent })).toEqual([]);
    expect(rateVsBaseline({ history: [], recent: Array.from({ length: 25 }, (_, i) => wr({ agent: "newbie", sec: 10 + i })) })).toEqual([]);
    expect(rateVsBaseline({ history: young, recent: [] })).toEqual([]);
  });
});

describe("feedback loop", () => {
  const loop = (values: number[], agents = ["planner", "pricer"]) =>
    values.map((total, i) => wr({ agent: agents[i % agents.length]!, receivers: [agents[(i + 1) % agents.length]!], sec: 100 + i * 5, payload: { total, note: "x" } }));

  it("flags a cycle in the recent message graph whose values keep growing, from where they left their usual range", () => {
    // Six ordinary rounds (the 95 rose, but within what the loop held), then doubling.
    const msgs = loop([100, 80, 120, 90, 110, 95, 200, 400, 800, 1600, 3200, 6400]);
    const [f, ...rest] = feedbackLoop({ history: [], recent: msgs });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: "feedback_loop",
      subject: "planner -> pricer -> planner",
      explanation: "feedback loop planner -> pricer -> planner: 6 records in 25s, quote.request total grew 200 -> 6,400 (32x)",
      recordId: msgs.at(-1)!.recordId,
      score: 32,
    });
    expect(f!.evidence).toEqual(msgs.slice(6).map((m) => m.recordId));
  });

  it("finds longer cycles and self-loops", () => {
    const three = feedbackLoop({ history: [], recent: loop([10, 8, 12, 9, 11, 10, 20, 40, 80, 160], ["a", "b", "c"]) });
    expect(three[0]!.subject).toBe("a -> b -> c -> a");
    const self = feedbackLoop({ history: [], recent: loop([10, 8, 12, 9, 11, 10, 20, 40, 80, 160], ["solo"]) });
    expect(self[0]!.subject).toBe("solo -> solo");
  });

  it("ignores cycles that do not grow, grow unsteadily, or are too short, and chains that are no cycle", () => {
    expect(feedbackLoop({ history: [], recent: loop([5, 5, 5, 5, 5, 5, 5, 5]) })).toEqual([]);
    expect(feedbackLoop({ history: [], recent: loop([1, 9, 2, 8, 3, 7, 4, 10]) })).toEqual([]);
    expect(feedbackLoop({ history: [], recent: loop([1, 2, 4]) })).toEqual([]);
    // A counter never goes down: it grows, but not as a loop does; nor does a doubling with no usual range before it.
    expect(feedbackLoop({ history: [], recent: loop([3, 4, 6, 9, 13, 18, 24, 31, 39, 48]) })).toEqual([]);
    expect(feedbackLoop({ history: [], recent: loop([1, 2, 4, 8, 16, 32, 64, 128]) })).toEqual([]);
    // Near zero, a value that doubles but stays within twice the usual range is noise.
    expect(feedbackLoop({ history: [], recent: loop([0.02, -0.01, 0.03, 0.01, 0.004, 0.008, 0.016, 0.032, 0.05]) })).toEqual([]);
    const chain = [1, 2, 4, 8, 16, 32, 64].map((total, i) => wr({ agent: `a${i}`, receivers: [`a${i + 1}`], payload: { total } }));
    expect(feedbackLoop({ history: [], recent: chain })).toEqual([]);
    expect(feedbackLoop({ history: [], recent: [] })).toEqual([]);
  });

  /**
   * Procurement's loop (ADR 0030): the recommender orders, the executor
   * places, the reconciler writes the books, the recommender reads them
   * back. Messages alone never close it; the state key does. Each round one
   * order per SKU, 15 minutes apart; from round `gainFrom` the recommender
   * adds 1.6x last round's order to what it orders.
   */
  function procurementRounds(orders: Record<string, number[]>) {
    const out: ReturnType<typeof wr>[] = [];
    const rounds = Object.values(orders)[0]!.length;
    for (let k = 0; k < rounds; k++) {
      for (const [sku, qtys] of Object.entries(orders)) {
        const sec = k * 900 + out.length;
        out.push(wr({ agent: "recommender", receivers: [], kind: "state.read", intent: `reconciler/inventory/${sku}`, sec, payload: { found: true, sha256: "x" } }));
        out.push(wr({ agent: "recommender", receivers: ["executor"], intent: "OrderRequest", sec: sec + 1, payload: { sku, qty: qtys[k]!, cycle: k } }));
        out.push(wr({ agent: "executor", receivers: ["reconciler"], intent: "OrderPlaced", sec: sec + 2, payload: { sku, qty: qtys[k]!, po: `PO-${k}-${sku}`, cycle: k } }));
        out.push(wr({ agent: "reconciler", receivers: [], kind: "state.write", intent: `reconciler/inventory/${sku}`, sec: sec + 3, payload: { on_hand: 40, last_order_qty: qtys[k]!, cycle: k } }));
      }
    }
    return out;
  }

  it("closes a loop through shared state, and names each series' growth from where it left its usual range", () => {
    // Clean rounds vary within 9-17; the gain starts at round 4 (12 + 1.6 x 14 = 34), and the 14 before it happened to rise.
    const orders = { "A-100": [15, 9, 17, 12, 14, 34, 54, 87, 139], "B-200": [11, 16, 10, 13, 12, 31, 50, 80, 128] };
    const recs = procurementRounds(orders);
    const [f, ...rest] = feedbackLoop({ history: recs.slice(0, -8), recent: recs.slice(-8) });
    expect(rest).toEqual([]);
    expect(f!.subject).toBe("executor -> reconciler -> recommender -> executor");
    const named = recs.filter((r) => f!.evidence.includes(r.recordId));
    // Each SKU's growth starts at its first amplified order (34, 31): the 14 and 12 before were within the usual range.
    const firstOrders = named.filter((r) => r.intent === "OrderRequest").slice(0, 2).map((r) => r.payload);
    expect(firstOrders).toEqual([{ sku: "A-100", qty: 34, cycle: 5 }, { sku: "B-200", qty: 31, cycle: 5 }]);
    expect(named.every((r) => (r.payload as { cycle: number }).cycle >= 5)).toBe(true);
    // Orders, placements and the books each grew, per SKU; the cycle numbers only counted.
    expect(f!.params.series).toBe(6);
  });

  it("a state loop whose values stay in their range is no loop, nor is a chain through a key nobody else reads", () => {
    const steady = procurementRounds({ "A-100": [15, 9, 17, 12, 14, 16, 10, 13, 15] });
    expect(feedbackLoop({ history: steady.slice(0, -4), recent: steady.slice(-4) })).toEqual([]);
    const open = procurementRounds({ "A-100": [15, 9, 17, 12, 14, 34, 54, 87, 139] }).filter((r) => r.kind !== "state.read");
    expect(feedbackLoop({ history: open.slice(0, -4), recent: open.slice(-4) })).toEqual([]);
  });

  it("looks only at the recent window, and needs a recent message in the cycle", () => {
    const old = loop([1, 2, 4, 8, 16, 32, 64]).map((m) => ({ ...m, at: m.at - 86_000_000 }));
    expect(feedbackLoop({ history: old, recent: [wr({ agent: "x", receivers: ["y"], sec: 200 })] })).toEqual([]);
  });
});

describe("all detectors", () => {
  it("run together with parameters from one place, and name the anomalous records", () => {
    const recent = [wr({ agent: "planner", receivers: ["payments"] })];
    const findings = runDetectors({ history: usual(), recent }, DetectorParams.parse({ newEdge: { minHistory: 10 } }));
    expect(findings.map((f) => f.detector)).toEqual(["new_edge"]);
    expect(anomalousRecords(findings)).toEqual(new Set([recent[0]!.recordId]));
    expect(() => DetectorParams.parse({ newEdge: { minHistory: -1 } })).toThrow();
    expect(() => DetectorParams.parse({ bogus: {} })).toThrow();
  });

  it("sees each record once, in time order, and drops records without a time", () => {
    const a = wr({ sec: 5 });
    const b = wr({ sec: 1 });
    const d = dedupeWindow({ history: [a, b, a, { ...b, at: Number.NaN, recordId: "nan" }], recent: [b] });
    expect(d.recent.map((r) => r.recordId)).toEqual([b.recordId]);
    expect(d.history.map((r) => r.recordId)).toEqual([a.recordId]);
  });
});
