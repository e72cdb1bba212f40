// npm run chaos:infra -- [--soak-minutes 10] [--soak-rate N] [--batches 1000] [--kills 10] [--only <scenario>] [--reuse-build] [--profile DIR]
//
// The collector against its infrastructure failing: overload at twice the
// sustainable rate, PostgreSQL stopped and restarted mid-ingest, the
// collector SIGKILLed at random points, the database's disk full, and a soak
// at 80% load with the dashboard open in Chromium. Prints one table and
// writes bench-output/chaos-infra.json. Scenarios: overload, database-restart,
// sigkill, disk-full, soak.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { chromium } from "playwright-core";
import { startEmbeddedPostgres } from "../lib/db/embedded-server.ts";
import { migrate } from "../lib/db/migrate.ts";
import { staleBuildReason } from "../lib/process/next-build.ts";
import { auditStored, newLedger, sendAll, type Ledger } from "../bench/lib/ack-ledger.ts";
import { collectorHealth, heapHeldMiB, rssOf, startCollectorProcess, type CollectorProcess } from "../bench/lib/collector-process.ts";
import { startBenchDatabase } from "../bench/lib/bench-db.ts";
import { registerFleet, saturate, steadyLoad, type LoadBody } from "../bench/lib/load.ts";
import { generateBodies, makeFleet } from "../bench/lib/signed-bodies.ts";
import { killCollectorWhileSending } from "../bench/lib/sigkill-run.ts";
import { checkIntegrity, createDatabaseOn, mountSmallDisk } from "../bench/lib/small-disk.ts";
import { percentile } from "../bench/lib/stats.ts";
import { printProfileDir } from "../bench/lib/cpu-profile.ts";
import { withDatabase } from "../test/helpers/database.ts";

const SCENARIOS = ["overload", "database-restart", "sigkill", "disk-full", "soak"] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: args } = parseArgs({
  options: {
    "soak-minutes": { type: "string", default: "10" },
    /** Records per second for the soak; default 80% of the rate its closed-loop run measured. */
    "soak-rate": { type: "string" },
    batches: { type: "string", default: "1000" },
    kills: { type: "string", default: "10" },
    only: { type: "string" },
    "overload-seconds": { type: "string", default: "20" },
    "reuse-build": { type: "boolean", default: false },
    port: { type: "string", default: "3291" },
    out: { type: "string", default: "bench-output/chaos-infra.json" },
    /** A folder: the soak's collector (every thread) writes V8 CPU profiles there, and their self times are printed. */
    profile: { type: "string" },
  },
});
const TOKEN = "chaos-infra-ingest-key-0123456789";
const cores = availableParallelism();
const BATCH = 100;
/** Records the soak's closed-loop run sends to measure its sustainable rate (about a minute on this machine). */
const SOAK_PROBE = 250_000;

interface Row {
  scenario: Scenario;
  requests: number;
  acknowledged: number;
  refused429: number;
  refused503: number;
  lost: number;
  duplicates: number;
  p99AcceptedMs: number | null;
  collectorRssMiB: [number, number] | null;
  /** Heap held after the last full collection, main thread and engine thread together: RSS counts garbage V8 has not collected yet. */
  collectorHeapMiB: [number, number] | null;
  appRssMiB: [number, number] | null;
  engineLagP99Ms: [number, number] | null;
  verdict: "pass" | "FAIL";
  notes: string[];
}

