import { describe, expect, it } from "vitest";
import {
  barPosition,
  buildSpanTree,
  collapseAtDepth,
  formatDuration,
  indentPx,
  moveFocus,
  orphanReason,
  revealSpan,
  chunkWindow,
  scrollToRow,
  timeTicks,
  toggleCollapsed,
  visibleRows,
  type SpanInput,
} from "@/components/waterfall/waterfall-math.ts";
import { TraceView, TraceViewForBrowser } from "@/lib/api/trace-views.ts";
import { formatInstantMs, nsToMs, prettyPayload, spanTone, worstVerdict } from "@/components/waterfall/span-format.ts";

// Fixture factories: spans as [id, parent, start, end] rows, or generated shapes.
const spans = (rows: [string, string | null, number, number][]): SpanInput => ({
  ids: rows.map((r) => r[0]),
  parents: rows.map((r) => r[1]),
  starts: rows.map((r) => r[2]),
  ends: rows.map((r) => r[3]),
});

const chain = (n: number): SpanInput => ({
  ids: Array.from({ length: n }, (_, i) => `s${i}`),
  parents: Array.from({ length: n }, (_, i) => (i === 0 ? null : `s${i - 1}`)),
  starts: Float64Array.from({ length: n }, (_, i) => i),
  ends: Float64Array.from({ length: n }, (_, i) => n + 1 - i),
});

/** Span i's parent is span floor(i / fanout), with start times shuffled by a seeded generator. */
function wideTree(n: number, fanout: number, seed = 7): SpanInput {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const starts = Float64Array.from({ length: n }, (_, i) => i * 10 + Math.floor(random() * 5_000));
  return {
    ids: Array.from({ length: n }, (_, i) => `s${i}`),
    parents: Array.from({ length: n }, (_, i) => (i === 0 ? null : `s${Math.floor(i / fanout)}`)),
    starts,
    ends: starts.map((s) => s + 100),
  };
}

const names = (input: SpanInput, order: ArrayLike<number>): string[] => Array.from(order, (i) => input.ids[i]!);

describe("buildSpanTree", () => {
  it("orders depth first, siblings by start, whatever order the spans came in", () => {
    const input = spans([
      ["c2", "b", 30, 40],
      ["a", null, 0, 100],
      ["b", "a", 10, 50],
      ["c1", "b", 20, 25],
      ["d", "a", 60, 90],
    ]);
    const tree = buildSpanTree(input);
    expect(names(input, tree.order)).toEqual(["a", "b", "c1", "c2", "d"]);
    expect(Array.from(tree.order, (i) => tree.depth[i])).toEqual([0, 1, 2, 2, 1]);
    expect(tree.subtreeSize[1]).toBe(5);
    expect(tree.subtreeSize[2]).toBe(3);
    expect(tree.maxDepth).toBe(2);
  });

  it("makes a span whose parent is missing a root, marked, in start order among the roots", () => {
    const input = spans([
      ["late", "gone", 50, 60],
      ["root", null, 0, 100],
      ["self", "self", 70, 71],
    ]);
    const tree = buildSpanTree(input);
    expect(names(input, tree.roots)).toEqual(["root", "late", "self"]);
    expect(orphanReason(tree, 0)).toBe("missing");
    expect(orphanReason(tree, 2)).toBe("missing");
    expect(orphanReason(tree, 1)).toBeNull();
  });

  it("breaks a parent cycle at its earliest span and keeps everything hanging below it", () => {
    const input = spans([
      ["x", "z", 20, 30],
      ["y", "x", 10, 30],
      ["z", "y", 30, 40],
      ["below", "z", 35, 36],
      ["r", null, 0, 1],
    ]);
    const tree = buildSpanTree(input);
    expect(tree.order).toHaveLength(5);
    expect(new Set(tree.order).size).toBe(5);
    expect(orphanReason(tree, 1)).toBe("cycle");
    // y is cut loose; z hangs below it, and x (start 20) below z before "below" (start 35).
    expect(names(input, tree.order)).toEqual(["r", "y", "z", "x", "below"]);
  });

  it("attaches children to the first of several spans sharing an id", () => {
    const input = spans([
      ["p", null, 0, 10],
      ["p", null, 1, 10],
      ["c", "p", 2, 3],
    ]);
    const tree = buildSpanTree(input);
    expect(tree.parent[2]).toBe(0);
    expect(names(input, tree.order)).toEqual(["p", "c", "p"]);
  });

  it("handles an empty trace", () => {
    const tree = buildSpanTree(spans([]));
    expect(tree.count).toBe(0);
    expect(visibleRows(tree, new Set()).rows).toHaveLength(0);
  });

  it("lays out a 100,000-deep chain without recursion", () => {
    const n = 100_000;
    const input = chain(n);
    const tree = buildSpanTree(input);
    expect(tree.maxDepth).toBe(n - 1);
    expect(tree.order[n - 1]).toBe(n - 1);
    expect(tree.subtreeSize[0]).toBe(n);
    const collapsed = new Set([50_000]);
    expect(visibleRows(tree, collapsed).rows).toHaveLength(50_001);
    const revealed = revealSpan(tree, collapsed, n - 1);
    expect(revealed.has(50_000)).toBe(false);
  });

  it("lays out 100,000 spans in a wide tree completely", () => {
    const n = 100_000;
    const input = wideTree(n, 4);
    const tree = buildSpanTree(input);
    const rows = visibleRows(tree, new Set());
    expect(rows.rows).toHaveLength(n);
    expect(new Set(rows.rows).size).toBe(n);
    // Every child after its parent, siblings by start.
    let misplaced = 0;
    for (let r = 1; r < n; r++) if (rows.rowOf[tree.parent[rows.rows[r]!]!]! >= r) misplaced++;
    let unsorted = 0;
    for (let i = 0; i < n; i++) {
      for (let c = tree.childStart[i]! + 1; c < tree.childStart[i + 1]!; c++) {
        if (input.starts[tree.childList[c - 1]!]! > input.starts[tree.childList[c]!]!) unsorted++;
      }
    }
    expect({ misplaced, unsorted }).toEqual({ misplaced: 0, unsorted: 0 });
    const shape = collapseAtDepth(tree, 2);
    expect(visibleRows(tree, shape).rows).toHaveLength(1 + 3 + 12);
  });
});

