// npx tsx bench/ui-trace.ts [--case <name>]
//
// The trace waterfall in headless Chromium against a production build, on
// traces of 100,000 spans seeded by PostgreSQL (a wide tree with records,
// and a 100,000-deep chain). Per case: time to first paint (rows on screen,
// from navigation start), the trace API's time and size, rows in the DOM,
// the whole trace's summary request, and the frame rate during a scripted scroll (requestAnimationFrame
// callbacks per second while scrollTop moves every frame).
// Goals: first paint under 1 s, scrolling at >= 30 fps.
// `traceCases()` hands the same cases to bench/ui.ts; run alone, this file
// prints a table and writes bench-output/ui-trace.json. Run it under the e2e
// lock (`flock /tmp/firebreak-e2e.lock npx tsx bench/ui-trace.ts`): both build .next.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, buildReason, freePort, startNext, type Child } from "../test/e2e/harness.ts";
import { insertGeneratedTrace, type GeneratedTrace } from "../test/integration/traces/trace-fixtures.ts";
import { TRACE_HEAD_SPANS } from "../lib/api/trace-views.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { printSelfTimes, startCpuProfile } from "./lib/cpu-profile.ts";

const CHROMIUM = process.env.FIREBREAK_CHROMIUM ?? "/usr/bin/chromium";
const SCROLL_MS = 3_000;
/** Pixels per frame: about a fast flick of a mouse wheel, held for the whole run. */
const SCROLL_STEP_PX = 140;

/** The shape of a bench/ui.ts case. */
export interface TraceUiCase {
  name: string;
  goal: string;
  seed(db: pg.Client): Promise<void>;
  measure(page: Page, profile?: boolean): Promise<Record<string, number>>;
  met(m: Record<string, number>): boolean | null;
  warmPath: string;
}

/**
 * Scrolls the waterfall by a fixed step every frame, counting frames. Sent as
 * text: tsx names inner functions with a helper that does not exist in the page.
 */
const SCROLL_SCRIPT = `async ({ duration, step }) => {
  const el = document.querySelector('[data-testid="waterfall"]');
  let frames = 0, worst = 0, maxRows = 0;
  const rendersBefore = Number(el.dataset.renders || "0");
  const start = performance.now();
  let last = start;
  await new Promise((resolve) => {
    const frame = (t) => {
      frames++;
      worst = Math.max(worst, t - last);
      last = t;
      // Down to the end, then back up: both directions, all the way through.
      const max = el.scrollHeight - el.clientHeight;
      const pos = (((t - start) / 16.67) * step) % (2 * max);
      el.scrollTop = pos <= max ? pos : 2 * max - pos;
      maxRows = Math.max(maxRows, el.querySelectorAll('[role="treeitem"]').length);
      if (t - start < duration) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  // React renders of the trace screen per frame scrolled: the cost scrolling puts on React.
  return { rafFps: frames / ((performance.now() - start) / 1000), worstFrameMs: worst, maxDomRows: maxRows, rendersPerFrame: (Number(el.dataset.renders || "0") - rendersBefore) / frames };
}`;

/**
 * Timings of the first-window request and of the first window after it (paged in on scroll). As
 * text: tsx names inner functions with a helper the page does not have. One
 * request each: the preload the page starts is the one the first-window query reads.
 * Since ADR 0039 the first window is in the page's HTML and there is no first-window request.
 */
const RESOURCES_SCRIPT = `(() => {
  const timing = (re) => {
    const all = performance.getEntriesByType("resource").filter((r) => re.test(r.name));
    const e = all[0];
    return e ? { ms: e.duration, bytes: e.encodedBodySize || e.transferSize, startMs: e.startTime, endMs: e.responseEnd, requests: all.length } : { ms: NaN, bytes: NaN, startMs: NaN, endMs: NaN, requests: 0 };
  };
  return { head: timing(/\\/api\\/v1\\/traces\\/[0-9a-f]{32}\\?limit=\\d+(&total=lower-bound)?$/), all: timing(/\\/api\\/v1\\/traces\\/[0-9a-f]{32}\\?limit=\\d+&after=/), summary: timing(/\\/api\\/v1\\/traces\\/[0-9a-f]{32}\\/summary$/) };
})()`;

