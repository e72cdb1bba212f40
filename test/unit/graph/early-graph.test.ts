import { afterEach, describe, expect, it } from "vitest";
import { earlyGraphScript } from "@/components/graph/early-graph-script.ts";
import { EARLY_GRAPH_CANVAS_ID, EARLY_GRAPH_MARK, GRAPH_POSITIONS_KEY, takeEarlyGraph } from "@/components/graph/early-graph.ts";
import { seedPositions } from "@/components/graph/layout-math.ts";
import { boundsOf, fitTransform } from "@/components/graph/zoom-math.ts";
import { toGraphColumns } from "@/lib/api/graph-columns.ts";
import { graphAnswer, graphBreaker, graphLink, graphNode } from "../../fixtures/graph-answer.ts";

// The graph page's inline script, run from its text (as the browser does) in a
// stand-in for the browser: a canvas that records what is drawn on it.

interface Drawn {
  arcs: { x: number; y: number; r: number }[];
  strokes: { colour: string; dash: number[]; lines: number }[];
}

const COLOURS: Record<string, string> = { "--fb-neutral": "grey", "--fb-bad": "red", "--fb-warn": "amber", "--fb-info": "blue", "--fb-panel": "white", "--fb-muted": "slate" };
const WIDTH = 800;
const HEIGHT = 500;

function fakeBrowser(answer: { ok: boolean; body: unknown }, stored: Record<string, [number, number]> | null = null) {
  const drawn: Drawn = { arcs: [], strokes: [] };
  let lines = 0;
  let dash: number[] = [];
  const ctx = {
    strokeStyle: "",
    fillStyle: "",
    lineWidth: 1,
    setTransform() {},
    clearRect() {},
    setLineDash(d: number[]) {
      dash = [...d];
    },
    beginPath() {
      lines = 0;
    },
    moveTo() {},
    lineTo() {
      lines++;
    },
    arc(x: number, y: number, r: number) {
      drawn.arcs.push({ x, y, r });
    },
    stroke() {
      drawn.strokes.push({ colour: ctx.strokeStyle, dash, lines });
    },
    fill() {},
  };
  const canvas = { isConnected: true, width: 0, height: 0, dataset: {} as Record<string, string>, getBoundingClientRect: () => ({ width: WIDTH, height: HEIGHT }), getContext: () => ctx };
  const requested: string[] = [];
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, {
    window: globalThis,
    devicePixelRatio: 1,
    document: { getElementById: (id: string) => (id === EARLY_GRAPH_CANVAS_ID ? canvas : null), querySelector: () => null },
    fetch: async (url: string) => {
      requested.push(url);
      return { ok: answer.ok, json: async () => answer.body };
    },
    requestAnimationFrame: (cb: (t: number) => void) => setTimeout(() => cb(0), 0),
    sessionStorage: { getItem: (key: string) => (key === GRAPH_POSITIONS_KEY && stored ? JSON.stringify(stored) : null) },
    getComputedStyle: () => ({ getPropertyValue: (name: string) => COLOURS[name] ?? "" }),
  });
  return { drawn, canvas, requested };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const node = (id: string, sent: number) => graphNode(id, { sent, received: 0 });
const link = (sender: string, receiver: string, state: "CLOSED" | "OPEN" | "HALF_OPEN" = "CLOSED") => graphLink(sender, receiver, { breaker: graphBreaker(state) });
const URL_ = "/api/v1/graph?window=24h&format=columns";

afterEach(() => {
  const g = globalThis as Record<string, unknown>;
  for (const name of ["window", "devicePixelRatio", "document", "fetch", "requestAnimationFrame", "sessionStorage", "getComputedStyle", "__fbEarlyGraph"]) delete g[name];
  performance.clearMarks(EARLY_GRAPH_MARK);
});

