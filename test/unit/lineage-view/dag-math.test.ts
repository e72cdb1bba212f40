import { describe, expect, it } from "vitest";
import { layoutDag, type DagEdgeInput, type DagNodeInput } from "@/components/lineage/dag-math.ts";
import { agentFocusHref, lineageModel, windowFor } from "@/components/lineage/lineage-model.ts";
import { parseGraphView } from "@/components/graph/graph-url.ts";
import type { BlastRadiusView, OriginView } from "@/lib/api/engine-views.ts";

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

// Fixture factories: a clean descendant by default.
const node = (id: string, over: Partial<DagNodeInput> = {}): DagNodeInput => ({
  id,
  agent: "agent-a",
  ts: T0,
  kind: "message",
  actionClass: null,
  role: "descendant",
  flagged: false,
  tainted: false,
  ...over,
});
const edge = (parent: string, child: string, kind = "parent"): DagEdgeInput => ({ parent, child, kind });

describe("layoutDag", () => {
  it("lays out nothing as an empty drawing with no time axis", () => {
    const l = layoutDag([], [], { width: 800 });
    expect(l.nodes).toEqual([]);
    expect(l.lanes).toEqual([]);
    expect(l.domain).toBeNull();
    expect(l.ticks).toEqual([]);
    expect(l.edges).toEqual([]);
  });

  it("places one record inside the plot, with a widened time domain", () => {
    const l = layoutDag([node("a", { role: "start" })], [], { width: 800 });
    expect(l.nodes).toHaveLength(1);
    const n = l.nodes[0]!;
    expect(n.x).toBeGreaterThanOrEqual(l.x0);
    expect(n.x).toBeLessThanOrEqual(l.x1);
    expect(l.domain).toEqual([T0 - 1_000, T0 + 1_000]);
    expect(l.lanes).toHaveLength(1);
    expect(n.y).toBeGreaterThan(l.lanes[0]!.y);
    expect(n.y).toBeLessThan(l.lanes[0]!.y + l.lanes[0]!.height);
  });

  it("maps time to x left to right whatever order the records arrive in", () => {
    const l = layoutDag([node("c", { ts: T0 + 2_000 }), node("a", { ts: T0 }), node("b", { ts: T0 + 1_000 })], [], { width: 1000 });
    const x = Object.fromEntries(l.nodes.map((n) => [n.id, n.x]));
    expect(x.a).toBe(l.x0);
    expect(x.c).toBe(l.x1);
    expect(x.b).toBeCloseTo((l.x0 + l.x1) / 2, 6);
  });

  it("gives each agent a lane: the origin's first, then by first activity, records never stored last", () => {
    const l = layoutDag(
      [
        node("late", { agent: "zed", ts: T0 + 5_000 }),
        node("ghost", { agent: null, ts: null }),
        node("early", { agent: "bob", ts: T0 }),
        node("o", { agent: "mallory", ts: T0 + 3_000, role: "origin", flagged: true, tainted: true }),
      ],
      [],
      { width: 900 },
    );
    expect(l.lanes.map((lane) => lane.agent)).toEqual(["mallory", "bob", "zed", null]);
    for (let i = 1; i < l.lanes.length; i++) expect(l.lanes[i]!.y).toBeGreaterThanOrEqual(l.lanes[i - 1]!.y + l.lanes[i - 1]!.height);
    expect(l.lanes[0]).toMatchObject({ records: 1, flagged: 1, tainted: 1 });
  });

  it("stacks records with identical timestamps in sub-rows instead of drawing them on top of each other", () => {
    const same = ["a", "b", "c"].map((id) => node(id, { ts: T0 }));
    const l = layoutDag(same, [], { width: 800 });
    const ys = new Set(l.nodes.map((n) => n.y));
    expect(ys.size).toBe(3);
    expect(l.nodes.every((n) => !n.overlaps)).toBe(true);
    expect(new Set(l.nodes.map((n) => n.x)).size).toBe(1);
  });

  it("says which records overlap once a lane runs out of rows", () => {
    const same = Array.from({ length: 7 }, (_, i) => node(`n${i}`, { ts: T0 }));
    const l = layoutDag(same, [], { width: 800 });
    expect(l.nodes.filter((n) => n.overlaps)).toHaveLength(3);
    // The lane is as tall as its rows, no taller.
    expect(new Set(l.nodes.map((n) => n.y)).size).toBe(4);
  });

  it("draws edges from parent to child and marks one that runs back in time", () => {
    const l = layoutDag([node("p", { ts: T0 + 5_000 }), node("c", { ts: T0 })], [edge("p", "c")], { width: 800 });
    expect(l.edges).toHaveLength(1);
    const e = l.edges[0]!;
    expect(e).toMatchObject({ from: "p", to: "c", backwards: true, cycle: false });
    expect(e.x1).toBeGreaterThan(e.x2);
  });

  it("marks the edges of a cycle (a forged parent) and still terminates", () => {
    const nodes = [node("a", { ts: T0 }), node("b", { ts: T0 + 1_000 }), node("c", { ts: T0 + 2_000 }), node("d", { ts: T0 + 3_000 })];
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d"), edge("d", "d")];
    const l = layoutDag(nodes, edges, { width: 800 });
    const byPair = Object.fromEntries(l.edges.map((e) => [`${e.from}>${e.to}`, e.cycle]));
    expect(byPair).toEqual({ "a>b": true, "b>c": true, "c>a": true, "c>d": false, "d>d": true });
    expect(l.cycleEdges).toBe(4);
  });

  it("ignores edges whose ends are not drawn and duplicate edges", () => {
    const l = layoutDag([node("a"), node("b", { ts: T0 + 1 })], [edge("a", "b"), edge("a", "b"), edge("x", "b")], { width: 800 });
    expect(l.edges).toHaveLength(1);
    expect(l.edges[0]!.count).toBe(1);
  });

  it("keeps one node per id, with the strongest role", () => {
    const l = layoutDag([node("a", { role: "descendant" }), node("a", { role: "origin", flagged: true })], [], { width: 800 });
    expect(l.nodes).toHaveLength(1);
    expect(l.nodes[0]).toMatchObject({ role: "origin", flagged: true });
  });

  it("aggregates 10,000 records into buckets, keeps the path and flagged records, and counts every record exactly", () => {
    const agents = ["planner", "buyer", "pricer", "logger", "ledger"];
    const nodes: DagNodeInput[] = [node("origin", { agent: "mallory", role: "origin", flagged: true, tainted: true })];
    const edges: DagEdgeInput[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = `r${i}`;
      // Deterministic spread; every 997th is flagged on its own.
      nodes.push(node(id, { agent: agents[i % agents.length]!, ts: T0 + ((i * 7919) % 3_600_000), tainted: i % 3 !== 0, flagged: i % 997 === 0, kind: i % 10 === 0 ? "action" : "message" }));
      edges.push(edge(i === 0 ? "origin" : `r${Math.floor(i / 2)}`, id));
    }
    const started = performance.now();
    const l = layoutDag(nodes, edges, { width: 1200 });
    const ms = performance.now() - started;
    expect(l.aggregated).toBe(true);
    const individual = new Set(l.nodes.map((n) => n.id));
    expect(individual.has("origin")).toBe(true);
    for (let i = 0; i < 10_000; i += 997) expect(individual.has(`r${i}`)).toBe(true);
    expect(l.nodes.length).toBeLessThanOrEqual(400);
    const bucketed = l.buckets.reduce((s, b) => s + b.count, 0);
    expect(bucketed + l.nodes.length).toBe(10_001);
    expect(l.lanes.reduce((s, lane) => s + lane.records, 0)).toBe(10_001);
    expect(l.itemOf.size).toBe(10_001);
    expect(l.buckets.length).toBeLessThan(400);
    expect(l.edges.length).toBeLessThanOrEqual(2_500);
    expect(l.edges.length + l.hiddenEdges).toBeGreaterThan(0);
    // Every bucket lies inside the plot and holds only records of its time range.
    for (const b of l.buckets) {
      expect(b.x0).toBeGreaterThanOrEqual(l.x0 - 1e-6);
      expect(b.x1).toBeLessThanOrEqual(l.x1 + 1e-6);
      expect(b.from).toBeLessThanOrEqual(b.to);
    }
    // Generous: the check is that it is not quadratic, on a machine shared with other work.
    expect(ms).toBeLessThan(5_000);
  });

  it("draws a lane of a few records one by one even when the rest are bucketed", () => {
    const nodes: DagNodeInput[] = [node("o", { agent: "intake", role: "origin", flagged: true })];
    nodes.push(node("t", { agent: "triage", ts: T0 + 10 }));
    for (let i = 0; i < 500; i++) nodes.push(node(`b${i}`, { agent: "busy", ts: T0 + 100 + i }));
    const l = layoutDag(nodes, [], { width: 1000, maxIndividual: 100 });
    const individual = new Set(l.nodes.map((n) => n.id));
    expect(individual.has("t")).toBe(true);
    // The busy lane is all buckets: never half drawn one by one.
    expect([...individual].some((id) => id.startsWith("b"))).toBe(false);
    expect(l.buckets.reduce((s, b) => s + b.count, 0)).toBe(500);
  });

  it("never produces NaN coordinates for records without a time", () => {
    const l = layoutDag([node("a", { ts: null, agent: null }), node("b", { ts: Number.NaN })], [edge("a", "b")], { width: Number.NaN });
    for (const n of l.nodes) {
      expect(Number.isFinite(n.x)).toBe(true);
      expect(Number.isFinite(n.y)).toBe(true);
    }
    expect(l.domain).toBeNull();
  });
});

