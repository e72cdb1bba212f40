import { describe, expect, it } from "vitest";
import { buildAdjacency, hopNeighbourhood, linkInFocus } from "@/components/graph/focus-math.ts";
import { distanceToSegment, linkAt, linkSegment, nodeAt } from "@/components/graph/hit-math.ts";
import { BREAKER_STYLES, formatCountdown, linkWidthScale, lockKind, nodeBadges } from "@/components/graph/style-math.ts";
import { boundsOf, centreOn, clampZoom, fitTransform, toGraph, toScreen } from "@/components/graph/zoom-math.ts";
import { labelMatcher } from "@/lib/api/graph-views.ts";
import { BREAKER_STATES } from "@/lib/engine/breaker/states.ts";

const chain = (n: number) => Array.from({ length: n - 1 }, (_, i) => ({ sender: `a${i}`, receiver: `a${i + 1}` }));

describe("link style", () => {
  it("gives every breaker state a distinct dash, icon and word, not only a colour", () => {
    const looks = BREAKER_STATES.map((s) => `${BREAKER_STYLES[s].dash.join(",")}|${BREAKER_STYLES[s].icon}`);
    expect(new Set(looks).size).toBe(BREAKER_STATES.length);
    expect(new Set(BREAKER_STATES.map((s) => BREAKER_STYLES[s].word)).size).toBe(BREAKER_STATES.length);
    expect(BREAKER_STYLES.OPEN.icon).toBe("circle-slash");
    expect(BREAKER_STYLES.CLOSED.dash).toEqual([]);
  });

  it("locks: broken beats hollow beats solid; no traffic, no lock", () => {
    expect(lockKind({ messages: 3, verified: 3, forgedOrReplayed: 0 })).toBe("solid");
    expect(lockKind({ messages: 3, verified: 2, forgedOrReplayed: 0 })).toBe("hollow");
    expect(lockKind({ messages: 3, verified: 2, forgedOrReplayed: 1 })).toBe("broken");
    expect(lockKind({ messages: 0, verified: 0, forgedOrReplayed: 0 })).toBeNull();
    expect(lockKind({ messages: Number.NaN, verified: 0, forgedOrReplayed: 0 })).toBeNull();
  });

  it("widths grow with traffic by area, clamp, and round to half pixels", () => {
    const w = linkWidthScale(10_000);
    expect(w(0)).toBe(1);
    expect(w(10_000)).toBe(7);
    expect(w(1e9)).toBe(7);
    expect(w(Number.NaN)).toBe(1);
    expect(w(2_500)).toBe(4);
    expect(w(100) * 2).toBe(Math.round(w(100) * 2));
    expect(linkWidthScale(0)(0)).toBe(1);
  });

  it("counts down to half-open", () => {
    const now = new Date("2026-11-21T12:00:00Z");
    expect(formatCountdown("2026-11-21T12:04:05Z", now)).toBe("half-open in 4m 05s");
    expect(formatCountdown("2026-11-21T12:00:09Z", now)).toBe("half-open in 9s");
    expect(formatCountdown("2026-11-21T14:30:00Z", now)).toBe("half-open in 2h 30m");
    expect(formatCountdown("2026-11-21T11:59:00Z", now)).toBe("half-open due");
    expect(formatCountdown(null, now)).toBeNull();
    expect(formatCountdown("nonsense", now)).toBeNull();
  });

  it("badges killed, unregistered and unattested agents", () => {
    expect(nodeBadges({ registered: true, attested: true, killed: false })).toEqual([]);
    expect(nodeBadges({ registered: true, attested: false, killed: false }).map((b) => b.word)).toEqual(["Unattested"]);
    expect(nodeBadges({ registered: false, attested: false, killed: true }).map((b) => b.word)).toEqual(["Killed", "Unregistered"]);
  });
});

