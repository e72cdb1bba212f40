// Whether a deviating view owes its departure to what it read back rather
// than to the outside read it shares with a sibling (ADR 0050): two views of
// one symbol made from one market read got the same market part.
import { describe, expect, it } from "vitest";
import { readBackExplains } from "@/lib/engine/evaluator/read-back-explains.ts";
import { marketWalk, tradingDesk } from "../trading-desk.fixtures.ts";

const WINDOW = 7_200_000;
const START = Date.UTC(2026, 11, 12, 8);
const walk = marketWalk(7, 40);
type Desk = ReturnType<typeof tradingDesk>;
const view = (records: Desk, k: number, trader: number) => records.find((r) => r.recordId === `v-${k}-${trader - 1}`)!;
const say = (records: Desk, k: number, trader: number, windowMs = WINDOW) => readBackExplains(view(records, k, trader), "value", records, windowMs);
const loop = (o: { traders?: number } = {}) => tradingDesk({ start: START, rounds: 31, weight: (k) => (k >= 30 ? 1.6 : 0.3), market: walk, ...o });

describe("readBackExplains", () => {
  it("says read-back in a loop's first round: the views of one symbol differ by the gain times what they read back", () => {
    const records = loop();
    expect(say(records, 30, 1)).toBe("read-back");
    expect(say(records, 30, 4)).toBe("read-back");
  });

  it("says outside in a round the market moved, however far, as for a poisoned feed's victims", () => {
    // Round 30's market part ten times its walk, plus a drift, for every symbol: the views moved alike.
    const poisoned = tradingDesk({ start: START, rounds: 31, weight: () => 0.3, market: (s, k) => (k === 30 ? 10 * walk(s, k) + 0.05 : walk(s, k)) });
    expect(say(poisoned, 30, 1)).toBe("outside");
    expect(say(poisoned, 30, 4)).toBe("outside");
  });

  it("awaits the siblings of the round where the record's series had siblings before", () => {
    const records = loop();
    const upTo = records.slice(0, records.indexOf(view(records, 30, 1)) + 1);
    expect(say(upTo, 30, 1)).toBe("awaiting");
  });

  it("says outside without a sibling made from the same outside read, or too few rounds before to know the usual weight", () => {
    expect(say(loop({ traders: 3 }), 30, 1)).toBe("outside");
    expect(say(loop(), 30, 1, 2.5 * 300_000)).toBe("outside");
  });
});

describe("readBackExplains beside another desk", () => {
  /** A second desk in the same window: its agents, keys, record ids and market versions its own. */
  const elsewhere = (records: Desk): Desk =>
    records.map((r) => ({
      ...r,
      recordId: `b.${r.recordId}`,
      agent: `b.${r.agent}`,
      intent: r.intent === null ? null : `b.${r.intent}`,
      parents: r.parents?.map((p) => `b.${p}`),
      payload: r.kind === "state.read" && r.payload && typeof r.payload === "object" && "sha256" in r.payload ? { ...r.payload, sha256: `b.${String(r.payload.sha256)}` } : r.payload,
    }));

  it("does not take another desk's loop, in the two hours before, for this desk's usual weight", () => {
    // Desk B looped from round 10: its siblings weighed what they read back at 1.6 for the 20 rounds before desk A's loop.
    const other = elsewhere(tradingDesk({ start: START, rounds: 31, weight: (k) => (k >= 10 ? 1.6 : 0.3), market: marketWalk(11, 40) }));
    const mine = loop();
    const both = [...mine, ...other].sort((a, b) => a.at - b.at);
    expect(say(both, 30, 1)).toBe("read-back");
    expect(say(both, 30, 4)).toBe("read-back");
    // And a poisoned feed's victims still say outside beside it.
    const poisoned = tradingDesk({ start: START, rounds: 31, weight: () => 0.3, market: (s, k) => (k === 30 ? 10 * walk(s, k) + 0.05 : walk(s, k)) });
    expect(say([...poisoned, ...other].sort((a, b) => a.at - b.at), 30, 1)).toBe("outside");
  });
});
