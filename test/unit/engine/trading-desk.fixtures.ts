// A trading desk's rounds as the engine stores them (the chaos trading
// scenario's shape): every 5 minutes each trader reads the market feed (the
// round's version: one hash for all) and its peers' views (each read naming
// the write it saw: a peer earlier in the round, this round's view; later,
// the round before's), and writes its view of its symbol: the market's part
// plus `weight` times the mean of the peers' views it read, to 4 decimals.
import type { EvalRecord } from "@/lib/engine/evaluator/evaluate-batch.ts";

export const DESK_ROUND = 300_000;
const SYMBOLS = ["AAA", "BBB", "CCC"];

export interface DeskOptions {
  /** When round 0 is, ms. */
  start: number;
  rounds: number;
  traders?: number;
  /** The weight on the peers' mean view in round `k`: 0.3 when healthy, the loop's gain (1.6) under the fault. */
  weight: (k: number) => number;
  /** The market's part of a view of symbol `s` (0, 1, 2) in round `k`. */
  market: (s: number, k: number) => number;
}

/** A market's part per symbol: a mean-reverting walk (seeded), as the scenario's prices move. */
export function marketWalk(seed: number, rounds: number): (s: number, k: number) => number {
  let x = seed >>> 0 || 1;
  const uniform = () => {
    // xorshift32: a fixed sequence per seed.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
  const paths = SYMBOLS.map(() => {
    const out: number[] = [];
    let m = 0;
    for (let k = 0; k < rounds; k++) {
      m = 0.8 * m + 0.01 * (uniform() + uniform() + uniform() - 1.5) * 2;
      out.push(m);
    }
    return out;
  });
  return (s, k) => paths[s]![k] ?? 0;
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function tradingDesk(o: DeskOptions): EvalRecord[] {
  const traders = o.traders ?? 4;
  const out: EvalRecord[] = [];
  let seq = 0;
  const rec = (r: Omit<EvalRecord, "seq" | "verified" | "verdicts" | "receivedAt" | "settles" | "receivers">): EvalRecord => ({
    ...r,
    receivers: [],
    seq: String(++seq),
    verified: true,
    verdicts: ["verified"],
    receivedAt: r.at,
    settles: false,
  });
  const latest: ({ id: string; value: number } | null)[] = Array.from({ length: traders }, () => null);
  for (let k = 0; k < o.rounds; k++) {
    const at = o.start + k * DESK_ROUND;
    for (let t = 0; t < traders; t++) {
      const agent = `trader-${t + 1}`;
      const market = rec({ recordId: `m-${k}-${t}`, kind: "state.read", agent, intent: "feeds/market", at, payload: { found: true, sha256: `market-${k}` }, parents: ["req"] });
      const reads: EvalRecord[] = [market];
      let sum = 0;
      let n = 0;
      for (let p = 0; p < traders; p++) {
        if (p === t) continue;
        const seen = latest[p];
        reads.push(rec({ recordId: `r-${k}-${t}-${p}`, kind: "state.read", agent, intent: `trader-${p + 1}/rec`, at, payload: seen ? { found: true, sha256: `view-${seen.id}` } : { found: false }, parents: seen ? ["req", seen.id] : ["req"] }));
        if (seen) {
          sum += seen.value;
          n++;
        }
      }
      const s = t % SYMBOLS.length;
      const value = round4(o.market(s, k) + o.weight(k) * (n > 0 ? sum / n : 0));
      out.push(...reads);
      const id = `v-${k}-${t}`;
      out.push(rec({ recordId: id, kind: "state.write", agent, intent: `${agent}/rec`, at, payload: { value, symbol: SYMBOLS[s]!, cycle: k }, parents: reads.map((r) => r.recordId) }));
      latest[t] = { id, value };
    }
  }
  return out;
}