describe("N-hop focus", () => {
  const adj = buildAdjacency([...chain(6), { sender: "x", receiver: "a2" }]);

  it("follows messages downstream, against them upstream, and both ways", () => {
    expect([...hopNeighbourhood(adj, "a2", 2, "down").entries()]).toEqual([["a2", 0], ["a3", 1], ["a4", 2]]);
    expect(new Map(hopNeighbourhood(adj, "a2", 1, "up"))).toEqual(new Map([["a2", 0], ["a1", 1], ["x", 1]]));
    expect([...hopNeighbourhood(adj, "a2", 1, "both").keys()].sort()).toEqual(["a1", "a2", "a3", "x"]);
  });

  it("handles cycles, zero and silly hop counts, and unknown agents", () => {
    const loop = buildAdjacency([{ sender: "a", receiver: "b" }, { sender: "b", receiver: "a" }, { sender: "a", receiver: "a" }]);
    expect(hopNeighbourhood(loop, "a", 5, "down")).toEqual(new Map([["a", 0], ["b", 1]]));
    expect(hopNeighbourhood(adj, "a2", 0, "both").size).toBe(1);
    expect(hopNeighbourhood(adj, "a2", Number.NaN, "both").size).toBe(1);
    expect(hopNeighbourhood(adj, "nobody", 3, "both")).toEqual(new Map([["nobody", 0]]));
  });

  it("walks a 100,000-long chain without recursion", () => {
    const long = buildAdjacency(chain(100_000));
    expect(hopNeighbourhood(long, "a0", 1e9, "down").size).toBe(100_000);
  });

  it("keeps links whose both ends are in focus", () => {
    const d = hopNeighbourhood(adj, "a2", 1, "down");
    expect(linkInFocus({ sender: "a2", receiver: "a3" }, d)).toBe(true);
    expect(linkInFocus({ sender: "a1", receiver: "a2" }, d)).toBe(false);
  });
});

describe("label filter", () => {
  it("matches name=value, a bare name, and values holding '='", () => {
    expect(labelMatcher("team=travel")({ team: "travel" })).toBe(true);
    expect(labelMatcher("team=travel")({ team: "ops" })).toBe(false);
    expect(labelMatcher("team")({ team: "ops" })).toBe(true);
    expect(labelMatcher("team")({})).toBe(false);
    expect(labelMatcher("expr=a=b")({ expr: "a=b" })).toBe(true);
    expect(labelMatcher(undefined)({})).toBe(true);
    expect(labelMatcher("constructor")({})).toBe(false);
  });
});

describe("hit-testing", () => {
  it("measures distance to a segment, including its ends and a zero-length one", () => {
    expect(distanceToSegment(5, 3, 0, 0, 10, 0)).toBe(3);
    expect(distanceToSegment(-3, 4, 0, 0, 10, 0)).toBe(5);
    expect(distanceToSegment(1, 1, 0, 0, 0, 0)).toBeCloseTo(Math.SQRT2);
  });

  it("trims links to the node rims and offsets a pair to the right of its direction", () => {
    expect(linkSegment(0, 0, 100, 0, 10, 5, 0)).toEqual([10, 0, 95, 0]);
    const [, y0, , y1] = linkSegment(0, 0, 100, 0, 0, 0, 3)!;
    expect([y0, y1]).toEqual([3, 3]);
    const back = linkSegment(100, 0, 0, 0, 0, 0, 3)!;
    expect(back[1]).toBe(-3);
    expect(linkSegment(0, 0, 5, 0, 4, 4, 0)).toBeNull();
  });

  it("finds the topmost node under the point, and the nearest link within tolerance", () => {
    const nodes = [{ x: 0, y: 0, r: 10 }, null, { x: 5, y: 0, r: 10 }];
    expect(nodeAt(nodes, 4, 0)).toBe(2);
    expect(nodeAt(nodes, -11, 0)).toBe(0);
    expect(nodeAt(nodes, 100, 100)).toBeNull();
    const segs: ([number, number, number, number] | null)[] = [[0, 0, 100, 0], null, [0, 10, 100, 10]];
    expect(linkAt(segs, 50, 2)).toBe(0);
    expect(linkAt(segs, 50, 8)).toBe(2);
    expect(linkAt(segs, 50, 40)).toBeNull();
  });
});

describe("zoom transforms", () => {
  it("round-trips screen and graph coordinates", () => {
    const t = { k: 2, x: 10, y: -5 };
    expect(toGraph(t, ...toScreen(t, 3, 4))).toEqual([3, 4]);
  });

  it("fits bounds in the view with padding, never past 2x, and copes with nothing", () => {
    const b = boundsOf([{ x: -100, y: -50 }, { x: 100, y: 50 }, { x: Number.NaN, y: 0 }])!;
    expect(b).toEqual({ x0: -100, y0: -50, x1: 100, y1: 50 });
    const t = fitTransform(b, 480, 400, 40);
    expect(t.k).toBe(2);
    expect(toScreen(t, 0, 0)).toEqual([240, 200]);
    expect(fitTransform(b, 2_040, 140, 20).k).toBe(1);
    expect(boundsOf([])).toBeNull();
    expect(fitTransform(null, 200, 100)).toEqual({ k: 1, x: 100, y: 50 });
    expect(clampZoom(1e9)).toBe(8);
    expect(clampZoom(Number.NaN)).toBe(1);
    expect(centreOn({ k: 2, x: 0, y: 0 }, 10, 10, 100, 100)).toEqual({ k: 2, x: 30, y: 30 });
  });
});