/**
 * Scrolls to the last row loaded and waits for the window after it: the
 * time until more spans are counted, and whether rows past the first window
 * are on screen (each row carries its span index).
 */
const NEXT_WINDOW_SCRIPT = `async (firstWindow) => {
  const el = document.querySelector('[data-testid="waterfall"]');
  const count = () => Number(document.querySelector('[data-testid="span-count"]').textContent.replace(/,/g, ""));
  const before = count();
  if (!el.dataset.more) return { nextWindowMs: NaN, spansAfterScroll: before, rowsPastFirstWindow: 0 };
  const start = performance.now();
  el.scrollTop = el.scrollHeight;
  await new Promise((resolve) => {
    const poll = () => (count() > before || performance.now() - start > 60000 ? resolve() : requestAnimationFrame(poll));
    requestAnimationFrame(poll);
  });
  const ms = performance.now() - start;
  el.scrollTop = el.scrollHeight;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const past = [...el.querySelectorAll('[role="treeitem"]')].filter((r) => Number(r.id.replace("span-row-", "")) >= firstWindow).length;
  return { nextWindowMs: ms, spansAfterScroll: count(), rowsPastFirstWindow: past };
}`;

/**
 * When the first row's name was painted (components/waterfall/trace-waterfall.tsx marks it for the Element
 * Timing API), from navigation start: rows on screen, whoever drew them, the page's HTML or React.
 */
const FIRST_ROW_PAINT_SCRIPT = `new Promise((resolve) => {
  const seen = (list) => { const e = list.getEntries().find((x) => x.identifier === "trace-first-row"); if (e) resolve(e.renderTime || e.loadTime); };
  new PerformanceObserver(seen).observe({ type: "element", buffered: true });
  setTimeout(() => resolve(NaN), 2000);
})`;

async function scrollFps(page: Page): Promise<{ rafFps: number; worstFrameMs: number; maxDomRows: number; rendersPerFrame: number }> {
  return page.evaluate(`(${SCROLL_SCRIPT})(${JSON.stringify({ duration: SCROLL_MS, step: SCROLL_STEP_PX })})`);
}

