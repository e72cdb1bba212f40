import { describe, expect, it } from "vitest";
import { graphViewSearch, parseEdgeParam, parseGraphView } from "@/components/graph/graph-url.ts";
import { createLayout, seedPositions, startAlpha } from "@/components/graph/layout-math.ts";
import { nextReplayAt, sliderAt, sliderValue } from "@/components/graph/replay-math.ts";
import { prepareScene } from "@/components/graph/scene.ts";
import type { GraphResponse } from "@/lib/api/graph-views.ts";

const params = (s: string) => new URLSearchParams(s);

describe("view state in the URL", () => {
  it("round-trips a full view and drops defaults", () => {
    const v = parseGraphView(params("window=7d&at=2026-11-21T09:30:00Z&label=team%3Dtravel&agent=planner&hops=2&dir=down&breaker=FORCED_OPEN"));
    expect(v).toEqual({ window: "7d", at: "2026-11-21T09:30:00.000Z", label: "team=travel", agent: "planner", edge: null, hops: 2, dir: "down", breaker: "FORCED_OPEN" });
    expect(parseGraphView(params(graphViewSearch(v).slice(1)))).toEqual(v);
    expect(graphViewSearch(parseGraphView(params("")))).toBe("");
  });

  it("falls back on nonsense instead of breaking a shared link", () => {
    expect(parseGraphView(params("window=2y&at=yesterday&hops=9&dir=sideways&breaker=AJAR"))).toMatchObject({ window: "24h", at: null, hops: null, dir: "both", breaker: null });
    expect(graphViewSearch({ ...parseGraphView(params("")), hops: 3 })).toBe("");
  });

  it("parses edges whose ids hold dashes", () => {
    expect(parseEdgeParam("rogue-agent->executor")).toEqual(["rogue-agent", "executor"]);
    expect(parseEdgeParam("->x")).toBeNull();
    expect(parseEdgeParam("x->")).toBeNull();
  });
});

describe("replay slider", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("maps live to 1 and back, and steps forward until now", () => {
    expect(sliderValue(null, now)).toBe(1);
    expect(sliderAt(1, now)).toBeNull();
    expect(sliderAt(0.5, now)).toBe("2026-11-18T00:00:00.000Z");
    expect(sliderValue("2026-11-18T00:00:00.000Z", now)).toBe(0.5);
    expect(nextReplayAt("2026-11-21T10:00:00.000Z", "24h", now)).toBe("2026-11-21T11:00:00.000Z");
    expect(nextReplayAt("2026-11-21T11:30:00.000Z", "24h", now)).toBeNull();
  });
});

describe("layout", () => {
  const ids = Array.from({ length: 50 }, (_, i) => `a${i}`);
  const links = ids.slice(1).map((_, i) => [i, i + 1] as const);

  it("is deterministic, keeps known positions as seeds, and places new nodes by a neighbour", () => {
    const a = createLayout({ ids, links, known: {} });
    while (a.step(20));
    const b = createLayout({ ids, links, known: {} });
    while (b.step(20));
    expect([...a.positions()]).toEqual([...b.positions()]);
    const known = { a0: { x: 500, y: 500 } };
    const seeds = seedPositions({ ids: ["a0", "a1"], links: [[0, 1]], known });
    expect(seeds[0]).toEqual({ x: 500, y: 500 });
    expect(Math.hypot(seeds[1]!.x - 500, seeds[1]!.y - 500)).toBeCloseTo(28);
  });

  it("does nothing when every node is known, and little for one newcomer", () => {
    const known = Object.fromEntries(ids.map((id, i) => [id, { x: i, y: i }]));
    expect(startAlpha({ ids, links, known })).toBe(0);
    expect(createLayout({ ids, links, known }).step(10)).toBe(false);
    expect(startAlpha({ ids: [...ids, "new"], links, known })).toBeLessThan(0.2);
    expect(startAlpha({ ids: [], links: [], known: {} })).toBe(0);
  });
});

describe("scene", () => {
  const link = (sender: string, receiver: string, state: "CLOSED" | "OPEN" = "CLOSED", messages = 1) => ({
    sender,
    receiver,
    messages,
    verified: messages,
    unverified: 0,
    forgedOrReplayed: 0,
    lastSeen: null,
    breaker: { state, since: null, openUntil: null, awaitingReview: false, reason: null },
  });
  const node = (id: string) => ({ id, displayName: null, registered: true, attested: true, killed: false, labels: {}, sent: 1, received: 1 });
  const data: GraphResponse = {
    from: "2026-11-21T00:00:00.000Z",
    to: "2026-11-21T12:00:00.000Z",
    replay: false,
    labelValues: {},
    nodes: ["a", "b", "c", "d"].map(node),
    links: [link("a", "b", "OPEN", 5), link("b", "a"), link("b", "c"), link("c", "d"), link("a", "ghost")],
  };
  const none = { agent: null, edge: null, hops: null, dir: "both" as const };

  it("draws the worst states last, pairs two-way links, and skips links to unknown agents", () => {
    const s = prepareScene(data, none);
    expect(s.links).toHaveLength(4);
    expect(s.links.at(-1)?.style.state).toBe("OPEN");
    expect(s.links.find((l) => l.data.sender === "a")?.paired).toBe(true);
    expect(s.links.find((l) => l.data.sender === "c")?.paired).toBe(false);
  });

  it("hides agents outside a focus and dims those outside a plain selection", () => {
    const focused = prepareScene(data, { ...none, agent: "b", hops: 1, dir: "down" });
    expect(focused.nodes.filter((n) => n.shown).map((n) => n.data.id)).toEqual(["a", "b", "c"]);
    expect(focused.shownNodes).toBe(3);
    const selected = prepareScene(data, { ...none, agent: "a" });
    expect(selected.nodes.filter((n) => n.dim).map((n) => n.data.id)).toEqual(["c", "d"]);
    expect(selected.nodes.find((n) => n.data.id === "a")?.selected).toBe(true);
  });
});