const mb = (bytes: number): number => Math.round(bytes / 1048576);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[chaos-infra] ${line}`);

function baseRow(scenario: Scenario, ledger: Ledger): Row {
  return {
    scenario,
    requests: ledger.requests,
    acknowledged: ledger.acknowledged.length,
    refused429: ledger.answers["429"] ?? 0,
    refused503: ledger.answers["503"] ?? 0,
    lost: 0,
    duplicates: 0,
    p99AcceptedMs: ledger.ackLatencies.length ? Math.round(percentile(ledger.ackLatencies, 0.99)) : null,
    collectorRssMiB: null,
    collectorHeapMiB: null,
    appRssMiB: null,
    engineLagP99Ms: null,
    verdict: "pass",
    notes: [],
  };
}

/** Books checked against the database; fails the row on any loss, duplicate, torn batch or unexpected answer. */
async function audit(row: Row, url: string, ledger: Ledger): Promise<void> {
  const a = await auditStored(url, ledger);
  row.lost = a.lost.length;
  row.duplicates = a.duplicates.length;
  if (a.lost.length || a.duplicates.length || a.torn) row.verdict = "FAIL";
  if (a.torn) row.notes.push(`${a.torn} batches stored in part`);
  if (ledger.unexpected.length) {
    row.verdict = "FAIL";
    row.notes.push(`unexpected answers: ${JSON.stringify(ledger.unexpected.slice(0, 3))}`);
  }
}

interface Traffic {
  bodies: LoadBody[];
  /** Fresh bodies of the same fleet, ids never used before. A body sent again is an idempotent retry (acknowledged, nothing stored): load made of retries loads nothing. */
  more: (records: number) => Promise<LoadBody[]>;
}

/** A bench database with the fleet registered and `records` signed records made. */
async function signedTraffic(databaseUrl: string, records: number): Promise<Traffic> {
  const fleet = makeFleet(50);
  await registerFleet(databaseUrl, fleet.registry);
  let next = 0;
  const more = async (n: number) => {
    const made = await generateBodies(fleet, n, BATCH, cores, next);
    next += n;
    return made;
  };
  return { bodies: await more(records), more };
}

async function measureSustainable(collector: CollectorProcess, bodies: LoadBody[]): Promise<number> {
  const sat = await saturate(collector.url, TOKEN, bodies, 2 * cores + 2);
  const rate = sat.records / sat.seconds;
  log(`sustainable rate: ${Math.round(rate)} records/s (${sat.records} records in ${sat.seconds.toFixed(1)} s, closed loop, ${2 * cores + 2} at a time)`);
  return rate;
}

async function overload(): Promise<Row> {
  const db = await startBenchDatabase();
  try {
    const seconds = Number(args["overload-seconds"]);
    const traffic = await signedTraffic(db.url, 200 * BATCH);
    const collector = await startCollectorProcess(db.url, TOKEN, { FIREBREAK_ALLOW_UNATTESTED: "true" });
    try {
      const rate = await measureSustainable(collector, traffic.bodies);
      // Fresh bodies for the overload itself, one for every send: its books must not mix with the saturation run's.
      const fresh = await traffic.more(Math.ceil(2 * rate * seconds) + BATCH);
      const ledger = newLedger();
      const rssStart = rssOf(collector.child.pid);
      await steadyLoad(collector.url, TOKEN, fresh, 2 * rate, seconds, ledger, true);
      const rssEnd = rssOf(collector.child.pid);
      const row = baseRow("overload", ledger);
      row.collectorRssMiB = [mb(rssStart), mb(rssEnd)];
      const health = await collectorHealth(collector.url, TOKEN).catch(() => null);
      if (!health || collector.child.exitCode !== null) {
        row.verdict = "FAIL";
        row.notes.push("the collector did not survive");
      }
      if (row.refused429 + row.refused503 === 0) row.notes.push("nothing refused: 2x did not overload it");
      // Bounded: an accepted request waits for at most a full admission window, never an unbounded queue.
      if (row.p99AcceptedMs !== null && row.p99AcceptedMs > 10_000) {
        row.verdict = "FAIL";
        row.notes.push("p99 for accepted requests above 10 s");
      }
      row.notes.push(`offered ${Math.round(2 * rate)} records/s for ${seconds} s (2x ${Math.round(rate)})`);
      await audit(row, db.url, ledger);
      return row;
    } finally {
      await collector.stop();
    }
  } finally {
    await db.stop();
  }
}

async function databaseRestart(): Promise<Row> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fb-chaos-dbr-"));
  let server = await startEmbeddedPostgres({ dataDir });
  await migrate(server.url);
  const { bodies } = await signedTraffic(server.url, 200 * BATCH);
  const collector = await startCollectorProcess(server.url, TOKEN, { FIREBREAK_ALLOW_UNATTESTED: "true", FIREBREAK_DATA_DIR: dataDir });
  try {
    const ledger = newLedger();
    const sending = sendAll(ledger, bodies, 4, { url: collector.url, token: TOKEN });
    while (ledger.acknowledged.length < 20) await sleep(20);
    await server.stop();
    log("database stopped; starting it again in 5 s");
    await sleep(5_000);
    server = await startEmbeddedPostgres({ dataDir });
    await sending;
    const row = baseRow("database-restart", ledger);
    if (row.refused503 === 0) {
      row.verdict = "FAIL";
      row.notes.push("no 503 while the database was down");
    }
    if (collector.child.exitCode !== null) {
      row.verdict = "FAIL";
      row.notes.push("the collector died");
    }
    if (ledger.answers["500"]) row.verdict = "FAIL";
    await audit(row, server.url, ledger);
    return row;
  } finally {
    await collector.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function sigkill(): Promise<Row> {
  const db = await startBenchDatabase();
  try {
    const batches = Number(args.batches);
    const kills = Number(args.kills);
    const fleet = makeFleet(50);
    await registerFleet(db.url, fleet.registry);
    const bodies = await generateBodies(fleet, batches * 20, 20, cores);
    const ledger = newLedger();
    const seed = `chaos-infra-${Date.now()}`;
    const run = await killCollectorWhileSending({
      databaseUrl: db.url,
      token: TOKEN,
      env: { FIREBREAK_ALLOW_UNATTESTED: "true" },
      batches: bodies,
      senders: 4,
      ledger,
      seed,
      minKills: Math.max(1, Math.floor(kills / 2)),
      killAfterAcks: Math.max(2, Math.ceil((2 * batches) / kills)),
      killAfterMs: [0, 300],
      log,
    });
    const row = baseRow("sigkill", ledger);
    row.notes.push(`${batches} batches, ${run.kills} SIGKILLs (seed ${seed})`);
    if (ledger.acknowledged.length !== batches) row.verdict = "FAIL";
    await audit(row, db.url, ledger);
    return row;
  } finally {
    await db.stop();
  }
}

async function diskFull(): Promise<Row> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fb-chaos-full-"));
  const server = await startEmbeddedPostgres({ dataDir });
  let disk: ReturnType<typeof mountSmallDisk> | null = null;
  let collector: CollectorProcess | null = null;
  try {
    // Room for the database and all the traffic once the filler is gone (about 40 MiB): the point is a disk filled by something else, then freed.
    disk = mountSmallDisk(path.join(dataDir, "small"), 96);
    await createDatabaseOn(disk, server.url, "fb_full");
    const url = withDatabase(server.url, "fb_full");
    await migrate(url);
    const { bodies } = await signedTraffic(url, 60 * BATCH);
    collector = await startCollectorProcess(url, TOKEN, { FIREBREAK_ALLOW_UNATTESTED: "true", FIREBREAK_DATA_DIR: dataDir, FIREBREAK_DB_RETRY_AFTER_S: "1" });
    const ledger = newLedger();
    const free = disk.fill();
    const c = collector;
    const sending = sendAll(ledger, bodies, 4, { url: c.url, token: TOKEN, maxWaitMs: 1_000 });
    // Full for 10 s (or until the client has heard 503 a few times), then space freed.
    for (let waited = 0; waited < 10_000 && (ledger.answers["503"] ?? 0) < 5; waited += 100) await sleep(100);
    await sleep(2_000);
    free();
    await sending;
    const row = baseRow("disk-full", ledger);
    if (row.refused503 === 0) {
      row.verdict = "FAIL";
      row.notes.push("no 503 while the disk was full");
    }
    const integrity = await checkIntegrity(url);
    row.notes.push(`amcheck: ${integrity.indexesChecked} indexes and the heaps checked, ${integrity.problems.length} problems; ${integrity.records} records read in full`);
    if (integrity.problems.length) {
      row.verdict = "FAIL";
      row.notes.push(...integrity.problems.slice(0, 3));
    }
    await audit(row, url, ledger);
    return row;
  } catch (err) {
    const row = baseRow("disk-full", newLedger());
    row.verdict = "FAIL";
    row.notes.push((err as Error).message);
    return row;
  } finally {
    await collector?.stop();
    await server.stop();
    disk?.unmount();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** RSS of a process and all its descendants (next start may fork workers). */
function treeRss(pid: number | undefined): number {
  if (!pid) return 0;
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rssOf(p);
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

async function engineBacklog(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM records r WHERE (r.tx_id, r.seq) > COALESCE((SELECT (tx_id, seq) FROM engine_cursors WHERE name = 'engine'), ('0'::xid8, 0::bigint))`,
    );
    return r.rows[0]!.n;
  } finally {
    await c.end();
  }
}