describe("collapse and reveal", () => {
  const input = spans([
    ["a", null, 0, 100],
    ["b", "a", 10, 50],
    ["c", "b", 20, 25],
    ["d", "a", 60, 90],
  ]);
  const tree = buildSpanTree(input);

  it("hides a collapsed subtree and maps rows back to spans", () => {
    const collapsed = toggleCollapsed(new Set(), 1);
    const v = visibleRows(tree, collapsed);
    expect(names(input, v.rows)).toEqual(["a", "b", "d"]);
    expect(v.rowOf[2]).toBe(-1);
    expect(v.rowOf[3]).toBe(2);
    expect(toggleCollapsed(collapsed, 1).size).toBe(0);
  });

  it("reveals a span inside collapsed ancestors, leaving the set alone when nothing hides it", () => {
    const collapsed = new Set([0, 1]);
    expect([...revealSpan(tree, collapsed, 2)]).toEqual([]);
    const open = new Set<number>();
    expect(revealSpan(tree, open, 2)).toBe(open);
  });
});

describe("scrolling", () => {
  it("mounts the blocks of rows in view and one more each side", () => {
    // Blocks of 32 rows (896 px): the ones the view touches and one more each side.
    expect(chunkWindow(0, 600, 28, 100_000, 32)).toEqual({ first: 0, last: 1 });
    expect(chunkWindow(28 * 50_000, 600, 28, 100_000, 32)).toEqual({ first: 1561, last: 1564 });
    // The set stays while the view moves inside a block, so scrolling does not re-render.
    expect(chunkWindow(28 * 50_000 + 200, 600, 28, 100_000, 32)).toEqual(chunkWindow(28 * 50_000, 600, 28, 100_000, 32));
    expect(chunkWindow(1e12, 600, 28, 100, 32)).toEqual({ first: 3, last: 3 });
    expect(chunkWindow(Number.NaN, 600, 28, 100, 32)).toEqual({ first: 0, last: 1 });
    expect(chunkWindow(0, 600, 28, 0, 32)).toEqual({ first: 0, last: 0 });
    expect(chunkWindow(0, 600, 28, 10, 0)).toEqual({ first: 0, last: 0 });
  });

  it("scrolls a row into view only when it is out of view", () => {
    expect(scrollToRow(10, 0, 280, 28)).toBe(28);
    expect(scrollToRow(2, 280, 280, 28)).toBe(56);
    expect(scrollToRow(12, 280, 280, 28)).toBe(280);
  });

  it("moves keyboard focus within the rows", () => {
    expect(moveFocus("ArrowDown", 3, 10, 5)).toBe(4);
    expect(moveFocus("ArrowDown", 9, 10, 5)).toBe(9);
    expect(moveFocus("ArrowUp", 0, 10, 5)).toBe(0);
    expect(moveFocus("PageDown", 7, 10, 5)).toBe(9);
    expect(moveFocus("Home", 7, 10, 5)).toBe(0);
    expect(moveFocus("End", 0, 10, 5)).toBe(9);
    expect(moveFocus("x", 0, 10, 5)).toBeNull();
    expect(moveFocus("ArrowDown", 0, 0, 5)).toBeNull();
  });
});