describe("the graph's early picture", () => {
  // The answer as the page asks for it (columns), with a self-link and a link pointing past the nodes, which are not drawn.
  const columns = toGraphColumns(
    graphAnswer(
      [node("planner", 40), node("executor", 10), node("rogue", 0), node("lonely", 1)],
      [link("planner", "executor"), link("rogue", "executor", "OPEN"), link("planner", "rogue", "HALF_OPEN"), link("rogue", "rogue")],
    ),
  );
  const L = columns.links;
  const body = { ...columns, links: { ...L, sender: [...L.sender, 0], receiver: [...L.receiver, 9], state: [...L.state, 0], messages: [...L.messages, 1] } };

  it("draws every agent where React's first frame will put it, and links in their breaker's colour, worst on top", async () => {
    const { drawn, canvas, requested } = fakeBrowser({ ok: true, body });
    new Function(earlyGraphScript(URL_))();
    await settle();
    expect(requested).toEqual([URL_]);
    expect(canvas.dataset.nodesDrawn).toBe("4");
    expect(Number(canvas.dataset.firstDrawMs)).toBeGreaterThanOrEqual(0);
    expect(performance.getEntriesByName(EARLY_GRAPH_MARK, "mark")).toHaveLength(1);
    // Same seeds and fit as use-graph-layout and GraphCanvas: links past the nodes and self-links are left out, as there.
    const seeds = seedPositions({ ids: body.nodes.map((n) => n.id), links: [[0, 1], [2, 1], [0, 2]], known: {} });
    const t = fitTransform(boundsOf(seeds), WIDTH, HEIGHT);
    expect(drawn.arcs.map((a) => [a.x, a.y])).toEqual(seeds.map((p) => [p.x * t.k + t.x, p.y * t.k + t.y]).map(([x, y]) => [expect.closeTo(x!, 6), expect.closeTo(y!, 6)]));
    // Radius by traffic, as nodeRadiusScale: the busiest 14 graph units, the quietest 5 (never under 2.5 px).
    expect(drawn.arcs[0]!.r).toBeCloseTo(Math.max(2.5, 14 * t.k), 6);
    expect(drawn.arcs[2]!.r).toBeCloseTo(Math.max(2.5, 5 * t.k), 6);
    const withLines = drawn.strokes.filter((s) => s.lines > 0);
    expect(withLines.map((s) => s.colour)).toEqual(["grey", "amber", "red"]);
    expect(withLines.map((s) => s.dash)).toEqual([[], [5, 4], [2, 4]]);
  });

  it("starts from the positions a previous layout left, as use-graph-layout does", async () => {
    const stored: Record<string, [number, number]> = { planner: [100, 100], executor: [300, 100], rogue: [100, 300], lonely: [300, 300] };
    const { drawn } = fakeBrowser({ ok: true, body }, stored);
    new Function(earlyGraphScript(URL_))();
    await settle();
    const t = fitTransform({ x0: 100, y0: 100, x1: 300, y1: 300 }, WIDTH, HEIGHT);
    expect(drawn.arcs.map((a) => [Math.round(a.x), Math.round(a.y)])).toEqual(Object.values(stored).map(([x, y]) => [Math.round(x * t.k + t.x), Math.round(y * t.k + t.y)]));
  });

  it("waits for the placeholder when the answer comes before it is on screen, and gives way to React's canvas", async () => {
    const { drawn, canvas } = fakeBrowser({ ok: true, body });
    let size = 0;
    canvas.getBoundingClientRect = () => ({ width: size, height: size && HEIGHT });
    new Function(earlyGraphScript(URL_))();
    await settle();
    expect(drawn.arcs).toHaveLength(0);
    size = WIDTH;
    await settle();
    expect(drawn.arcs).toHaveLength(4);

    const late = fakeBrowser({ ok: true, body });
    late.canvas.getBoundingClientRect = () => ({ width: 0, height: 0 });
    let react = false;
    (globalThis as { document: { querySelector: (s: string) => unknown } }).document.querySelector = (selector: string) => (react && selector === '[data-testid="graph-canvas"]' ? {} : null);
    new Function(earlyGraphScript(URL_))();
    await settle();
    react = true;
    await settle();
    late.canvas.getBoundingClientRect = () => ({ width: WIDTH, height: HEIGHT });
    await settle();
    expect(late.drawn.arcs).toHaveLength(0);
  });

  it("hands its answer to the graph query once, and only for the same request", async () => {
    fakeBrowser({ ok: true, body });
    new Function(earlyGraphScript(URL_))();
    expect(takeEarlyGraph("/api/v1/graph?window=1h&format=columns")).toBeNull();
    await expect(takeEarlyGraph(URL_)).resolves.toEqual(body);
    expect(takeEarlyGraph(URL_)).toBeNull();
    await settle();
  });

  it("draws nothing and hands over nothing when the server refused (the query asks again and shows the error)", async () => {
    const { drawn, canvas } = fakeBrowser({ ok: false, body: { error: { message: "sign in" } } });
    new Function(earlyGraphScript(URL_))();
    await settle();
    expect(drawn.arcs).toHaveLength(0);
    expect(canvas.dataset.firstDrawMs).toBeUndefined();
    await expect(takeEarlyGraph(URL_)).resolves.toBeNull();
  });

  it("leaves an empty graph to React, and keeps a '<' in the URL from closing the script", async () => {
    const { drawn } = fakeBrowser({ ok: true, body: toGraphColumns(graphAnswer([], [])) });
    new Function(earlyGraphScript(URL_))();
    await settle();
    expect(drawn.arcs).toHaveLength(0);
    expect(earlyGraphScript("/api/v1/graph?label=</script><script>alert(1)")).not.toContain("</script>");
  });
});