async function soak(): Promise<Row> {
  const minutes = Number(args["soak-minutes"]);
  const db = await startBenchDatabase();
  let web: ChildProcess | null = null;
  const browser = await chromium.launch({ executablePath: process.env.FIREBREAK_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  try {
    // Its own rate, over a longer closed-loop run than overload's few seconds: a short burst, before the engine's history fills, overstates what ten minutes sustain.
    const traffic = await signedTraffic(db.url, SOAK_PROBE);
    // The soak's records are signed before it starts (signing beside the load would take the collector's CPU): the last are sent `minutes` after they were signed.
    const profileDir = args.profile ? path.resolve(args.profile) : null;
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    const collector = await startCollectorProcess(
      db.url,
      TOKEN,
      { FIREBREAK_ALLOW_UNATTESTED: "true", FIREBREAK_SKEW_MS: String((minutes + 5) * 60_000) },
      profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
    );
    try {
      const rate = await measureSustainable(collector, traffic.bodies);
      const reason = staleBuildReason(process.cwd());
      if (reason && !(reason !== "no build yet" && args["reuse-build"])) {
        log(`building the dashboard (${reason})`);
        const built = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit" });
        if (built.status !== 0) throw new Error("next build failed");
      }
      const port = args.port!;
      web = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", port], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, DATABASE_URL: db.url, FIREBREAK_TOKEN: TOKEN, NODE_ENV: "production" },
      });
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        if (await fetch(`${base}/login`).then((r) => r.ok, () => false)) break;
        if (i > 600) throw new Error("the dashboard did not come up within 60 s");
        await sleep(100);
      }
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
      const overview = await context.newPage();
      await overview.goto("/login");
      await overview.getByRole("button", { name: "Use the admin token instead" }).click();
      await overview.getByLabel("Admin token").fill(TOKEN);
      await overview.getByRole("button", { name: "Sign in" }).click();
      await overview.waitForURL((u) => u.pathname === "/", { timeout: 30_000 });
      const graph = await context.newPage();
      await graph.goto("/graph");
      // The pages poll by themselves (TanStack Query); a reload a minute also re-renders them from the server.
      const reloads = setInterval(() => {
        void overview.reload().catch(() => {});
        void graph.reload().catch(() => {});
      }, 60_000);

      // Fresh records for every second of the soak (see Traffic.more).
      const perSec = args["soak-rate"] ? Number(args["soak-rate"]) : 0.8 * rate;
      if (!(perSec > 0)) throw new Error(`--soak-rate must be a positive number of records per second, not ${args["soak-rate"]}`);
      const fresh = await traffic.more(Math.ceil(perSec * minutes * 60) + BATCH);
      log(`signed ${fresh.reduce((n, b) => n + b.records, 0)} fresh records for ${minutes} min at ${Math.round(perSec)} records/s`);
      const ledger = newLedger();
      const window = Math.min(60_000, (minutes * 60_000) / 4);
      const started = Date.now();
      const load = steadyLoad(collector.url, TOKEN, fresh, perSec, minutes * 60, ledger, true);
      await sleep(window);
      const start = {
        collector: rssOf(collector.child.pid),
        heap: await heapHeld(collector),
        app: treeRss(web.pid),
        lag: await lagSince(collector, started),
        backlog: await engineBacklog(db.url),
      };
      await sleep(Math.max(0, minutes * 60_000 - 2 * window));
      const endFrom = Date.now();
      await load;
      clearInterval(reloads);
      const end = {
        collector: rssOf(collector.child.pid),
        heap: await heapHeld(collector),
        app: treeRss(web.pid),
        lag: await lagSince(collector, endFrom),
        backlog: await engineBacklog(db.url),
      };
      const row = baseRow("soak", ledger);
      row.collectorRssMiB = [mb(start.collector), mb(end.collector)];
      row.collectorHeapMiB = start.heap !== null && end.heap !== null ? [mb(start.heap), mb(end.heap)] : null;
      row.appRssMiB = [mb(start.app), mb(end.app)];
      row.engineLagP99Ms = [start.lag.p99, end.lag.p99];
      row.notes.push(`${minutes} min at ${Math.round(perSec)} records/s (${Math.round((perSec / rate) * 100)}% of ${Math.round(rate)}), every record fresh; engine backlog ${start.backlog} -> ${end.backlog} records; lag samples ${start.lag.samples} and ${end.lag.samples} in the first and last windows`);
      // Flat: within 25% + 64 MiB of the first window's reading; lag within 2x + 1 s; the backlog not growing past a pass.
      const flat = (a: number, b: number) => b <= a * 1.25 + 64 * 1048576;
      // The collector is judged by the heap it holds, not its RSS: V8 collects late on a machine with memory to spare, so RSS grows with garbage.
      const failures = [
        start.heap === null || end.heap === null ? "no full collection in the first or the last window: the heap held cannot be judged" : !flat(start.heap, end.heap) && "collector heap held grew",
        !flat(start.app, end.app) && "app RSS grew",
        end.lag.p99 > 2 * start.lag.p99 + 1_000 && "engine lag grew",
        // A window whose passes judged nothing says nothing about the lag.
        (start.lag.samples === 0 || end.lag.samples === 0) && "the engine judged nothing in the first or the last window",
        end.backlog > Math.max(2 * start.backlog, 2_000) && "engine backlog grew",
      ].filter((f): f is string => typeof f === "string");
      if (failures.length) row.verdict = "FAIL";
      row.notes.push(...failures);
      await audit(row, db.url, ledger);
      await context.close();
      return row;
    } finally {
      await collector.stop();
      if (profileDir) printProfileDir(profileDir, "soak collector thread");
    }
  } finally {
    web?.kill("SIGTERM");
    await browser.close();
    await db.stop();
  }
}