function traceCase(name: string, trace: GeneratedTrace): TraceUiCase {
  return {
    name,
    goal: "first paint < 1000 ms, scroll >= 30 fps",
    // A trace that is not there: the page's code loads and the route warms, nothing of this trace is cached.
    warmPath: `/traces/${"e".repeat(32)}`,
    async seed(db) {
      await db.query(`DELETE FROM records WHERE trace_id = $1`, [trace.traceId]);
      await db.query(`DELETE FROM spans WHERE trace_id = $1`, [trace.traceId]);
      await insertGeneratedTrace(db, trace);
      await db.query(`ANALYZE spans; ANALYZE records`);
    },
    async measure(page, profile) {
      // The server has answered for this trace once (as for any trace in use): its code is loaded and the rows are in PostgreSQL's cache.
      const warm = await page.request.get(`/api/v1/traces/${trace.traceId}`);
      if (!warm.ok()) throw new Error(`GET the trace: ${warm.status()}`);
      const stopProfile = profile ? await startCpuProfile(page) : null;
      await page.goto(`/traces/${trace.traceId}`, { waitUntil: "commit" });
      await page.waitForSelector('[data-testid="waterfall"][data-first-paint-ms]', { timeout: 60_000 });
      if (stopProfile) printSelfTimes(`${name} to first paint`, await stopProfile());
      const firstPaintMs = Number(await page.getAttribute('[data-testid="waterfall"]', "data-first-paint-ms"));
      const rowsPaintedMs = Math.round((await page.evaluate(FIRST_ROW_PAINT_SCRIPT)) as number);
      const headRows = await page.locator('[role="treeitem"]').count();
      // The rows may be on screen from the page's HTML before React has hydrated them (ADR 0039): wait for React, which scrolling needs.
      await page.waitForFunction(() => performance.getEntriesByName("fb:trace:hydrated", "mark").length > 0, null, { timeout: 60_000 });
      // The page's own marks (components/ui/use-mark.ts): when React had hydrated the screen, and when it had the first window.
      const marks = (await page.evaluate(`Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("fb:")).map((m) => [m.name, Math.round(m.startTime)]))`)) as Record<string, number>;
      // Nothing on its way (no window is asked for until the analyst scrolls near the last row loaded).
      await page.waitForSelector('[data-testid="waterfall"][data-complete]', { timeout: 120_000 });
      const completeMs = Math.round((await page.evaluate("performance.now()")) as number);
      const domRows = await page.locator('[role="treeitem"]').count();
      const spans = Number((await page.getByTestId("span-count").textContent())?.replace(/,/g, ""));
      const fps = await scrollFps(page);
      const next = (await page.evaluate(`(${NEXT_WINDOW_SCRIPT})(${TRACE_HEAD_SPANS})`)) as { nextWindowMs: number; spansAfterScroll: number; rowsPastFirstWindow: number };
      const api = (await page.evaluate(RESOURCES_SCRIPT)) as Record<"head" | "all" | "summary", { ms: number; bytes: number; startMs: number; endMs: number; requests: number }>;
      // The page's HTML: first and last byte, from navigation start (the server's render, with the first window since ADR 0039).
      const html = (await page.evaluate(`(() => { const n = performance.getEntriesByType("navigation")[0]; return n ? { startMs: n.responseStart, endMs: n.responseEnd, bytes: n.encodedBodySize || n.transferSize } : { startMs: NaN, endMs: NaN, bytes: NaN }; })()`)) as { startMs: number; endMs: number; bytes: number };
      // When each request was made and answered, from navigation start: the rest of first paint is page load and layout.
      return {
        htmlStartMs: Math.round(html.startMs),
        htmlEndMs: Math.round(html.endMs),
        htmlKiB: Math.round(html.bytes / 1024),
        // The page's rows from its HTML on screen (components/waterfall/trace-paint-script.ts), before hydration (ADR 0039).
        htmlPaintMs: marks["fb:trace:html-paint"] ?? NaN,
        hydratedMs: marks["fb:trace:hydrated"] ?? NaN,
        dataMs: marks["fb:trace:data"] ?? NaN,
        firstPaintMs,
        rowsPaintedMs,
        completeMs,
        headStartMs: Math.round(api.head.startMs),
        headEndMs: Math.round(api.head.endMs),
        headKiB: Math.round(api.head.bytes / 1024),
        apiRequests: api.head.requests + api.all.requests,
        apiStartMs: Math.round(api.all.startMs),
        apiEndMs: Math.round(api.all.endMs),
        apiMs: Math.round(api.all.ms),
        apiKiB: Math.round(api.all.bytes / 1024),
        // The whole trace's summary (ADR 0036), asked once the first window is in.
        summaryStartMs: Math.round(api.summary.startMs),
        summaryEndMs: Math.round(api.summary.endMs),
        summaryKiB: Math.round(api.summary.bytes / 1024),
        spans,
        headRows,
        domRows,
        ...fps,
        nextWindowMs: Math.round(next.nextWindowMs),
        spansAfterScroll: next.spansAfterScroll,
        rowsPastFirstWindow: next.rowsPastFirstWindow,
      };
    },
    met: (m) => (Number.isFinite(m.rowsPaintedMs) ? m.rowsPaintedMs! : (m.firstPaintMs ?? Infinity)) < 1000 && (m.rafFps ?? 0) >= 30,
  };
}

/** The waterfall's cases: 100,000 spans as a wide tree (every 10th a record) and as one 100,000-deep chain. */
export function traceCases(spans = 100_000): TraceUiCase[] {
  return [
    // One first window holds it all: the floor the big traces' first paint is read against.
    traceCase(`trace 1500 spans, tree`, { traceId: "a".repeat(32), spans: 1_500, shape: "tree", fanout: 4, recordEvery: 10 }),
    traceCase(`trace ${spans} spans, tree`, { traceId: "b".repeat(32), spans, shape: "tree", fanout: 4, recordEvery: 10 }),
    traceCase(`trace ${spans} spans, chain`, { traceId: "c".repeat(32), spans, shape: "chain" }),
  ];
}

const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : Number.isInteger(n) ? String(n) : n.toFixed(1));

