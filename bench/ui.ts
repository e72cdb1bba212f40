// npm run bench:ui -- [--case <name>]
//
// The dashboard in headless Chromium against a production build, on
// generated data. Each case seeds the database, opens a screen in a fresh
// browser context (no cached layout) and measures it; later screens add a
// case to CASES. For the agent graph: time to first meaningful render (the
// canvas drawn with every agent, from navigation start: the page's early
// picture before hydration, and React's canvas), time until the
// layout settles, and the frame rate during a scripted pan and zoom
// (requestAnimationFrame callbacks and canvas redraws per second).
// Goals: first render under 1 s and >= 30 fps at 1,000 agents / 10,000 links.
// `-- --profile` also prints where the main thread spent its time up to the
// first render (V8 sampling profiler); `-- --shots` saves the graph's early,
// first and settled pictures in bench-output/. Prints a table; writes bench-output/ui.json. Run it under the same lock as
// the e2e run (`flock /tmp/firebreak-e2e.lock npm run bench:ui`): both build .next.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, buildReason, freePort, startNext, type Child } from "../test/e2e/harness.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { seedGraph } from "./lib/graph-seed.ts";
import { printSelfTimes, startCpuProfile } from "./lib/cpu-profile.ts";
import { printTraceTable, traceCases } from "./ui-trace.ts";

const { values: args } = parseArgs({ options: { case: { type: "string" }, profile: { type: "boolean" }, shots: { type: "boolean" } } });
const CHROMIUM = process.env.FIREBREAK_CHROMIUM ?? "/usr/bin/chromium";
const TOKEN = `fbk_bench_ui_${Date.now().toString(36)}_0123456789abcdef`;
const INTERACT_MS = 3_000;

interface UiCase {
  name: string;
  /** What the figures are judged against, in words, for the table. */
  goal: string;
  seed(db: pg.Client): Promise<void>;
  /** `profile`: sample the main thread up to the first render and print where it went (`--profile`). */
  measure(page: Page, profile?: boolean): Promise<Record<string, number>>;
  met(m: Record<string, number>): boolean | null;
  /** The page loaded once before measuring, so its code is in the browser cache; the graph by default. */
  warmPath?: string;
}

// ------------------------------------------------------------ agent graph

/**
 * Scripted pan then zoom inside the page (synthetic events, which d3-zoom
 * handles like real ones), counting frames. Kept as source text: tsx would
 * wrap named functions in a helper the page does not have.
 */
const PAN_ZOOM_SCRIPT = `async (duration) => {
  const c = document.querySelector('[data-testid="graph-canvas"]');
  const rect = c.getBoundingClientRect();
  const cx = rect.left + rect.width / 2;
  const cy = rect.top + rect.height / 2;
  const drawsBefore = Number(c.dataset.draws || "0");
  let frames = 0, worst = 0, last = performance.now(), dragging = true;
  const start = last;
  c.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, clientX: cx, clientY: cy, button: 0, buttons: 1, view: window }));
  await new Promise((resolve) => {
    function frame(t) {
      frames++;
      worst = Math.max(worst, t - last);
      last = t;
      const elapsed = t - start;
      if (elapsed < duration / 2) {
        const a = elapsed / 300;
        window.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: cx + Math.cos(a) * 150, clientY: cy + Math.sin(a) * 100, buttons: 1, view: window }));
      } else {
        if (dragging) {
          window.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, clientX: cx, clientY: cy, button: 0, view: window }));
          dragging = false;
        }
        const dir = Math.floor(elapsed / 500) % 2 === 0 ? -1 : 1;
        c.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, clientX: cx, clientY: cy, deltaY: 40 * dir, deltaMode: 0, view: window }));
      }
      if (elapsed < duration) requestAnimationFrame(frame);
      else resolve();
    }
    requestAnimationFrame(frame);
  });
  const seconds = (performance.now() - start) / 1000;
  return { rafFps: frames / seconds, drawFps: (Number(c.dataset.draws || "0") - drawsBefore) / seconds, worstFrameMs: worst };
}`;

async function panZoomFps(page: Page): Promise<{ rafFps: number; drawFps: number; worstFrameMs: number }> {
  return page.evaluate(`(${PAN_ZOOM_SCRIPT})(${INTERACT_MS})`) as Promise<{ rafFps: number; drawFps: number; worstFrameMs: number }>;
}