/** Heap held, bytes, the collector's main thread and its engine's thread together; null before both have had a full collection. */
async function heapHeld(collector: CollectorProcess): Promise<number | null> {
  const { main, engine } = await heapHeldMiB(collector.url, TOKEN);
  return main === null || engine === null ? null : (main + engine) * 1048576;
}

/** The engine's lag p99 over the passes committed since `since`, and how many records they judged. */
async function lagSince(collector: CollectorProcess, since: number): Promise<{ p99: number; samples: number }> {
  const h = (await collectorHealth(collector.url, TOKEN, `?lagSince=${since}`)) as { engine?: { lag?: { p99: number; samples: number } } };
  return { p99: Math.round(h.engine?.lag?.p99 ?? 0), samples: h.engine?.lag?.samples ?? 0 };
}

function printTable(rows: Row[]): void {
  const head = ["scenario", "requests", "acked", "429", "503", "lost acked", "dups", "p99 accepted", "collector RSS MiB", "collector heap held MiB", "app RSS MiB", "engine lag p99 ms", "verdict"];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.requests),
    String(r.acknowledged),
    String(r.refused429),
    String(r.refused503),
    String(r.lost),
    String(r.duplicates),
    r.p99AcceptedMs === null ? "-" : `${r.p99AcceptedMs} ms`,
    r.collectorRssMiB ? `${r.collectorRssMiB[0]} -> ${r.collectorRssMiB[1]}` : "-",
    r.collectorHeapMiB ? `${r.collectorHeapMiB[0]} -> ${r.collectorHeapMiB[1]}` : "-",
    r.appRssMiB ? `${r.appRssMiB[0]} -> ${r.appRssMiB[1]}` : "-",
    r.engineLagP99Ms ? `${r.engineLagP99Ms[0]} -> ${r.engineLagP99Ms[1]}` : "-",
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
  for (const r of rows) for (const n of r.notes) console.log(`  ${r.scenario}: ${n}`);
}

