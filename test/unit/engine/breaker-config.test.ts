import { describe, expect, it } from "vitest";
import { agentsLeadingToRed, BreakerPolicy, DEFAULT_BREAKER_CONFIG, resolveBreakerConfig } from "@/lib/engine/breaker/config.ts";
import { addOutcome, countWindow, emptyWindow, MAX_NAMED_FAILURES } from "@/lib/engine/breaker/outcome-window.ts";

describe("breaker configuration", () => {
  it("defaults to 3 failures, a 0.15 anomaly rate over at least 20 records, 300 s open, 1 probe, review for red-action edges", () => {
    expect(DEFAULT_BREAKER_CONFIG).toMatchObject({ failureThreshold: 3, anomalyRateThreshold: 0.15, minCalls: 20, openMs: 300_000, halfOpenProbes: 1, requireReview: "red_actions" });
  });

  it("layers global, sender, receiver and edge settings in that order", () => {
    const policy = BreakerPolicy.parse({
      global: { openMs: 60_000, failureThreshold: 5 },
      agents: { planner: { failureThreshold: 4, minCalls: 10 }, payments: { failureThreshold: 2 } },
      edges: { "planner->payments": { openMs: 1_000 } },
    });
    expect(resolveBreakerConfig(policy, { sender: "planner", receiver: "payments" }, false).config).toMatchObject({ failureThreshold: 2, minCalls: 10, openMs: 1_000 });
    expect(resolveBreakerConfig(policy, { sender: "planner", receiver: "pricer" }, false).config).toMatchObject({ failureThreshold: 4, openMs: 60_000 });
    expect(resolveBreakerConfig(policy, { sender: "x", receiver: "y" }, false).config).toMatchObject({ failureThreshold: 5, minCalls: 20 });
  });

  it("requires review on edges that lead to red actions by default, always or never when told", () => {
    const policy = BreakerPolicy.parse({ edges: { "a->b": { requireReview: "never" }, "c->d": { requireReview: "always" } } });
    expect(resolveBreakerConfig(policy, { sender: "x", receiver: "y" }, true).reviewRequired).toBe(true);
    expect(resolveBreakerConfig(policy, { sender: "x", receiver: "y" }, false).reviewRequired).toBe(false);
    expect(resolveBreakerConfig(policy, { sender: "a", receiver: "b" }, true).reviewRequired).toBe(false);
    expect(resolveBreakerConfig(policy, { sender: "c", receiver: "d" }, false).reviewRequired).toBe(true);
  });

  it("refuses settings that make no sense, with the field named", () => {
    expect(() => BreakerPolicy.parse({ global: { failureThreshold: 0 } })).toThrow(/failureThreshold/);
    expect(() => BreakerPolicy.parse({ global: { anomalyRateThreshold: 1.5 } })).toThrow(/anomalyRateThreshold/);
    expect(() => BreakerPolicy.parse({ global: { openMs: Number.NaN } })).toThrow();
    expect(() => BreakerPolicy.parse({ global: { tripAfter: 3 } })).toThrow();
    expect(() => BreakerPolicy.parse({ edges: { planner: {} } })).toThrow(/sender->receiver/);
  });

  it("finds the agents a red action can be reached from, through cycles, without recursion", () => {
    const edges = [
      { sender: "gw", receiver: "planner" },
      { sender: "planner", receiver: "buyer" },
      { sender: "buyer", receiver: "planner" },
      { sender: "planner", receiver: "notes" },
      { sender: "notes", receiver: "archive" },
    ];
    expect([...agentsLeadingToRed(edges, ["buyer"])].sort()).toEqual(["buyer", "gw", "planner"]);
    expect(agentsLeadingToRed(edges, []).size).toBe(0);
    const chain = Array.from({ length: 100_000 }, (_, i) => ({ sender: `a${i + 1}`, receiver: `a${i}` }));
    expect(agentsLeadingToRed(chain, ["a0"]).size).toBe(100_001);
  });
});

describe("outcome window", () => {
  const T = 1_800_000_000_000;
  it("counts calls, failures and anomalies in one-second buckets over the window", () => {
    let w = emptyWindow();
    w = addOutcome(w, 60_000, T, "a", []);
    w = addOutcome(w, 60_000, T + 200, "b", ["anomaly"]);
    w = addOutcome(w, 60_000, T + 1500, "c", ["verification"]);
    expect(countWindow(w)).toEqual({ calls: 3, failures: 2, anomalies: 1 });
    expect(w.buckets).toHaveLength(2);
    expect(w.failures.map((f) => f.recordId)).toEqual(["b", "c"]);
    // The window is the last 60 whole seconds: at T + 60 s the second of T has left it.
    w = addOutcome(w, 60_000, T + 60_000, "d", []);
    expect(countWindow(w)).toEqual({ calls: 2, failures: 1, anomalies: 0 });
    expect(w.failures.map((f) => f.recordId)).toEqual(["c"]);
  });

  it("ignores a record older than the window, takes one slightly out of order, and remembers at most 50 failures by name", () => {
    let w = addOutcome(emptyWindow(), 10_000, T + 60_000, "new", []);
    w = addOutcome(w, 10_000, T, "old", ["anomaly"]);
    expect(countWindow(w).calls).toBe(1);
    w = addOutcome(w, 10_000, T + 55_000, "late", ["anomaly"]);
    expect(countWindow(w)).toEqual({ calls: 2, failures: 1, anomalies: 1 });
    for (let i = 0; i < 80; i++) w = addOutcome(w, 10_000, T + 60_000, `f${i}`, ["verification"]);
    expect(w.failures).toHaveLength(MAX_NAMED_FAILURES);
    expect(countWindow(w).failures).toBe(81);
  });

  it("leaves the window it was given as it was, and counts as a scan of every outcome does, for records out of order", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const seen: { at: number; id: string; reasons: ("verification" | "anomaly")[] }[] = [];
    let w = emptyWindow();
    for (let i = 0; i < 400; i++) {
      const at = T + i * 150 - Math.floor(rand() * 3_000);
      const reasons: ("verification" | "anomaly")[] = rand() < 0.4 ? ["anomaly"] : rand() < 0.1 ? ["verification"] : [];
      const before = structuredClone(w);
      const next = addOutcome(w, 10_000, at, `r${i}`, reasons);
      expect(w).toEqual(before);
      w = next;
      seen.push({ at, id: `r${i}`, reasons });
      // What the window holds: each counted record of the last 10 whole seconds up to the newest second seen.
      const now = Math.max(...seen.map((x) => Math.floor(x.at / 1000)));
      const counted: typeof seen = [];
      let newest = -Infinity;
      for (const x of seen) {
        newest = Math.max(newest, Math.floor(x.at / 1000));
        if (Math.floor(x.at / 1000) > newest - 10) counted.push(x);
      }
      const live = counted.filter((x) => Math.floor(x.at / 1000) > now - 10);
      expect(countWindow(w)).toEqual({ calls: live.length, failures: live.filter((x) => x.reasons.length > 0).length, anomalies: live.filter((x) => x.reasons.includes("anomaly")).length });
      expect(w.failures.map((f) => f.recordId)).toEqual(live.filter((x) => x.reasons.length > 0).map((x) => x.id).slice(-MAX_NAMED_FAILURES));
      expect(w.buckets.map((b) => b.second)).toEqual([...w.buckets.map((b) => b.second)].sort((a, b) => a - b));
    }
  });

  it("does not count a record without a usable time", () => {
    expect(addOutcome(emptyWindow(), 10_000, Number.NaN, "x", ["anomaly"])).toEqual(emptyWindow());
  });
});