/** The trace cases as a Markdown table: first paint, first window and whole trace requests (from navigation start), scrolling. */
export function printTraceTable(results: { name: string; met: boolean | null; figures: Record<string, number> }[]): void {
  console.log("\n| case | page's HTML first → last byte (size) | first row painted (Element Timing) | paint noted (script or effect) | hydrated | first window in React | first window asked → answered (size) | next window asked → answered (size) | summary asked → answered (size) | settled | DOM rows (max while scrolling) | scroll fps | React renders per frame | worst frame | scrolled to the end: more spans after | spans then (rows past the first window on screen) | goal |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of results) {
    const f = r.figures;
    const whole = Number.isNaN(f.apiStartMs) || f.apiStartMs === undefined ? "none" : `${fmt(f.apiStartMs)} → ${fmt(f.apiEndMs)} ms (${fmt(f.apiKiB)} KiB)`;
    const summary = Number.isNaN(f.summaryStartMs) || f.summaryStartMs === undefined ? "none" : `${fmt(f.summaryStartMs)} → ${fmt(f.summaryEndMs)} ms (${fmt(f.summaryKiB)} KiB)`;
    console.log(
      `| ${r.name} | ${fmt(f.htmlStartMs)} → ${fmt(f.htmlEndMs)} ms (${fmt(f.htmlKiB)} KiB) | ${fmt(f.rowsPaintedMs)} ms | ${fmt(f.firstPaintMs)} ms${Number.isFinite(f.htmlPaintMs) && f.htmlPaintMs !== undefined ? " (HTML)" : ""} | ${fmt(f.hydratedMs)} ms | ${fmt(f.dataMs)} ms | ${fmt(f.headStartMs)} → ${fmt(f.headEndMs)} ms (${fmt(f.headKiB)} KiB) | ${whole} | ${summary} | ${fmt(f.completeMs)} ms | ${fmt(f.domRows)} (${fmt(f.maxDomRows)}) | ${fmt(f.rafFps)} | ${f.rendersPerFrame === undefined ? "—" : f.rendersPerFrame.toFixed(2)} | ${fmt(f.worstFrameMs)} ms | ${fmt(f.nextWindowMs)} ms | ${fmt(f.spansAfterScroll)} (${fmt(f.rowsPastFirstWindow)}) | ${r.met ? "met" : "not met"} |`,
    );
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { case: { type: "string" }, spans: { type: "string" }, profile: { type: "boolean" } } });
  const cases = traceCases(Number(args.spans ?? 100_000)).filter((c) => !args.case || c.name.includes(args.case));
  const token = `fbk_bench_trace_${Date.now().toString(36)}_0123456789abcdef`;
  const children: Child[] = [];
  const database = await startBenchDatabase();
  const db = new pg.Client({ connectionString: database.url });
  let browser: Browser | null = null;
  const results: { name: string; goal: string; met: boolean | null; figures: Record<string, number> }[] = [];
  try {
    await db.connect();
    const reason = buildReason();
    if (reason) {
      console.log(`bench:ui-trace: next build (${reason})`);
      build();
    }
    const web = await startNext(await freePort(), { DATABASE_URL: database.url, FIREBREAK_TOKEN: token, TZ: "UTC" });
    children.push(web);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
    for (const c of cases) {
      console.log(`bench:ui-trace: ${c.name}: seeding`);
      await c.seed(db);
      const context = await browser.newContext({ baseURL: web.baseUrl, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, timezoneId: "UTC", colorScheme: "light" });
      const signIn = await context.request.post("/api/v1/session", { data: { token } });
      if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
      // Once to load the page's code into the browser cache and warm the route, then measured on a fresh page.
      const warm = await context.newPage();
      await warm.goto(c.warmPath);
      await warm.close();
      const page = await context.newPage();
      const figures = await c.measure(page, args.profile);
      const met = c.met(figures);
      results.push({ name: c.name, goal: c.goal, met, figures });
      console.log(`bench:ui-trace: ${c.name}: ${JSON.stringify(figures)} -> ${met ? "met" : "NOT met"}`);
      await context.close();
    }
  } finally {
    await browser?.close().catch(() => {});
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await db.end().catch(() => {});
    await database.stop();
  }
  printTraceTable(results);
  mkdirSync("bench-output", { recursive: true });
  writeFileSync(
    "bench-output/ui-trace.json",
    `${JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), loadavg: loadavg(), chromium: CHROMIUM, viewport: "1440x900 @1x", scrollMs: SCROLL_MS, scrollStepPx: SCROLL_STEP_PX, results }, null, 2)}\n`,
  );
  console.log("bench:ui-trace: wrote bench-output/ui-trace.json");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