function save(rows: Row[], loadStart: number[]): number[] {
  const loadEnd = loadavg();
  mkdirSync(path.dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify({ date: new Date().toISOString(), cores, node: process.version, loadAverage: { start: loadStart, end: loadEnd }, args, rows }, null, 2));
  return loadEnd;
}

async function main(): Promise<void> {
  const only = args.only as Scenario | undefined;
  if (only && !SCENARIOS.includes(only)) throw new Error(`--only takes one of ${SCENARIOS.join(", ")}`);
  const run: Record<Scenario, () => Promise<Row>> = { overload, "database-restart": databaseRestart, sigkill, "disk-full": diskFull, soak };
  const loadStart = loadavg();
  log(`machine: ${cores} cores, load average ${loadStart.map((l) => l.toFixed(2)).join(" ")}`);
  const rows: Row[] = [];
  for (const s of only ? [only] : SCENARIOS) {
    log(`scenario: ${s}`);
    const t0 = Date.now();
    try {
      rows.push(await run[s]());
    } catch (err) {
      const row = baseRow(s, newLedger());
      row.verdict = "FAIL";
      row.notes.push((err as Error).stack ?? String(err));
      rows.push(row);
    }
    log(`scenario ${s} took ${Math.round((Date.now() - t0) / 1000)} s`);
    // Written after every scenario: a long run cut short keeps what it measured.
    save(rows, loadStart);
  }
  const loadEnd = save(rows, loadStart);
  printTable(rows);
  console.log(`load average: ${loadStart[0]!.toFixed(2)} at the start, ${loadEnd[0]!.toFixed(2)} at the end (${cores} cores)`);
  if (rows.some((r) => r.verdict === "FAIL")) process.exitCode = 1;
}

await main();