function graphCase(agents: number, links: number): UiCase {
  return {
    name: `graph ${agents} agents / ${links} links`,
    goal: "first render < 1000 ms, pan/zoom >= 30 fps",
    seed: (db) => seedGraph(db, agents, links),
    async measure(page, profile) {
      const stopProfile = profile ? await startCpuProfile(page) : null;
      await page.goto("/graph?window=24h", { waitUntil: "commit" });
      // `--shots`: the early picture too (drawn before hydration), if React has not replaced it by the time the shot is taken.
      if (args.shots) {
        await page.waitForSelector('[data-testid="graph-canvas-early"][data-first-draw-ms], [data-testid="graph-canvas"][data-first-draw-ms]', { timeout: 60_000 });
        await page.screenshot({ path: `bench-output/graph-${agents}-${links}-early.png` });
      }
      await page.waitForSelector('[data-testid="graph-canvas"][data-first-draw-ms]', { timeout: 60_000 });
      if (stopProfile) printSelfTimes(`graph ${agents}/${links} to first render`, await stopProfile());
      // `--shots`: the first picture (drawn plain while the layout settles, for a big graph) and the settled one, to look at.
      if (args.shots) await page.screenshot({ path: `bench-output/graph-${agents}-${links}-first.png` });
      const firstRenderMs = Number(await page.getAttribute('[data-testid="graph-canvas"]', "data-first-draw-ms"));
      await page.waitForSelector('[data-testid="graph-canvas"][data-layout="done"]', { timeout: 120_000 });
      const settledMs = (await page.evaluate("performance.now()")) as number;
      if (args.shots) await page.waitForTimeout(500).then(() => page.screenshot({ path: `bench-output/graph-${agents}-${links}-settled.png` }));
      const api = (await page.evaluate(
        `(() => { const all = performance.getEntriesByType("resource").filter((r) => r.name.includes("/api/v1/graph")); const e = all[0]; return e ? { ms: e.duration, bytes: e.encodedBodySize || e.transferSize, startMs: e.startTime, endMs: e.responseEnd, requests: all.length } : { ms: NaN, bytes: NaN, startMs: NaN, endMs: NaN, requests: 0 }; })()`,
      )) as { ms: number; bytes: number; startMs: number; endMs: number; requests: number };
      // The page's own marks (components/ui/use-mark.ts): when React had hydrated the screen, and when it had the graph.
      const marks = (await page.evaluate(`Object.fromEntries(performance.getEntriesByType("mark").filter((m) => m.name.startsWith("fb:")).map((m) => [m.name, Math.round(m.startTime)]))`)) as Record<string, number>;
      const drawnNodes = Number(await page.getAttribute('[data-testid="graph-canvas"]', "data-nodes-drawn"));
      // The page's code: how much, and when the last of it had arrived (from the browser cache: the page was loaded once before).
      const scripts = (await page.evaluate(
        `(() => { const s = performance.getEntriesByType("resource").filter((r) => r.initiatorType === "script"); return { n: s.length, bytes: s.reduce((a, r) => a + (r.decodedBodySize || 0), 0), endMs: Math.max(0, ...s.map((r) => r.responseEnd)) }; })()`,
      )) as { n: number; bytes: number; endMs: number };
      const fps = await panZoomFps(page);
      // When the graph was asked for and answered, from navigation start: the rest of the first render is page load, parsing and drawing.
      // earlyDrawMs: the picture the page's inline script draws before hydration (components/graph/early-graph.ts); firstRenderMs: React's canvas.
      return { scripts: scripts.n, scriptsKiB: Math.round(scripts.bytes / 1024), scriptsEndMs: Math.round(scripts.endMs), earlyDrawMs: marks["fb:graph:early-draw"] ?? NaN, hydratedMs: marks["fb:graph:hydrated"] ?? NaN, dataMs: marks["fb:graph:data"] ?? NaN, firstRenderMs, settledMs: Math.round(settledMs), apiStartMs: Math.round(api.startMs), apiEndMs: Math.round(api.endMs), apiMs: Math.round(api.ms), apiRequests: api.requests, apiKiB: Math.round(api.bytes / 1024), drawnNodes, ...fps };
    },
    met: (m) => Math.min(m.earlyDrawMs ?? Infinity, m.firstRenderMs ?? Infinity) < 1000 && Math.min(m.rafFps ?? 0, m.drawFps ?? 0) >= 30,
  };
}

