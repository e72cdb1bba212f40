// npm run bench:ui -- [--case <name>]
//
// The dashboard in headless Chromium against a production build, on
// generated data. Each case seeds the database, opens a screen in a fresh
// browser context (no cached layout) and measures it; later screens add a
// case to CASES. For the agent graph: time to first meaningful render (the
// canvas drawn with every agent, from navigation start), time until the
// layout settles, and the frame rate during a scripted pan and zoom
// (requestAnimationFrame callbacks and canvas redraws per second).
// Goals: first render under 1 s and >= 30 fps at 1,000 agents / 10,000 links.
// `-- --profile` also prints where the main thread spent its time up to the
// first render (V8 sampling profiler). Prints a table; writes bench-output/ui.json. Run it under the same lock as
// the e2e run (`flock /tmp/firebreak-e2e.lock npm run bench:ui`): both build .next.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { Prng } from "../lib/sim/prng.ts";
import { build, buildReason, freePort, startNext, type Child } from "../test/e2e/harness.ts";
import { startBenchDatabase } from "./lib/bench-db.ts";
import { printSelfTimes, startCpuProfile } from "./lib/cpu-profile.ts";
import { printTraceTable, traceCases } from "./ui-trace.ts";

const { values: args } = parseArgs({ options: { case: { type: "string" }, profile: { type: "boolean" } } });
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

async function resetTables(db: pg.Client): Promise<void> {
  await db.query(`TRUNCATE records, breaker_states, breaker_events, agents CASCADE`);
}