const iso = (ms: number) => new Date(ms).toISOString();
const report = (id: string, agent: string, at: number, over: Record<string, unknown> = {}) => ({
  id,
  stored: true,
  kind: "message",
  agent,
  ts: iso(T0 + at),
  actionClass: null,
  flagged: false,
  reasons: [] as { kind: string; detail: string }[],
  ...over,
});

describe("lineageModel", () => {
  it("joins the origin path and the blast radius into one set of nodes and edges", () => {
    const origin: OriginView = {
      start: "m",
      startStored: true,
      tainted: true,
      origins: [{ ...report("o", "mallory", 0, { flagged: true, reasons: [{ kind: "verification", detail: "bad_signature" }] }), why: ["verification: bad_signature", "origin: nothing upstream of it is flagged"], because: "nothing_flagged_upstream" }],
      paths: [
        {
          origin: "o",
          hops: 1,
          steps: [
            { ...report("m", "planner", 1_000), why: ["derives from origin o, 1 hop up"], next: { kind: "parent", prov: "wasDerivedFrom" } },
            { ...report("o", "mallory", 0, { flagged: true, reasons: [{ kind: "verification", detail: "bad_signature" }] }), why: ["verification: bad_signature"], next: null },
          ],
        },
      ],
      flaggedUpstream: 1,
      visited: 2,
      missing: [],
      truncated: [],
    };
    const blast = {
      starts: [report("m", "planner", 1_000)],
      startTainted: true,
      descendants: [{ ...report("a", "buyer", 2_000, { kind: "action", actionClass: "red" }), depth: 1, via: { parent: "m", kind: "parent", prov: "wasDerivedFrom" }, tainted: true, taintedBy: "m", why: ["downstream of start m"] }],
      counts: { total: 1, messages: 0, stateVersions: 0, stateReads: 0, actions: 1, redActions: 1, requests: 0, approvals: 0, unstored: 0, tainted: 1 },
      byAgent: [{ agent: "buyer", records: 1, tainted: 1, decisions: 1, taintedDecisions: 1 }],
      decisions: { total: 1, tainted: 1, share: 1 },
      time: { first: iso(T0 + 2_000), last: iso(T0 + 2_000), spanMs: 0, lastAfterStartMs: 1_000 },
      visited: 2,
      truncated: [],
      upstreamOrigins: ["o"],
    } satisfies BlastRadiusView;
    const m = lineageModel(origin, blast);
    const roles = Object.fromEntries(m.nodes.map((n) => [n.id, n.role]));
    expect(roles).toEqual({ m: "start", o: "origin", a: "descendant" });
    expect(m.edges).toEqual([
      { child: "m", parent: "o", kind: "parent" },
      { child: "a", parent: "m", kind: "parent" },
    ]);
    expect(m.reasons.get("o")).toEqual([{ kind: "verification", detail: "bad_signature" }]);
    expect(m.why.get("a")).toEqual(["downstream of start m"]);
    const l = layoutDag(m.nodes, m.edges, { width: 900 });
    expect(l.lanes[0]!.agent).toBe("mallory");
    expect(l.edges.every((e) => e.tainted)).toBe(true);
  });

  it("still shows the record asked about when both answers are missing", () => {
    expect(lineageModel(null, null).nodes).toEqual([]);
  });
});

describe("links out of the lineage view", () => {
  it("focuses the agent graph on the origin agent, in a window that still holds it", () => {
    const now = T0;
    expect(windowFor(now - 5 * 60_000, now)).toBe("1h");
    expect(windowFor(now - 5 * 3_600_000, now)).toBe("24h");
    expect(windowFor(now - 3 * 86_400_000, now)).toBe("7d");
    expect(windowFor(null, now)).toBe("24h");
    const href = agentFocusHref("rogue-agent", "7d");
    const view = parseGraphView(new URL(href, "http://x").searchParams);
    expect(href.startsWith("/graph?")).toBe(true);
    expect(view).toMatchObject({ agent: "rogue-agent", hops: 1, window: "7d", dir: "both" });
  });
});