const GRAPH_CASES: UiCase[] = [graphCase(100, 300), graphCase(1_000, 3_000), graphCase(1_000, 10_000)];
const TRACE_CASES: UiCase[] = traceCases();
const CASES: UiCase[] = [...GRAPH_CASES, ...TRACE_CASES];

// ------------------------------------------------------------ runner

async function main(): Promise<void> {
  const cases = CASES.filter((c) => !args.case || c.name.includes(args.case));
  const children: Child[] = [];
  const database = await startBenchDatabase();
  let browser: Browser | null = null;
  const db = new pg.Client({ connectionString: database.url });
  const results: { name: string; goal: string; met: boolean | null; figures: Record<string, number> }[] = [];
  try {
    await db.connect();
    const reason = buildReason();
    if (reason) {
      console.log(`bench:ui: next build (${reason})`);
      build();
    }
    const web = await startNext(await freePort(), { DATABASE_URL: database.url, FIREBREAK_TOKEN: TOKEN, TZ: "UTC" });
    children.push(web);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
    for (const c of cases) {
      console.log(`bench:ui: ${c.name}: seeding`);
      await c.seed(db);
      // Warm the server's route code once, so the first case does not pay for it.
      await fetch(`${web.baseUrl}/api/v1/graph?window=1h`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const context = await browser.newContext({ baseURL: web.baseUrl, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, timezoneId: "UTC", colorScheme: "light" });
      const signIn = await context.request.post("/api/v1/session", { data: { token: TOKEN } });
      if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
      const page = await context.newPage();
      // Once to load the page's code into the browser cache, then measured on a fresh page.
      await page.goto(c.warmPath ?? "/graph?window=1h");
      await page.close();
      const measured = await context.newPage();
      await measured.evaluate("sessionStorage.clear()").catch(() => {});
      const figures = await c.measure(measured, args.profile);
      const met = c.met(figures);
      results.push({ name: c.name, goal: c.goal, met, figures });
      console.log(`bench:ui: ${c.name}: ${JSON.stringify(figures)} -> ${met ? "met" : "NOT met"}`);
      await context.close();
    }
  } finally {
    await browser?.close().catch(() => {});
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await db.end().catch(() => {});
    await database.stop();
  }
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : Number.isInteger(n) ? String(n) : n.toFixed(1));
  console.log("\n| case | scripts (KiB, last in) | graph asked → answered (size) | first picture, before hydration | hydrated | graph in React | React's first render | layout settled | pan/zoom fps (rAF / redraws) | worst frame | goal |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const r of results.filter((x) => GRAPH_CASES.some((g) => g.name === x.name))) {
    const f = r.figures;
    console.log(
      `| ${r.name} | ${fmt(f.scripts)} (${fmt(f.scriptsKiB)} KiB, ${fmt(f.scriptsEndMs)} ms) | ${fmt(f.apiStartMs)} → ${fmt(f.apiEndMs)} ms (${fmt(f.apiKiB)} KiB) | ${fmt(f.earlyDrawMs)} ms | ${fmt(f.hydratedMs)} ms | ${fmt(f.dataMs)} ms | ${fmt(f.firstRenderMs)} ms | ${fmt(f.settledMs)} ms | ${fmt(f.rafFps)} / ${fmt(f.drawFps)} | ${fmt(f.worstFrameMs)} ms | ${r.met ? "met" : "not met"} |`,
    );
  }
  printTraceTable(results.filter((x) => TRACE_CASES.some((g) => g.name === x.name)));
  mkdirSync("bench-output", { recursive: true });
  writeFileSync(
    "bench-output/ui.json",
    `${JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), loadavg: loadavg(), chromium: CHROMIUM, viewport: "1440x900 @1x", interactMs: INTERACT_MS, results }, null, 2)}\n`,
  );
  console.log("bench:ui: wrote bench-output/ui.json");
}

await main();