/** `agents` agents in teams and clusters, `links` distinct directed links, 1-4 messages each, some failed, some breakers tripped. */
async function seedGraph(db: pg.Client, agents: number, links: number): Promise<void> {
  await resetTables(db);
  const prng = new Prng(`bench ui graph ${agents}/${links}`);
  const ids = Array.from({ length: agents }, (_, i) => `agent-${String(i).padStart(4, "0")}`);
  await db.query(
    `INSERT INTO agents (id, display_name, kind, attested, labels)
     SELECT id, 'Agent ' || id, 'agent', (n % 9) <> 0, jsonb_build_object('team', 'team-' || (n % 12), 'cluster', 'c' || (n % 3))
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [ids],
  );
  // Links mostly inside a team (clustered, like real fleets), some across.
  const pairs = new Set<string>();
  const senders: string[] = [];
  const receivers: string[] = [];
  const maxLinks = agents * (agents - 1);
  while (senders.length < Math.min(links, maxLinks)) {
    const a = Math.floor(prng.next() * agents);
    const local = prng.next() < 0.8;
    const b = local ? (a + 12 * (1 + Math.floor(prng.next() * 6)) * (prng.next() < 0.5 ? 1 : -1) + agents * 10) % agents : Math.floor(prng.next() * agents);
    if (a === b) continue;
    const key = `${a}>${b}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    senders.push(ids[a]!);
    receivers.push(ids[b]!);
  }
  const rs: string[] = [];
  const rr: string[] = [];
  const rv: string[] = [];
  senders.forEach((s, i) => {
    const n = 1 + Math.floor(prng.next() * 4);
    for (let k = 0; k < n; k++) {
      rs.push(s);
      rr.push(receivers[i]!);
      const x = prng.next();
      rv.push(x < 0.01 ? "bad_signature" : x < 0.02 ? "replay" : x < 0.05 ? "unknown_intent" : "verified");
    }
  });
  for (let off = 0; off < rs.length; off += 20_000) {
    await db.query(
      `INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload,
                            parents, authority, signature, key_id, verdicts, verdict_details, verified, pending_on, received_at)
       SELECT 'b-' || (n + $4), lpad(to_hex(n + $4), 32, '0'), lpad(to_hex(n + $4), 16, '0'), lpad(to_hex(n + $4), 64, '0'), 'message', s, ARRAY[r], 'Bench', 'a2a/0.3',
              now() - ((n * 7) % 3600) * interval '1 second', 'n' || (n + $4), '{}', '{}', '{}', 'sig', 'k1', ARRAY[v], jsonb_build_array(jsonb_build_object('verdict', v)), v = 'verified', '{}', now()
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(s, r, v, n)`,
      [rs.slice(off, off + 20_000), rr.slice(off, off + 20_000), rv.slice(off, off + 20_000), off],
    );
  }
  // About 3% of links with a tripped breaker, of every kind.
  const now = Date.now();
  const states = ["OPEN", "HALF_OPEN", "FORCED_OPEN", "METRICS_ONLY"] as const;
  const rows: { sender: string; receiver: string; state: string; since: number; machine: unknown }[] = [];
  senders.forEach((s, i) => {
    if (prng.next() >= 0.03) return;
    const state = states[Math.floor(prng.next() * states.length)]!;
    const since = now - 60_000;
    const machine =
      state === "OPEN"
        ? { state, since, until: now + 240_000, awaitingReview: false }
        : state === "HALF_OPEN"
          ? { state, since, probesLeft: 1 }
          : state === "FORCED_OPEN"
            ? { state, since, actor: "bench", reason: "bench" }
            : { state, since, window: { buckets: [] }, streak: { count: 0, recordIds: [] }, wouldHaveTripped: 0 };
    rows.push({ sender: s, receiver: receivers[i]!, state, since, machine });
  });
  await db.query(
    `INSERT INTO breaker_states (sender, receiver, state, since, machine)
     SELECT x.sender, x.receiver, x.state, to_timestamp(x.since / 1000.0), x.machine FROM json_to_recordset($1::json) AS x(sender text, receiver text, state text, since double precision, machine jsonb)`,
    [JSON.stringify(rows)],
  );
  await db.query(`ANALYZE`);
}

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
      await page.waitForSelector('[data-testid="graph-canvas"][data-first-draw-ms]', { timeout: 60_000 });
      if (stopProfile) printSelfTimes(`graph ${agents}/${links} to first render`, await stopProfile());
      const firstRenderMs = Number(await page.getAttribute('[data-testid="graph-canvas"]', "data-first-draw-ms"));
      await page.waitForSelector('[data-testid="graph-canvas"][data-layout="done"]', { timeout: 120_000 });
      const settledMs = (await page.evaluate("performance.now()")) as number;
      const api = (await page.evaluate(
        `(() => { const e = performance.getEntriesByType("resource").find((r) => r.name.includes("/api/v1/graph")); return e ? { ms: e.duration, bytes: e.encodedBodySize || e.transferSize, startMs: e.startTime, endMs: e.responseEnd } : { ms: NaN, bytes: NaN, startMs: NaN, endMs: NaN }; })()`,
      )) as { ms: number; bytes: number; startMs: number; endMs: number };
      const drawnNodes = Number(await page.getAttribute('[data-testid="graph-canvas"]', "data-nodes-drawn"));
      const fps = await panZoomFps(page);
      // When the graph was asked for and answered, from navigation start: the rest of the first render is page load, parsing and drawing.
      return { firstRenderMs, settledMs: Math.round(settledMs), apiStartMs: Math.round(api.startMs), apiEndMs: Math.round(api.endMs), apiMs: Math.round(api.ms), apiKiB: Math.round(api.bytes / 1024), drawnNodes, ...fps };
    },
    met: (m) => (m.firstRenderMs ?? Infinity) < 1000 && Math.min(m.rafFps ?? 0, m.drawFps ?? 0) >= 30,
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
  console.log("\n| case | first render | layout settled | API (size) | pan/zoom fps (rAF / redraws) | worst frame | goal |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const r of results.filter((x) => GRAPH_CASES.some((g) => g.name === x.name))) {
    const f = r.figures;
    console.log(`| ${r.name} | ${fmt(f.firstRenderMs)} ms | ${fmt(f.settledMs)} ms | ${fmt(f.apiMs)} ms (${fmt(f.apiKiB)} KiB) | ${fmt(f.rafFps)} / ${fmt(f.drawFps)} | ${fmt(f.worstFrameMs)} ms | ${r.met ? "met" : "not met"} |`);
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
