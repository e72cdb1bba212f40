import { beforeEach, describe, expect, it } from "vitest";
import { dedupeWindow, firstAfter, mergeByTime, prepareWindow } from "@/lib/engine/detectors/finding.ts";
import { mad, median } from "@/lib/engine/detectors/robust-stats.ts";
import { semanticDeviation } from "@/lib/engine/detectors/semantic-deviation.ts";
import { groupKey, segmentKey, sortedMad, sortedMedian, ValueBaselines } from "@/lib/engine/detectors/value-baselines.ts";
import { runDetectors } from "@/lib/engine/detectors/run-detectors.ts";
import { HistoryCache } from "@/lib/engine/evaluator/history-cache.ts";
import { normal, seeded } from "./seeded.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

describe("sorted statistics", () => {
  it("give exactly what median and mad give on the same values, odd and even counts, ties and one-sided spreads", () => {
    const rand = seeded(11);
    for (const n of [1, 2, 3, 4, 7, 8, 51, 400]) {
      const values = Array.from({ length: n }, () => Math.round(normal(rand) * 50) / 10);
      const sorted = [...values].sort((a, b) => a - b);
      const c = median(values);
      expect(sortedMedian(sorted)).toBe(c);
      expect(sortedMad(sorted, c)).toBe(mad(values, c));
      // Off-centre too: every value on one side.
      expect(sortedMad(sorted, 1_000)).toBe(mad(values, 1_000));
      expect(sortedMad(sorted, -1_000)).toBe(mad(values, -1_000));
    }
    expect(sortedMedian([])).toBeNaN();
    expect(sortedMad([], 0)).toBeNaN();
  });
});

describe("value baselines", () => {
  const quote = (price: number, sku = "A-1", agent = "pricer") => wr({ agent, payload: { sku, unit_price: price } });

  it("keep each baseline key's values sorted, by field path and by segment", () => {
    const b = ValueBaselines.of([quote(12), quote(9, "B-2"), quote(30)]);
    const key = groupKey("pricer", "quote.request", "unit_price");
    expect(b.get(key)?.raw).toEqual([9, 12, 30]);
    expect(b.get(segmentKey(key, "sku=A-1"))?.raw).toEqual([12, 30]);
    expect(b.get(segmentKey(key, "sku=B-2"))?.raw).toEqual([9]);
    expect(b.get(key)?.log).toEqual([9, 12, 30].map((x) => Math.log1p(x)));
  });

  it("take back exactly what a record added, and forget a key with no values left", () => {
    const a = quote(12);
    const c = quote(12, "B-2");
    const b = ValueBaselines.of([a, quote(15), c]);
    b.remove(a);
    const key = groupKey("pricer", "quote.request", "unit_price");
    expect(b.get(key)?.raw).toEqual([12, 15]);
    b.remove(c);
    expect(b.get(segmentKey(key, "sku=B-2"))).toBeUndefined();
  });

  it("kept by the history cache as records come and age out, judge as baselines built from the cached window do", () => {
    const rand = seeded(3);
    const cache = new HistoryCache({ maxAgeMs: 3_600_000, maxPerAgent: 150 });
    const price = () => 12.5 * Math.exp(normal(rand) * 0.1);
    // 400 records over two agents, in batches, some anomalous (kept out of the baselines): the per-agent bound drops the oldest.
    for (let batch = 0; batch < 8; batch++) {
      const records = Array.from({ length: 50 }, (_, i) => ({ ...quote(price(), i % 3 === 0 ? "B-2" : "A-1", i % 2 === 0 ? "pricer" : "seller"), anomalous: i % 17 === 0 }));
      cache.add(records);
    }
    const recent = [quote(140), quote(12.4), quote(1.1, "B-2", "seller"), quote(13, "C-3", "seller")];
    const history = cache.forAgents(["pricer", "seller"]).filter((r) => !r.anomalous);
    const fromWindow = semanticDeviation({ history, recent });
    const fromCache = semanticDeviation({ history, recent }, {}, cache.baselines);
    expect(fromWindow.length).toBeGreaterThan(0);
    expect(fromCache).toEqual(fromWindow);
    // And after clear, nothing is left to judge against.
    cache.clear();
    expect(cache.baselines.size).toBe(0);
  });

  it("the cache holds each stored copy once and knows which record ids it holds", () => {
    const cache = new HistoryCache();
    const r = { ...quote(10), anomalous: false };
    cache.add([r]);
    cache.add([r]);
    expect(cache.size).toBe(1);
    expect(cache.holdsAny(["nope", r.recordId])).toBe(true);
    expect(cache.holdsAny(["nope"])).toBe(false);
  });
});

describe("windows prepared once", () => {
  it("a prepared window is deduplicated and ordered, and every detector reads it as is", () => {
    const a = wr({ sec: 5 });
    const b = wr({ sec: 1 });
    const w = prepareWindow({ history: [a, b, a], recent: [b] });
    expect(w.history.map((r) => r.recordId)).toEqual([a.recordId]);
    expect(dedupeWindow(w)).toBe(w);
    expect(prepareWindow(w)).toBe(w);
  });

  it("runDetectors finds the same on a raw window and on its prepared copy", () => {
    const history = Array.from({ length: 60 }, (_, i) => wr({ sec: i, receivers: ["planner"], payload: { unit_price: 10 + (i % 3) } }));
    const recent = [wr({ sec: 100, receivers: ["stranger"], payload: { unit_price: 500 } })];
    resetWindowIds();
    const raw = runDetectors({ history: [...history].reverse(), recent });
    expect(raw.map((f) => f.detector).sort()).toEqual(["new_edge", "semantic_deviation"]);
    expect(runDetectors(prepareWindow({ history, recent }))).toEqual(raw);
  });

  it("mergeByTime interleaves two ordered lists, the first list's record first on equal times", () => {
    const x = [{ at: 1, id: "a1" }, { at: 3, id: "a3" }, { at: 5, id: "a5" }];
    const y = [{ at: 3, id: "b3" }, { at: 4, id: "b4" }, { at: 9, id: "b9" }];
    expect(mergeByTime(x, y).map((r) => r.id)).toEqual(["a1", "a3", "b3", "b4", "a5", "b9"]);
    expect(mergeByTime([], y)).toEqual(y);
  });

  it("firstAfter finds where the records later than a time start", () => {
    const xs = [{ at: 1 }, { at: 3 }, { at: 3 }, { at: 7 }];
    expect([0, 1, 3, 6, 7, 9].map((t) => firstAfter(xs, t))).toEqual([0, 1, 3, 3, 4, 4]);
  });
});
