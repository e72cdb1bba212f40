// LocalPolicy is what tests and the simulator drive today; PolicySnapshot's
// schema is what the control plane's documents will be parsed with.
import { describe, expect, it } from "vitest";
import { DEFAULT_CAPS, LocalPolicy, PolicySnapshot, type PolicyStatus } from "@/lib/guard/policy.ts";
import { makeSignedRecord } from "../../fixtures/records.ts";

describe("LocalPolicy", () => {
  it("starts open: nothing killed, no breakers, default caps, fresh", () => {
    const p = new LocalPolicy();
    expect(p.current()).toEqual({ version: 0, killAll: false, killedAgents: [], killedEdges: [], killedLabels: [], breakers: {}, caps: DEFAULT_CAPS, approvals: {}, quarantinedKeys: [] });
    expect(DEFAULT_CAPS).toEqual({ maxFanOut: 3, maxChainDepth: 5 });
    expect(p.status()).toBe("fresh");
  });

  it("every change is a new frozen snapshot with the next version, told to subscribers", () => {
    const p = new LocalPolicy();
    const seen: [number, PolicyStatus][] = [];
    const stop = p.subscribe((s, status) => seen.push([s.version, status]));
    const first = p.current();
    p.kill("a");
    p.kill("a");
    p.setBreaker("a", "b", "OPEN");
    p.setStatus("stale");
    p.setStatus("stale");
    stop();
    p.revive("a");
    expect(seen).toEqual([
      [1, "fresh"],
      [2, "fresh"],
      [3, "fresh"],
      [3, "stale"],
    ]);
    expect(first.killedAgents).toEqual([]);
    expect(Object.isFrozen(p.current())).toBe(true);
    expect(Object.isFrozen(p.current().breakers)).toBe(true);
    expect(p.current().killedAgents).toEqual([]);
  });

  it("CLOSED removes a breaker; caps merge; approvals and denials are kept by action id", () => {
    const p = new LocalPolicy({ caps: { maxFanOut: 10 } });
    expect(p.current().caps).toEqual({ maxFanOut: 10, maxChainDepth: 5 });
    p.setBreaker("a", "b", "FORCED_OPEN");
    p.setBreaker("a", "b", "CLOSED");
    expect(p.current().breakers).toEqual({});
    p.setCaps({ maxChainDepth: 2 });
    expect(p.current().caps).toEqual({ maxFanOut: 10, maxChainDepth: 2 });
    const rec = makeSignedRecord({ kind: "approval", agent: "approver.alice" });
    p.approve("act-1", rec);
    p.deny("act-2", "approver.alice", "no");
    expect(p.current().approvals).toEqual({ "act-1": { decision: "approved", record: rec }, "act-2": { decision: "denied", by: "approver.alice", reason: "no" } });
  });

  it("replace() installs a whole document; the version never goes back", () => {
    const p = new LocalPolicy();
    p.kill("x");
    p.kill("y");
    p.replace({ ...p.current(), version: 0, killedAgents: ["z"] });
    expect(p.current()).toMatchObject({ version: 3, killedAgents: ["z"] });
  });
});

describe("PolicySnapshot schema", () => {
  it("parses the JSON of a snapshot back into an equal snapshot (what the control plane will send)", () => {
    const p = new LocalPolicy();
    p.killLabel("team=pricing");
    p.killEdge("a", "b");
    p.setBreaker("b", "c", "HALF_OPEN");
    p.approve("act-1", makeSignedRecord({ kind: "approval", agent: "approver.alice" }));
    const parsed = PolicySnapshot.parse(JSON.parse(JSON.stringify(p.current())));
    expect(parsed).toEqual(p.current());
    const replica = new LocalPolicy();
    replica.replace(parsed);
    expect(replica.current().breakers).toEqual({ "b->c": "HALF_OPEN" });
  });

  it("refuses a document with an unknown breaker state or a negative cap", () => {
    const base = JSON.parse(JSON.stringify(new LocalPolicy().current())) as Record<string, unknown>;
    expect(PolicySnapshot.safeParse({ ...base, breakers: { "a->b": "AJAR" } }).success).toBe(false);
    expect(PolicySnapshot.safeParse({ ...base, caps: { maxFanOut: -1, maxChainDepth: 5 } }).success).toBe(false);
    expect(PolicySnapshot.safeParse({ ...base, approvals: { x: { decision: "maybe" } } }).success).toBe(false);
  });
});