describe("time scale", () => {
  it("places bars as fractions of the view, clamped, with a minimum width", () => {
    expect(barPosition(250, 500, 0, 1000)).toEqual({ left: 0.25, width: 0.25 });
    expect(barPosition(-100, 2000, 0, 1000)).toEqual({ left: 0, width: 1 });
    expect(barPosition(500, 500, 0, 1000, 0.002)).toEqual({ left: 0.5, width: 0.002 });
    expect(barPosition(600, 400, 0, 1000, 0.002)).toEqual({ left: 0.6, width: 0.002 });
    expect(barPosition(0, 0, 0, 0, 0.01).width).toBe(0.01);
    expect(barPosition(Number.NaN, 10, 0, 100).left).toBe(0);
  });

  it("labels ticks in the unit that reads best", () => {
    const ticks = timeTicks(0, 1e9, 4);
    expect(ticks[0]).toEqual({ at: 0, label: "0" });
    expect(ticks.map((t) => t.label)).toContain("400 ms");
    expect(ticks.at(-1)).toEqual({ at: 1, label: "1 s" });
  });

  it("formats durations", () => {
    expect(formatDuration(1_250_000_000)).toBe("1.25 s");
    expect(formatDuration(340_000_000)).toBe("340 ms");
    expect(formatDuration(12_000)).toBe("12 µs");
    expect(formatDuration(999)).toBe("999 ns");
    expect(formatDuration(90e9)).toBe("1.5 min");
    expect(formatDuration(Number.NaN)).toBe("—");
  });

  it("caps indentation for very deep rows", () => {
    expect(indentPx(3)).toBe(36);
    expect(indentPx(99_999, 12, 8)).toBe(96);
    expect(indentPx(99_999)).toBe(144);
    expect(indentPx(-1)).toBe(0);
  });
});

describe("the browser's trace check", () => {
  const trace = {
    traceId: "a".repeat(32),
    startNs: "1763726400000000000",
    endNs: "1763726400000001000",
    total: 2,
    truncated: false,
    spans: { id: ["s1", "s2"], parent: [null, "s1"], name: ["a", "b"], service: [null, "x"], status: [0, 2], start: [0, 10], end: [1000, 20], record: [-1, 0] },
    records: { id: ["r1"], kind: ["message"], agent: ["p"], verdicts: [["verified"]], verified: [true] },
  };

  it("accepts what TraceView accepts and refuses uneven or mistyped columns", () => {
    expect(TraceView.safeParse(trace).success).toBe(true);
    expect(TraceViewForBrowser.safeParse(trace).success).toBe(true);
    expect(TraceViewForBrowser.safeParse({ ...trace, spans: { ...trace.spans, name: ["a"] } }).success).toBe(false);
    expect(TraceViewForBrowser.safeParse({ ...trace, spans: { ...trace.spans, start: ["0", "10"] } }).success).toBe(false);
    expect(TraceViewForBrowser.safeParse({ ...trace, records: { ...trace.records, verified: undefined } }).success).toBe(false);
    expect(TraceViewForBrowser.safeParse({ ...trace, startNs: 1 }).success).toBe(false);
    expect(TraceViewForBrowser.safeParse(null).success).toBe(false);
  });
});

describe("span labels", () => {
  it("writes instants with milliseconds and the zone", () => {
    const ms = Date.UTC(2026, 10, 21, 12, 0, 5, 42);
    expect(formatInstantMs(ms, "UTC")).toBe("2026-11-21 12:00:05.042 UTC");
    expect(formatInstantMs(ms, "Asia/Kolkata")).toBe("2026-11-21 17:30:05.042 GMT+5:30");
    expect(formatInstantMs(ms, "America/New_York")).toBe("2026-11-21 07:00:05.042 EST");
    expect(formatInstantMs(Number.NaN, "UTC")).toBe("—");
  });

  it("reads nanoseconds since the epoch from text without losing them to doubles", () => {
    expect(nsToMs("1763726400123456789")).toBeCloseTo(1763726400123.4568, 3);
    expect(nsToMs("1763726400000000000", 5_000_000)).toBe(1763726400005);
    expect(nsToMs("not a number")).toBeNaN();
  });

  it("picks the worst verdict for a row and the tone of a bar", () => {
    expect(worstVerdict(["unattested_agent", "bad_signature", "pending"])).toBe("bad_signature");
    expect(worstVerdict(["verified"])).toBe("verified");
    expect(worstVerdict([])).toBeNull();
    expect(spanTone(0, ["stale"])).toBe("warn");
    expect(spanTone(2, null)).toBe("bad");
    expect(spanTone(0, null)).toBe("neutral");
  });

  it("pretty-prints a JSON payload and leaves anything else as sent", () => {
    expect(prettyPayload('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', json: true });
    expect(prettyPayload("not json")).toEqual({ text: "not json", json: false });
    expect(prettyPayload(null).json).toBe(false);
  });
});
